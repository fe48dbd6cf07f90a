from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 7

@test_case(points=1, hidden=False)
def test_update_one_real_step(DynaQ):
    import numpy as np

    class EmptyModel:

        def update(self, s, a, r, s_prime):
            pass

        def sample_experienced(self):
            return None

        def predict(self, s, a):
            return (None, None)
    agent = DynaQ(5, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0)
    agent.model = EmptyModel()
    agent.update(1, 2, 1.0, 3, False)
    q = np.asarray(agent.Q, dtype=float)
    assert q.shape == (5, 4), f'Q should keep its shape (5, 4), got {q.shape}'
    assert np.isclose(q[1, 2], 0.5), f"from Q = 0, one real update (s=1, a=2, r=1, s'=3) with alpha=0.5 should give Q[1, 2] = 0.5 * (1 + 0.9 * 0 - 0) = 0.5, got {q[1, 2]}"
    rest = q.copy()
    rest[1, 2] = 0.0
    assert np.allclose(rest, 0.0), 'a real update should change only Q[s, a]'

