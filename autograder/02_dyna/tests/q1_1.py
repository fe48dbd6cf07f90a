from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 8

@test_case(points=2, hidden=False, 
    success_message="OK: select_action returns integer actions in range, the greedy action at epsilon 0, and all four actions on ties and at epsilon 1. After you submit, the grade also checks the exploration frequencies and uniform tie-breaking statistically.")
def test_select_action_public(DynaQ):
    """Public: select_action returns integer actions in range, the greedy action at epsilon 0, and reaches every action on ties and at epsilon 1.

    Case 1 (was `test_select_action_returns_valid_actions`): select_action returns integer
    actions in range and the greedy action at epsilon 0.
    Case 2 (was `test_select_action_ties_and_exploration_reach_every_action`): tied greedy
    actions and epsilon=1 exploration both reach all four actions.

    Every case runs in its own `check.part()`: a case that cannot run does not stop the others.

    Checks: DynaQ.select_action
    """
    from mbrl_envs.checking import Checks
    with Checks() as check:
        with check.part():
            import numpy as np
            agent = check.call('DynaQ', DynaQ, 5, 4, alpha=0.1, gamma=0.9, epsilon=0.5, planning_steps=0)
            actions = [check.call('agent.select_action', agent.select_action, 2) for _ in range(20)]
            bad_type = [a for a in actions if not isinstance(a, (int, np.integer)) or isinstance(a, bool)]
            check.expect(not bad_type, f'select_action must return an integer action (a Python or numpy int), got {type(bad_type[0]).__name__} {bad_type[0]!r}' if bad_type else '')
            ints = [int(np.ravel(a)[0]) for a in actions if np.size(a) == 1]
            out = sorted({a for a in ints if not 0 <= a < 4})
            check.expect(not out, f'select_action returned {out}, but the actions are 0, 1, 2, 3')
            q = np.zeros((5, 4))
            q[3, 2] = 1.0
            q[1] = [-3.0, -1.0, -2.0, -4.0]
            greedy = check.call('DynaQ', DynaQ, 5, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0, initial_q=q)
            for s, best in ((3, 2), (1, 1)):
                picks = sorted({int(np.ravel(check.call('greedy.select_action', greedy.select_action, s))[0]) for _ in range(100)})
                check.expect(picks == [best], f'with epsilon=0 and Q[{s}] = {q[s].tolist()}, select_action({s}) must always return the greedy action {best} (the largest value of row Q[{s}]), but it returned {picks}')
        with check.part():
            import numpy as np
            n = 200
            tied = check.call('DynaQ', DynaQ, 5, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0)
            seen = sorted({int(np.ravel(check.call('agent.select_action', tied.select_action, 0))[0]) for _ in range(n)})
            check.expect(seen == [0, 1, 2, 3], f"with epsilon=0 and Q[0] = [0, 0, 0, 0] all four actions are greedy, so select_action(0) must pick among them at random; in {n} calls it returned only {seen}. np.argmax always returns the first maximum: break ties at random (instruction: 'breaking ties uniformly at random').")
            q = np.zeros((5, 4))
            q[2] = [0.0, 1.0, 0.0, 0.0]
            explorer = check.call('DynaQ', DynaQ, 5, 4, alpha=0.1, gamma=0.9, epsilon=1.0, planning_steps=0, initial_q=q)
            seen = sorted({int(np.ravel(check.call('agent.select_action', explorer.select_action, 2))[0]) for _ in range(n)})
            check.expect(seen == [0, 1, 2, 3], f'with epsilon=1 every call explores, and a random action is uniform over ALL self.n_actions actions (the greedy action 1 included); in {n} calls select_action(2) returned only {seen}')

@test_case(points=1, hidden=True)
def test_select_action_greedy_in_every_state(DynaQ):
    """With epsilon=0 the action is the argmax of the given state's row, in every state.

    Checks: DynaQ.select_action
    """
    import numpy as np
    rng = np.random.default_rng(11)
    big = rng.normal(size=(7, 4))
    for s in range(7):
        big[s, (3 * s + 1) % 4] += 5.0
    big[5] -= 20.0
    close = np.round(rng.uniform(0.0, 0.05, size=(7, 4)), 3)
    for s in range(7):
        close[s, (s + 2) % 4] = close[s].max() + 0.01
    for q in (big, close):
        agent = DynaQ(7, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0, initial_q=q.copy())
        for s in range(7):
            action = agent.select_action(s)
            assert isinstance(action, (int, np.integer)) and (not isinstance(action, bool)), f'select_action({s}) must return an integer action (a Python or numpy int), got {type(action).__name__}'
            best = int(np.argmax(q[s]))
            picks = sorted({int(np.ravel(agent.select_action(s))[0]) for _ in range(5)})
            assert picks == [best], f'with epsilon=0, select_action({s}) must return the greedy action of row Q[{s}] = {np.round(q[s], 3).tolist()}, i.e. {best}, but it returned {picks}. Use the row of the given state (also when all its values are negative), and count as tied only actions whose values are equal.'

