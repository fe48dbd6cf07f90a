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

