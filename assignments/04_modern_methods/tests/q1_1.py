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

