from otter.test_files import test_case

OK_FORMAT = False

name = "q4_1"
points = 5

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (unvisited children, c = 0, a few hand-computed UCT choices). The grade also compares your choices with the formula on many random nodes.")
def test_uct_basic(uct_select):
    """Public: unvisited children first, c = 0 exploits, and three hand-computed UCT choices.

    Checks: uct_select
    """
    import numpy as np
    from mbrl_envs.checking import Checks
    with Checks() as check:
        unvisited = 'a child with N_i = 0 must be returned before any score is computed (its score would divide by zero)'
        i = check.call_explained(unvisited, 'uct_select', uct_select, [3, 0, 2], [1.0, 0.0, 2.0], 1.4)
        check.require(isinstance(i, (int, np.integer)) and (not isinstance(i, bool)), 'uct_select should return an int index, got {!r}'.format(i))
        check.expect(int(i) == 1, 'visits=[3, 0, 2]: child 1 was never visited, so it must be tried first (got {})'.format(i))
        i = int(check.call_explained(unvisited, 'uct_select', uct_select, [2, 5, 0], [2.0, 1.0, 0.0], 1.4))
        check.expect(i == 2, 'visits=[2, 5, 0]: child 2 was never visited, so it must be tried first (return the index of an unvisited child), got {}'.format(i))
        i = int(check.call('uct_select', uct_select, [10, 10], [9.0, 1.0], 0.0))
        check.expect(i == 0, 'with c = 0 UCT picks the best mean value W/N: child 0 (0.9) beats child 1 (0.1), got {}'.format(i))
        cases = [([40, 2], [24.0, 0.0], 1.0, 1, "0.6 + sqrt(ln 42 / 40) = 0.906 vs 0 + sqrt(ln 42 / 2) = 1.367: the exploration bonus c * sqrt(ln N / N_i), with N = sum of the visits (the parent's count), makes the rarely tried child 1 the choice"), ([1, 2], [-0.9, 0.0], 2.0, 1, '-0.9 + 2 * sqrt(ln 3 / 1) = 1.196 vs 0 + 2 * sqrt(ln 3 / 2) = 1.482: the square root covers ln(N) / N_i'), ([5, 20], [4.0, 8.0], 0.5, 0, '0.8 + 0.5 * sqrt(ln 25 / 5) = 1.201 vs 0.4 + 0.5 * sqrt(ln 25 / 20) = 0.601: the first term is the MEAN value W_i / N_i')]
        for visits, sums, c, want, why in cases:
            got = int(check.call('uct_select', uct_select, visits, sums, c))
            check.expect(got == want, 'visits={}, value_sums={}, c={}: expected child {} ({}); you chose {}'.format(visits, sums, c, want, why, got))

