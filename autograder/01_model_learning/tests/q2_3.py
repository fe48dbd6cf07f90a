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

@test_case(points=1, hidden=True)
def test_predict_unvisited_returns_none(TabularModel):
    import numpy as np
    m = TabularModel(5, 2)
    tc = np.zeros((5, 2, 5))
    tc[0, 1, 3] = 4
    tc[2, 0, 2] = 1
    rs = np.zeros((5, 2))
    rs[0, 1] = 1.0
    m.transition_counts = tc
    m.reward_sum = rs
    m.visit_counts = tc.sum(axis=2)
    for s, a in [(0, 0), (4, 1), (2, 1)]:
        out = m.predict(s, a)
        ok = out is not None and len(out) == 2 and (out[0] is None) and (out[1] is None)
        assert ok, f'predict({s}, {a}) for a pair that was never visited should return (None, None), got {out!r}.'

@test_case(points=1, hidden=True)
def test_predict_mean_reward(TabularModel):
    import numpy as np
    m = TabularModel(5, 2)
    tc = np.zeros((5, 2, 5))
    tc[0, 1, 3] = 4
    tc[2, 0, 1] = 1
    tc[2, 0, 2] = 2
    rs = np.zeros((5, 2))
    rs[0, 1] = 2.0
    rs[2, 0] = -1.5
    m.transition_counts = tc
    m.reward_sum = rs
    m.visit_counts = tc.sum(axis=2)
    for (s, a), want in [((0, 1), 0.5), ((2, 0), -0.5)]:
        for _ in range(5):
            out = m.predict(s, a)
            assert out is not None and len(out) == 2, 'predict() should return (s_prime, r_hat).'
            got = float(np.asarray(out[1], dtype=float).reshape(-1)[0])
            assert abs(got - want) < 1e-09, f'predict({s}, {a}) should return the MEAN observed reward reward_sum / visit_count = {want}, got {got}. (Returning the sum, or dividing by another count, is a common mistake.)'

@test_case(points=1, hidden=True)
def test_predict_samples_next_state_from_counts(TabularModel):
    import numpy as np
    n_states = 6
    m = TabularModel(n_states, 2)
    tc = np.zeros((n_states, 2, n_states))
    tc[1, 0, 2] = 2
    tc[1, 0, 4] = 1
    tc[1, 0, 5] = 1
    tc[3, 1, 0] = 3
    m.transition_counts = tc
    m.reward_sum = np.zeros((n_states, 2))
    m.visit_counts = tc.sum(axis=2)

    def next_state(out):
        assert out is not None and len(out) == 2, 'predict() should return (s_prime, r_hat).'
        arr = np.asarray(out[0])
        assert arr.size == 1 and np.issubdtype(arr.dtype, np.integer), f'predict() should return the next state as an integer, got {out[0]!r}.'
        return int(arr.reshape(-1)[0])
    for _ in range(20):
        got = next_state(m.predict(3, 1))
        assert got == 0, f'(3, 1) always led to state 0 but predict(3, 1) returned {got}.'
    n = 3000
    draws = np.array([next_state(m.predict(1, 0)) for _ in range(n)])
    assert draws.min() >= 0 and draws.max() < n_states, 'predict() returned an invalid state.'
    freq = np.bincount(draws, minlength=n_states) / n
    probs = tc[1, 0] / tc[1, 0].sum()
    never = [s for s in range(n_states) if probs[s] == 0 and freq[s] > 0]
    assert not never, f'predict() returned next state(s) {never} that were never observed after (s, a).'
    for s in range(n_states):
        p = probs[s]
        if p > 0:
            tol = 6 * np.sqrt(p * (1 - p) / n)
            assert abs(freq[s] - p) <= tol, f"predict() should SAMPLE s' with probability count(s,a,s')/count(s,a): s'={s} was drawn {freq[s]:.0%} of the time, expected about {p:.0%}. (Always returning the most frequent next state is a common mistake.)"

@test_case(points=1, hidden=True)
def test_predict_does_not_change_counts(TabularModel):
    import numpy as np
    m = TabularModel(5, 2)
    tc = np.zeros((5, 2, 5))
    tc[0, 1, 3] = 4
    tc[0, 1, 4] = 2
    tc[2, 0, 2] = 1
    rs = np.zeros((5, 2))
    rs[0, 1] = 1.0
    rs[2, 0] = 0.5
    vc = tc.sum(axis=2)
    m.transition_counts = tc.copy()
    m.reward_sum = rs.copy()
    m.visit_counts = vc.copy()
    for _ in range(30):
        m.predict(0, 1)
        m.predict(2, 0)
    same = np.array_equal(np.asarray(m.transition_counts, dtype=float), tc) and np.allclose(np.asarray(m.reward_sum, dtype=float), rs) and np.array_equal(np.asarray(m.visit_counts, dtype=float), vc)
    assert same, "predict() changed the model's counts: predicting must only read transition_counts, reward_sum and visit_counts, never modify them."

