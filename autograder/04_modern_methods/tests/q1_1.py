from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 4

@test_case(points=1, hidden=False, 
    success_message="OK: bootstrap_counts returns whole non-negative counts of shape (S, A, S) summing to N, all zeros for empty data, and a resample of 200 different transitions repeats some and leaves some out, rows are drawn uniformly, and each call differs. After you submit, the grade also checks the resampling statistics over many resamples.")
def test_bootstrap_counts_public(bootstrap_counts):
    """Public: shape (S, A, S) with N whole non-negative counts, all zeros for empty data, and a resample that repeats some transitions, leaves some out and changes per call.

    Case 1 (was `test_bootstrap_counts_shape_and_total`): shape (S, A, S), N transitions in
    total, whole non-negative counts.
    Case 2 (was `test_bootstrap_counts_empty_data`): an empty data set (array or list) gives all
    zeros (graded in the hidden tests).
    Case 3 (was `test_bootstrap_counts_resamples`): a resample of 200 different transitions
    repeats some, leaves some out, changes per call.
    False alarms for a correct implementation: no row left out means a permutation, P =
    200!/200**200 < 1e-80; some row drawn 13+ times: P < 200 * C(200,13) / 200**13 < 1e-7; two
    identical resamples: P < 1e-80.

    Every case runs in its own `check.part()`: a case that cannot run does not stop the others.

    Checks: bootstrap_counts
    """
    from mbrl_envs.checking import Checks
    with Checks() as check:
        with check.part():
            import random
            import numpy as np
            np.random.seed(0)
            random.seed(0)
            data = np.array([[0, 1, 0.0, 2], [2, 0, 1.0, 1], [0, 1, 0.0, 2], [1, 3, 0.0, 0]], dtype=float)
            counts = np.asarray(check.call('bootstrap_counts', bootstrap_counts, data, 3, 4), dtype=float)
            check.expect(counts.shape == (3, 4, 3), 'bootstrap_counts(data with 4 rows, n_states=3, n_actions=4) should return an array of shape (n_states, n_actions, n_states) = (3, 4, 3), got shape {}'.format(counts.shape))
            check.expect(counts.sum() == 4, 'a bootstrap resample has as many transitions as the data (N = 4 here: draw N row indices); your counts sum to {}'.format(counts.sum()))
            check.expect((counts >= 0).all() and np.all(counts == np.round(counts)), 'counts must be whole non-negative numbers (how often each transition was drawn)')
        with check.part():
            import numpy as np
            for data, shown in ((np.zeros((0, 4)), 'np.zeros((0, 4))'), ([], '[]')):
                got = np.asarray(check.call('bootstrap_counts', bootstrap_counts, data, 3, 4), dtype=float)
                check.expect(got.shape == (3, 4, 3) and (not got.any()), 'an empty data set ({}) should give all zeros of shape (3, 4, 3), got an array of shape {} summing to {:g}'.format(shown, got.shape, float(got.sum())))
        with check.part():
            import random
            import numpy as np
            np.random.seed(1)
            random.seed(1)
            i = np.arange(200)
            data = np.stack([i % 40, i // 40, np.zeros(200), (3 * i + 1) % 40], axis=1).astype(float)
            s, a, s2 = (data[:, 0].astype(int), data[:, 1].astype(int), data[:, 3].astype(int))
            first = np.asarray(check.call('bootstrap_counts', bootstrap_counts, data, 40, 5), dtype=float)
            second = np.asarray(check.call('bootstrap_counts', bootstrap_counts, data, 40, 5), dtype=float)
            check.require(first.shape == (40, 5, 40), 'bootstrap_counts(data, 40, 5) should return shape (40, 5, 40), got {}'.format(first.shape))
            per_row = first[s, a, s2]
            check.expect(per_row.sum() == first.sum() == 200, "with 200 different transitions (s, a, r, s') your counts put {} of 200 draws at entries [s, a, s_prime] of the data: index the counts by columns 0, 1 and 3 of a row".format(int(per_row.sum())))
            check.expect((per_row == 0).any() and (per_row >= 2).any(), 'every one of 200 different transitions appears exactly once in your resample: a bootstrap resample draws N row indices WITH replacement, so some rows appear twice or more and about 37% are left out (counting the data itself, or a permutation of it, is not a resample)')
            check.expect(per_row.max() <= 12, 'one transition appears {} times in a resample of 200 different transitions: draw a new random row index for every one of the N draws'.format(int(per_row.max())))
            dup = np.array([[0, 0, 0.0, 1]] * 6 + [[0, 0, 1.0, 2]] * 3 + [[1, 0, 0.0, 0]], dtype=float)
            total = np.zeros(3)
            for _ in range(100):
                c = np.asarray(check.call('bootstrap_counts', bootstrap_counts, dup, 3, 1), dtype=float)
                check.require(c.shape == (3, 1, 3), 'bootstrap_counts(data, 3, 1) should return shape (3, 1, 3), got {}'.format(c.shape))
                total += [c[0, 0, 1], c[0, 0, 2], c[1, 0, 0]]
            check.expect(total[2] > 0 or total[1] == 0, 'in 100 resamples of a 10-row data set the LAST row was never drawn: draw row indices from all of 0, ..., N-1 (np.random.randint(N) already excludes N)')
            freq = total / max(total.sum(), 1)
            check.expect(abs(freq[0] - 0.6) < 0.1 and abs(freq[1] - 0.3) < 0.1, 'a data set holds one transition 6 times, another 3 times and a third once; in your resamples they make up {:.0f}%, {:.0f}% and {:.0f}% of the draws, expected about 60%, 30% and 10%: draw ROWS of the data uniformly (duplicates count), not distinct transitions'.format(*100 * freq))
            check.expect(not np.array_equal(first, second), 'two calls returned exactly the same resample: each call must draw new random indices (do not seed a random generator inside bootstrap_counts; the ensemble members must differ)')

@test_case(points=0.5, hidden=True)
def test_bootstrap_counts_only_observed_transitions(bootstrap_counts):
    """Hidden: resamples count only transitions of the data, N of them, in whole numbers.

    Checks: bootstrap_counts
    """
    import numpy as np
    from mbrl_grader.checks import assert_shape
    data = np.array([[0, 1, 0.0, 2], [2, 0, 1.0, 1], [1, 3, 0.5, 0], [2, 2, 0.0, 2], [0, 0, 0.0, 0]] * 3, dtype=float)
    allowed = np.zeros((3, 4, 3), dtype=bool)
    for s, a, _, s2 in data.astype(int):
        allowed[s, a, s2] = True
    for _ in range(20):
        counts = assert_shape(bootstrap_counts(data, 3, 4), (3, 4, 3), 'bootstrap_counts(...)')
        assert abs(float(counts.sum()) - len(data)) < 1e-09, 'the counts of one resample must sum to N = {} (the size of the data), got {}'.format(len(data), counts.sum())
        bad = np.argwhere((counts != 0) & ~allowed)
        assert len(bad) == 0, "bootstrap_counts counted transition (s, a, s') = {} which is not in the data: index the counts by [s, a, s_prime] (columns 0, 1 and 3 of a row)".format(tuple((int(x) for x in bad[0])))
        assert np.all(counts == np.round(counts)), 'counts must be whole numbers'
    single = np.asarray(bootstrap_counts(np.array([[1, 2, 0.0, 0]]), 3, 4), dtype=float)
    assert single.shape == (3, 4, 3) and single[1, 2, 0] == 1 and (single.sum() == 1), "a data set of ONE transition (s, a, s') = (1, 2, 0) has a single possible resample: that transition once; got {} transition(s) counted".format(single.sum())
    listed = np.asarray(bootstrap_counts(data.tolist(), 3, 4), dtype=float)
    assert listed.shape == (3, 4, 3) and listed.sum() == len(data), 'bootstrap_counts should also accept the transitions as a list of rows'
    try:
        empty = np.asarray(bootstrap_counts(np.zeros((0, 4)), 3, 4), dtype=float)
        empty_list = np.asarray(bootstrap_counts([], 3, 4), dtype=float)
    except Exception as e:
        raise AssertionError('bootstrap_counts crashed on an empty data set ({}: {}); the instructions say an empty data set gives all zeros'.format(type(e).__name__, e)) from None
    for got in (empty, empty_list):
        assert got.shape == (3, 4, 3) and (not got.any()), 'an empty data set (an empty array or an empty list) should give all zeros of shape (3, 4, 3), got {!r}'.format(got)

@test_case(points=1.5, hidden=True)
def test_bootstrap_counts_draws_with_replacement(bootstrap_counts):
    """Hidden: resamples differ, repeat rows and leave out a fraction (1 - 1/N)**N of them.

    The left-out indicators of one resample are negatively associated and resamples are
    independent, so Hoeffding's bound holds: a correct implementation fails with P < 1e-6.

    Checks: bootstrap_counts
    """
    import numpy as np
    from mbrl_grader.checks import assert_fraction, call_many
    n_states, n = (20, 200)
    i = np.arange(n)
    data = np.stack([i % n_states, i // n_states % 2, np.zeros(n), (i * 7 + i // n_states) % n_states], axis=1).astype(float)
    assert len({(int(s), int(a), int(s2)) for s, a, _, s2 in data}) == n
    trials = 40
    results = call_many(bootstrap_counts, [(data, n_states, 2)] * trials)
    left_out, repeats, seen = (0, 0, set())
    for res in results:
        counts = np.asarray(res, dtype=float)
        per_row = counts[data[:, 0].astype(int), data[:, 1].astype(int), data[:, 3].astype(int)]
        left_out += int((per_row == 0).sum())
        repeats += int((per_row >= 2).sum())
        seen.add(per_row.tobytes())
    assert left_out > 0 and repeats > 0, 'every transition appeared exactly once in each of your resamples: a bootstrap resample draws N row indices WITH replacement, so some appear twice and about 37% are left out'
    assert len(seen) > trials // 2, '{} calls of bootstrap_counts on the same data gave only {} different resample(s): every call must draw new random row indices (do not seed a generator inside the function)'.format(trials, len(seen))
    assert_fraction(left_out, n * trials, (1 - 1 / n) ** n, 'the fraction of transitions left out of a resample (draw N row indices uniformly with replacement, a new index for every draw)')

@test_case(points=1, hidden=True)
def test_bootstrap_counts_follow_data_frequencies(bootstrap_counts):
    """Hidden: every ROW is drawn with probability 1/N, the last one included.

    4000 independent draws over 3 outcomes; Hoeffding band for delta = 1e-6, so a correct
    implementation fails with P < 1e-6.

    Checks: bootstrap_counts
    """
    import numpy as np
    from mbrl_grader.checks import assert_counts_match_probs, call_many
    data = np.array([[0, 0, 0.0, 1]] * 6 + [[0, 0, 1.0, 2]] * 3 + [[1, 0, 0.0, 0]], dtype=float)
    results = call_many(bootstrap_counts, [(data, 3, 1)] * 400)
    total = np.zeros(3)
    for res in results:
        counts = np.asarray(res, dtype=float)
        total += [counts[0, 0, 1], counts[0, 0, 2], counts[1, 0, 0]]
    freq = total / max(total.sum(), 1)
    assert total[2] > 0, 'the LAST row of the data was never drawn in 400 resamples: draw indices from all of 0, ..., N-1 (np.random.randint(N) excludes N itself, so do not use N - 1)'
    assert not np.all(np.abs(freq - 1 / 3) < 0.05), 'a transition seen 6 times out of 10 should be drawn about 60% of the time; yours were drawn about equally often ({:.0f}%, {:.0f}%, {:.0f}%): draw ROWS of the data uniformly, not distinct transitions'.format(*100 * freq)
    assert_counts_match_probs(total, [0.6, 0.3, 0.1], 'transitions of a 10-row data set with 6, 3 and 1 copies', labels=['seen 6 times', 'seen 3 times', 'seen once (last row)'])

