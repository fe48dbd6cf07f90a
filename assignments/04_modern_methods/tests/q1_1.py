from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 4

@test_case(points=1, hidden=False)
def test_bootstrap_counts_shape_and_total(bootstrap_counts):
    import numpy as np
    data = np.array([[0, 1, 0.0, 2], [2, 0, 1.0, 1], [0, 1, 0.0, 2], [1, 3, 0.0, 0]], dtype=float)
    counts = np.asarray(bootstrap_counts(data, 3, 4), dtype=float)
    assert counts.shape == (3, 4, 3), 'bootstrap_counts should return an array of shape (n_states, n_actions, n_states) = (3, 4, 3), got shape {}'.format(counts.shape)
    assert counts.sum() == 4, 'a bootstrap resample has as many transitions as the data (4 here); your counts sum to {}'.format(counts.sum())
    assert (counts >= 0).all(), 'counts cannot be negative'

