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

@test_case(points=1, hidden=True)
def test_bootstrap_counts_only_observed_transitions(bootstrap_counts):
    import numpy as np
    from mbrl_grader.checks import assert_shape
    data = np.array([[0, 1, 0.0, 2], [2, 0, 1.0, 1], [1, 3, 0.5, 0], [2, 2, 0.0, 2], [0, 0, 0.0, 0]] * 3, dtype=float)
    allowed = np.zeros((3, 4, 3), dtype=bool)
    for s, a, _, s2 in data.astype(int):
        allowed[s, a, s2] = True
    for trial in range(20):
        counts = assert_shape(bootstrap_counts(data, 3, 4), (3, 4, 3), 'bootstrap_counts(...)')
        assert abs(float(counts.sum()) - len(data)) < 1e-09, 'the counts of one resample must sum to N = {} (the size of the data), got {}'.format(len(data), counts.sum())
        bad = np.argwhere((counts != 0) & ~allowed)
        assert len(bad) == 0, "bootstrap_counts counted transition (s, a, s') = {} which is not in the data: index the counts by [s, a, s_prime] (columns 0, 1 and 3 of a row)".format(tuple(bad[0]))
        assert np.all(counts == np.round(counts)), 'counts must be whole numbers'
    assert bootstrap_counts(np.zeros((0, 4)), 3, 4) is not None, 'an empty data set should give zeros'
    empty = np.asarray(bootstrap_counts(np.zeros((0, 4)), 3, 4), dtype=float)
    assert empty.shape == (3, 4, 3) and (not empty.any()), 'an empty data set should give all zeros'

@test_case(points=1, hidden=True)
def test_bootstrap_counts_draws_with_replacement(bootstrap_counts):
    import numpy as np
    from mbrl_grader.checks import assert_fraction
    n_states, n = (20, 200)
    data = np.array([[i % n_states, i // n_states % 2, 0.0, (i * 7 + i // n_states) % n_states] for i in range(n)], dtype=float)
    assert len({(int(s), int(a), int(s2)) for s, a, _, s2 in data}) == n
    left_out, trials, repeats = (0, 20, 0)
    for _ in range(trials):
        counts = np.asarray(bootstrap_counts(data, n_states, 2), dtype=float)
        per_row = counts[data[:, 0].astype(int), data[:, 1].astype(int), data[:, 3].astype(int)]
        left_out += int((per_row == 0).sum())
        repeats += int((per_row >= 2).sum())
    assert left_out > 0 and repeats > 0, 'every transition appeared exactly once in your resamples: a bootstrap resample draws N transitions WITH replacement, so some appear twice and about 37% are left out'
    assert_fraction(left_out, n * trials, (1 - 1 / n) ** n, 'the fraction of transitions left out of a resample')

@test_case(points=1, hidden=True)
def test_bootstrap_counts_follow_data_frequencies(bootstrap_counts):
    import numpy as np
    data = np.array([[0, 0, 0.0, 1]] * 240 + [[0, 0, 1.0, 2]] * 60, dtype=float)
    total = np.zeros(3)
    trials = 30
    for _ in range(trials):
        total += np.asarray(bootstrap_counts(data, 3, 1), dtype=float)[0, 0]
    mean = total / trials
    assert abs(mean[1] - 240) < 12 and abs(mean[2] - 60) < 12, 'resampled counts should follow the data (on average 240 and 60 here, got {:.1f} and {:.1f}): draw rows of the data uniformly, not distinct transitions'.format(mean[1], mean[2])

