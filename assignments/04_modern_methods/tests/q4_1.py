from otter.test_files import test_case

OK_FORMAT = False

name = "q4_1"
points = 5

@test_case(points=1, hidden=False)
def test_uct_basic(uct_select):
    import numpy as np
    i = uct_select([3, 0, 2], [1.0, 0.0, 2.0], 1.4)
    assert isinstance(i, (int, np.integer)), 'uct_select should return an int index, got {!r}'.format(i)
    assert int(i) == 1, 'child 1 was never visited, so it must be tried first (got {})'.format(i)
    i = uct_select([10, 10], [9.0, 1.0], 0.0)
    assert int(i) == 0, 'with c = 0 UCT picks the best mean value W/N: child 0 (0.9) beats child 1 (0.1), got {}'.format(i)

