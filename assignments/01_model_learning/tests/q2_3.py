from otter.test_files import test_case

OK_FORMAT = False

name = "q2_3"
points = 4

@test_case(points=0, hidden=False)
def test_predict_public(TabularModel):
    import numpy as np
    m = TabularModel(4, 2)
    tc = np.zeros((4, 2, 4))
    tc[1, 0, 2] = 2
    m.transition_counts = tc
    m.reward_sum = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    m.visit_counts = tc.sum(axis=2)
    out = m.predict(3, 1)
    assert out is not None and len(out) == 2 and (out[0] is None) and (out[1] is None), f'predict() on a pair that was never visited should return (None, None), got {out!r}.'
    out = m.predict(1, 0)
    assert out is not None and len(out) == 2, 'predict() should return a pair (s_prime, r_hat).'
    assert int(np.asarray(out[0]).reshape(-1)[0]) == 2, f'(1, 0) always led to state 2, so predict(1, 0) should return s_prime = 2, got {out[0]!r}.'
    assert abs(float(np.asarray(out[1], dtype=float).reshape(-1)[0]) - 1.5) < 1e-09, f'Rewards after (1, 0) add up to 3.0 over 2 visits, so r_hat should be 1.5, got {out[1]!r}.'

