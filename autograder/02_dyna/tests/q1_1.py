from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 6

@test_case(points=1, hidden=False)
def test_select_action_returns_valid_actions(DynaQ):
    import numpy as np
    agent = DynaQ(5, 4, alpha=0.1, gamma=0.9, epsilon=0.5, planning_steps=0)
    for _ in range(20):
        a = agent.select_action(2)
        assert isinstance(a, (int, np.integer)) and (not isinstance(a, bool)), f'select_action must return an integer action, got {type(a).__name__}'
        assert 0 <= int(a) < 4, f'select_action returned {a}, but the actions are 0, 1, 2, 3'
    greedy = DynaQ(5, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0)
    q = np.zeros((5, 4))
    q[3, 2] = 1.0
    greedy.Q = q
    picks = sorted({int(greedy.select_action(3)) for _ in range(10)})
    assert picks == [2], f'with epsilon=0 and Q[3] = {q[3].tolist()}, select_action(3) must always return the greedy action 2, but it returned {picks}'

@test_case(points=1, hidden=True)
def test_select_action_greedy_in_every_state(DynaQ):
    import numpy as np
    rng = np.random.default_rng(11)
    q = rng.normal(size=(7, 4))
    for s in range(7):
        q[s, (3 * s + 1) % 4] += 5.0
    q[5] -= 20.0
    agent = DynaQ(7, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0)
    agent.Q = q.copy()
    for s in range(7):
        best = int(np.argmax(q[s]))
        picks = sorted({int(agent.select_action(s)) for _ in range(5)})
        assert picks == [best], f'with epsilon=0, select_action({s}) must return the greedy action of row Q[{s}] = {np.round(q[s], 2).tolist()}, i.e. {best}, but it returned {picks}. Use the row of the given state (also when all its values are negative).'

@test_case(points=2, hidden=True)
def test_select_action_explores_with_probability_epsilon(DynaQ):
    import numpy as np
    n, eps = (400, 0.8)
    agent = DynaQ(6, 4, alpha=0.1, gamma=0.9, epsilon=eps, planning_steps=0)
    q = np.zeros((6, 4))
    q[4] = [0.2, 1.0, -0.5, 0.4]
    agent.Q = q
    picks = [int(agent.select_action(4)) for _ in range(n)]
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

@test_case(points=2, hidden=True)
def test_select_action_breaks_ties_uniformly(DynaQ):
    import numpy as np
    agent = DynaQ(6, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0)
    q = np.zeros((6, 4))
    q[1] = [1.0, 0.0, 1.0, 1.0]
    q[4] = [-1.0, 2.0, -3.0, 2.0]
    agent.Q = q
    for s, tied, n in ((0, [0, 1, 2, 3], 200), (1, [0, 2, 3], 150), (4, [1, 3], 100)):
        picks = [int(agent.select_action(s)) for _ in range(n)]
        assert min(picks) >= 0 and max(picks) < 4, 'select_action returned an action outside 0..3'
        counts = np.bincount(picks, minlength=4)
        wrong = sorted(set(np.flatnonzero(counts).tolist()) - set(tied))
        assert not wrong, f'with epsilon=0 and Q[{s}] = {q[s].tolist()}, select_action chose non-greedy action(s) {wrong}'
        p = 1 / len(tied)
        tol = np.sqrt(np.log(2 / 1e-07) / (2 * n))
        freq = counts / n
        shown = ', '.join((f'{a}: {freq[a]:.1%}' for a in tied))
        assert all((abs(freq[a] - p) <= tol for a in tied)), f'with epsilon=0 and Q[{s}] = {q[s].tolist()}, the tied greedy actions {tied} should each be chosen about {p:.0%} of the time, but yours chose {shown}. np.argmax always returns the first maximum: choose uniformly among all maxima, e.g. np.random.choice(np.flatnonzero(q == q.max())).'

