from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 4

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (one real update: from zero, bootstrapped, terminal). The grade also checks a longer sequence of real updates against the reference.")
def test_update_one_real_step(DynaQ):
    """Public: one real update (planning off) follows equation (2), with target r when done.

    Checks: DynaQ.update/direct
    """
    import numpy as np

    class EmptyModel:

        def update(self, s, a, r, s_prime):
            pass

        def sample_experienced(self):
            return None

        def predict(self, s, a):
            return (None, None)
    agent = DynaQ(5, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=EmptyModel())
    agent.update(1, 2, 1.0, 3, False)
    q = np.asarray(agent.Q, dtype=float)
    assert q.shape == (5, 4), f'Q should keep its shape (5, 4), got {q.shape}'
    assert np.isclose(q[1, 2], 0.5), f"from Q = 0, one real update (s=1, a=2, r=1, s'=3, done=False) with alpha=0.5 should give Q[1, 2] = 0.5 * (1 + 0.9 * 0 - 0) = 0.5, got {q[1, 2]}"
    rest = q.copy()
    rest[1, 2] = 0.0
    assert np.allclose(rest, 0.0), 'a real update should change only Q[s, a]'
    q0 = np.zeros((5, 4))
    q0[3] = [0.0, 2.0, 0.0, -1.0]
    agent = DynaQ(5, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=EmptyModel(), initial_q=q0)
    agent.update(1, 2, 1.0, 3, False)
    got = float(np.asarray(agent.Q, dtype=float)[1, 2])
    assert np.isclose(got, 1.4), f"with max Q[3] = 2, one real update (s=1, a=2, r=1, s'=3, done=False), alpha=0.5 and gamma=0.9 should give Q[1, 2] = 0.5 * (1 + 0.9 * 2 - 0) = 1.4, got {got}: the target is r + gamma * max_a' Q[s_prime, a'] (equation 2)"
    agent = DynaQ(5, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=EmptyModel(), initial_q=q0)
    agent.update(1, 2, 1.0, 3, True)
    got = float(np.asarray(agent.Q, dtype=float)[1, 2])
    assert np.isclose(got, 0.5), f'with done=True the target is r alone (instruction 1 of update): from Q[1, 2] = 0, alpha=0.5, r=1 the new Q[1, 2] should be 0.5 although max Q[3] = 2, got {got}'