@test_case(points=2, hidden=True)
def test_select_action_explores_with_probability_epsilon(DynaQ):
    """Action frequencies match epsilon-greedy: 1 - eps + eps/4 greedy, eps/4 each other action.

    Checks: DynaQ.select_action
    """
    import numpy as np
    n, eps = (400, 0.8)
    q = np.zeros((6, 4))
    q[4] = [0.2, 1.0, -0.5, 0.4]
    agent = DynaQ(6, 4, alpha=0.1, gamma=0.9, epsilon=eps, planning_steps=0, initial_q=q)
    actions = [agent.select_action(4) for _ in range(n)]
    odd = [a for a in actions if not isinstance(a, (int, np.integer)) or isinstance(a, (bool, np.bool_))]
    assert not odd, f'with epsilon={eps}, {len(odd)} of {n} calls of select_action returned a {type(odd[0]).__name__} instead of an integer action: the random action must also be an integer in 0..n_actions-1 (np.random.randint(self.n_actions)).'
    picks = [int(a) for a in actions]
    assert min(picks) >= 0 and max(picks) < 4, 'select_action returned an action outside 0..3'
    freq = np.bincount(picks, minlength=4) / n
    expected = np.full(4, eps / 4)
    expected[1] += 1 - eps
    tol = np.sqrt(np.log(2 / 1e-07) / (2 * n))
    if np.all(np.abs(freq - expected) <= tol):
        return
    shown = ', '.join((f'{a}: {f:.1%}' for a, f in enumerate(freq)))
    hint = ''
    if abs(freq[1] - (eps + (1 - eps) / 4)) < 0.1:
        hint = ' It looks like you explore with probability 1 - epsilon: compare the random number with epsilon the other way round.'
    elif abs(freq[1] - (1 - eps)) < 0.1:
        hint = ' It looks like exploration never picks the greedy action: the random action must be uniform over ALL actions, the greedy one included.'
    raise AssertionError(f'with epsilon={eps} and a unique greedy action 1, action 1 should be chosen about {expected[1]:.0%} of the time ({1 - eps:.0%} greedy + {eps:.0%}/4 random) and each other action about {eps / 4:.0%}; over {n} calls yours chose {shown}.{hint}')

@test_case(points=3, hidden=True)
def test_select_action_breaks_ties_uniformly(DynaQ):
    """Tied greedy actions are chosen uniformly at random (without ties nothing else is chosen).

    Checks: DynaQ.select_action
    """
    import numpy as np
    q = np.zeros((6, 4))
    q[1] = [1.0, 0.0, 1.0, 1.0]
    q[4] = [-1.0, 2.0, -3.0, 2.0]
    agent = DynaQ(6, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0, initial_q=q)
    for s, tied, n in ((0, [0, 1, 2, 3], 200), (1, [0, 2, 3], 150), (4, [1, 3], 100)):
        picks = [int(np.ravel(agent.select_action(s))[0]) for _ in range(n)]
        assert min(picks) >= 0 and max(picks) < 4, 'select_action returned an action outside 0..3'
        counts = np.bincount(picks, minlength=4)
        wrong = sorted(set(np.flatnonzero(counts).tolist()) - set(tied))
        assert not wrong, f'with epsilon=0 and Q[{s}] = {q[s].tolist()}, select_action chose non-greedy action(s) {wrong}'
        p = 1 / len(tied)
        tol = np.sqrt(np.log(2 / 1e-07) / (2 * n))
        freq = counts / n
        shown = ', '.join((f'{a}: {freq[a]:.1%}' for a in tied))
        assert all((abs(freq[a] - p) <= tol for a in tied)), f'with epsilon=0 and Q[{s}] = {q[s].tolist()}, the tied greedy actions {tied} should each be chosen about {p:.0%} of the time, but yours chose {shown}. np.argmax always returns the first maximum: choose uniformly among all maxima.'

