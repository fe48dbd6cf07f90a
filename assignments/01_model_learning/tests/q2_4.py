from otter.test_files import test_case

OK_FORMAT = False

name = "q2_4"
points = 3

@test_case(points=0, hidden=False)
def test_sample_experienced_public(TabularModel):
    import numpy as np
    m = TabularModel(4, 2)
    assert m.sample_experienced() is None, 'sample_experienced() should return None when nothing has been visited yet.'
    vc = np.zeros((4, 2))
    vc[2, 1] = 3
    tc = np.zeros((4, 2, 4))
    tc[2, 1, 0] = 3
    m.transition_counts = tc
    m.reward_sum = np.zeros((4, 2))
    m.visit_counts = vc
    out = m.sample_experienced()
    assert out is not None and len(out) == 2, 'sample_experienced() should return a pair (s, a).'
    pair = tuple((int(np.asarray(x).reshape(-1)[0]) for x in out))
    assert pair == (2, 1), f'Only (2, 1) was visited, so sample_experienced() should return (2, 1), got {out!r}.'

