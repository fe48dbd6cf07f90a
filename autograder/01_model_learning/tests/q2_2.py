from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 3

@test_case(points=0, hidden=False)
def test_update_public(TabularModel):
    import numpy as np
    m = TabularModel(4, 2)
    m.update(0, 1, 1.0, 3)
    tc, rs, vc = (m.transition_counts, m.reward_sum, m.visit_counts)
    assert np.shape(tc) == (4, 2, 4) and np.shape(rs) == (4, 2) and (np.shape(vc) == (4, 2)), 'update() must keep the shapes of the three arrays created in __init__.'
    assert tc[0, 1, 3] == 1 and np.sum(tc) == 1, 'After update(0, 1, 1.0, 3), transition_counts[0, 1, 3] should be 1 and every other entry 0.'
    assert rs[0, 1] == 1.0 and np.sum(rs) == 1.0, 'After update(0, 1, 1.0, 3), reward_sum[0, 1] should be 1.0.'
    assert vc[0, 1] == 1 and np.sum(vc) == 1, 'After update(0, 1, 1.0, 3), visit_counts[0, 1] should be 1.'

@test_case(points=1, hidden=True)
def test_update_transition_counts(TabularModel):
    import numpy as np
    data = [(0, 1, 0.0, 2), (0, 1, 1.0, 2), (0, 1, 0.0, 3), (5, 2, -1.0, 5), (2, 0, 0.5, 1), (0, 1, 0.0, 2), (5, 2, 2.0, 4)]
    m = TabularModel(6, 3)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
    from mbrl_ref.models import TabularModel as ReferenceModel
    ref = ReferenceModel(6, 3)
    for s, a, r, s2 in data:
        ref.update(s, a, r, s2)
    expected = ref.transition_counts
    got = np.asarray(m.transition_counts, dtype=float)
    assert got.shape == expected.shape, f'transition_counts has shape {got.shape}, expected {expected.shape}.'
    assert np.array_equal(got, expected), f"update() does not count transitions correctly: after 7 updates, transition_counts[s, a, s'] should be the number of times (s, a) led to s' (e.g. transition_counts[0, 1, 2] should be 2, yours is {got[0, 1, 2]:g})."

@test_case(points=1, hidden=True)
def test_update_reward_sum(TabularModel):
    import numpy as np
    data = [(0, 1, 0.0, 2), (0, 1, 1.0, 2), (0, 1, 0.0, 3), (5, 2, -1.0, 5), (2, 0, 0.5, 1), (0, 1, 0.0, 2), (5, 2, 2.0, 4)]
    m = TabularModel(6, 3)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
    from mbrl_ref.models import TabularModel as ReferenceModel
    ref = ReferenceModel(6, 3)
    for s, a, r, s2 in data:
        ref.update(s, a, r, s2)
    expected = ref.reward_sum
    got = np.asarray(m.reward_sum, dtype=float)
    assert got.shape == expected.shape, f'reward_sum has shape {got.shape}, expected {expected.shape}.'
    assert np.allclose(got, expected, atol=1e-12), f'update() does not add up rewards correctly: reward_sum[s, a] should be the sum of all rewards observed after (s, a) (e.g. rewards -1.0 and 2.0 after (5, 2) give 1.0, yours is {got[5, 2]:g}).'

@test_case(points=1, hidden=True)
def test_update_visit_counts(TabularModel):
    import numpy as np
    data = [(0, 1, 0.0, 2), (0, 1, 1.0, 2), (0, 1, 0.0, 3), (5, 2, -1.0, 5), (2, 0, 0.5, 1), (0, 1, 0.0, 2), (5, 2, 2.0, 4)]
    m = TabularModel(6, 3)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
    from mbrl_ref.models import TabularModel as ReferenceModel
    ref = ReferenceModel(6, 3)
    for s, a, r, s2 in data:
        ref.update(s, a, r, s2)
    expected = ref.visit_counts
    got = np.asarray(m.visit_counts, dtype=float)
    assert got.shape == expected.shape, f'visit_counts has shape {got.shape}, expected {expected.shape}.'
    assert np.array_equal(got, expected), f'update() does not count visits correctly: visit_counts[s, a] should be the number of times (s, a) was tried (e.g. 4 for (0, 1) after these updates, yours is {got[0, 1]:g}). Did you forget to increment visit_counts?'

