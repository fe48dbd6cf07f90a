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

