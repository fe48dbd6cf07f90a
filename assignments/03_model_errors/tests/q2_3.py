from otter.test_files import test_case

OK_FORMAT = False

name = "q2_3"
points = 6

@test_case(points=1, hidden=False)
def test_dynaqplus_tau_basics(DynaQPlus):
    import numpy as np
    agent = DynaQPlus(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.01)
    tau = np.asarray(agent.tau)
    assert tau.shape == (6, 4), f'agent.tau should have shape (6, 4), got {tau.shape}'
    assert np.all(tau == 0), 'agent.tau should start at 0'
    agent.update(1, 2, 0.0, 3, False)
    agent.update(3, 0, 0.0, 4, False)
    tau = np.asarray(agent.tau)
    expected = np.full((6, 4), 2)
    expected[1, 2], expected[3, 0] = (1, 0)
    assert np.array_equal(tau, expected), f'after update(1, 2, ...) then update(3, 0, ...), tau[3, 0] should be 0 (just tried), tau[1, 2] should be 1 and every other entry 2; got tau[3, 0]={tau[3, 0]}, tau[1, 2]={tau[1, 2]}, tau[0, 0]={tau[0, 0]}'
    q = np.asarray(agent.Q)
    assert q.shape == (6, 4), f'agent.Q should have shape (6, 4), got {q.shape}'

