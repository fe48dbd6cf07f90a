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

