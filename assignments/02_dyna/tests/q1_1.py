from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 8

@test_case(points=1, hidden=False)
def test_select_action_returns_valid_actions(DynaQ):
    """Public: select_action returns integer actions in range and the greedy action at epsilon 0.

    Checks: DynaQ.select_action
    """
    import numpy as np
    agent = DynaQ(5, 4, alpha=0.1, gamma=0.9, epsilon=0.5, planning_steps=0)
    for _ in range(20):
        a = agent.select_action(2)
        assert isinstance(a, (int, np.integer)) and (not isinstance(a, bool)), f'select_action must return an integer action (a Python or numpy int), got {type(a).__name__} {a!r}'
        assert 0 <= int(a) < 4, f'select_action returned {a}, but the actions are 0, 1, 2, 3'
    q = np.zeros((5, 4))
    q[3, 2] = 1.0
    q[1] = [-3.0, -1.0, -2.0, -4.0]
    greedy = DynaQ(5, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0, initial_q=q)
    for s, best in ((3, 2), (1, 1)):
        picks = sorted({int(greedy.select_action(s)) for _ in range(100)})
        assert picks == [best], f'with epsilon=0 and Q[{s}] = {q[s].tolist()}, select_action({s}) must always return the greedy action {best} (the largest value of row Q[{s}]), but it returned {picks}'

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (integer actions, greedy choice, ties and exploration reach every action). The grade also checks the exploration frequencies and uniform tie-breaking statistically.")
def test_select_action_ties_and_exploration_reach_every_action(DynaQ):
    """Public: tied greedy actions and epsilon=1 exploration both reach all four actions.

    Checks: DynaQ.select_action
    """
    import numpy as np
    n = 200
    tied = DynaQ(5, 4, alpha=0.1, gamma=0.9, epsilon=0.0, planning_steps=0)
    seen = sorted({int(np.ravel(tied.select_action(0))[0]) for _ in range(n)})
    assert seen == [0, 1, 2, 3], f"with epsilon=0 and Q[0] = [0, 0, 0, 0] all four actions are greedy, so select_action(0) must pick among them at random; in {n} calls it returned only {seen}. np.argmax always returns the first maximum: break ties at random (instruction: 'breaking ties uniformly at random')."
    q = np.zeros((5, 4))
    q[2] = [0.0, 1.0, 0.0, 0.0]
    explorer = DynaQ(5, 4, alpha=0.1, gamma=0.9, epsilon=1.0, planning_steps=0, initial_q=q)
    seen = sorted({int(np.ravel(explorer.select_action(2))[0]) for _ in range(n)})
    assert seen == [0, 1, 2, 3], f'with epsilon=1 every call explores, and a random action is uniform over ALL self.n_actions actions (the greedy action 1 included); in {n} calls select_action(2) returned only {seen}'

