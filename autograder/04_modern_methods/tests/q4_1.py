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

@test_case(points=1.5, hidden=True)
def test_uct_exact_choices(uct_select):
    """Hidden: 40 random nodes (2 to 6 children, no near-ties) choose the child of the UCT formula.

    Checks: uct_select
    """
    import numpy as np
    from mbrl_grader.checks import as_int
    from mbrl_ref.modern.mcts import uct_select as ref
    rng = np.random.default_rng(11)
    wrong = []
    for _ in range(40):
        k = int(rng.integers(2, 7))
        n = rng.integers(1, 40, size=k).astype(float)
        w = np.round(rng.uniform(-1, 1, size=k) * n, 1)
        c = float(rng.choice([0.5, 1.0, 1.4, 2.0]))
        score = w / n + c * np.sqrt(np.log(n.sum()) / n)
        top = np.sort(score)[-2:]
        if top[1] - top[0] < 1e-06:
            continue
        got = as_int(uct_select(n.tolist(), w.tolist(), c), 'uct_select(...)')
        if got != ref(n, w, c):
            wrong.append((n.astype(int).tolist(), w.tolist(), c, got, ref(n, w, c)))
    assert not wrong, 'uct_select chose the wrong child in {} of 40 random nodes, e.g. visits={}, value_sums={}, c={}: you chose {}, the UCT score W_i/N_i + c*sqrt(ln(N)/N_i) with N = sum of the visits is highest for child {}'.format(len(wrong), *wrong[0])

@test_case(points=0.5, hidden=True)
def test_uct_log_of_parent_count(uct_select):
    """Hidden: the log is of the parent's count N = sum N_i, not of the child's own count.

    Checks: uct_select
    """
    from mbrl_grader.checks import as_int
    got = as_int(uct_select([100, 2], [60.0, 0.0], 0.5), 'uct_select(...)')
    assert got == 1, "visits=[100, 2], value_sums=[60, 0], c=0.5: the rarely tried child 1 has the higher UCT score (0.760 vs 0.708); use ln of the PARENT count N = sum of the children's visits, divided by the child's own visits: c * sqrt(ln(N) / N_i). You chose {}".format(got)
    got = as_int(uct_select([20, 4], [10.0, 0.4], 0.7), 'uct_select(...)')
    assert got == 0, 'visits=[20, 4], value_sums=[10, 0.4], c=0.7: the scores are 0.5 + 0.7*sqrt(ln 24 / 20) = 0.779 and 0.1 + 0.7*sqrt(ln 24 / 4) = 0.724, so child 0; you chose {}: check the formula W_i/N_i + c*sqrt(ln(N)/N_i) with N = sum of visits'.format(got)

@test_case(points=1.5, hidden=True)
def test_uct_unvisited_first_without_division_by_zero(uct_select):
    """Hidden: an unvisited child is returned before any visited one, without dividing by zero.

    Checks: uct_select
    """
    import warnings
    from mbrl_grader.checks import as_int
    cases = [([0, 5, 0, 3], [0.0, 5.0, 0.0, 3.0], (0, 2)), ([5, 0, 3, 0], [5.0, 0.0, 3.0, 0.0], (1, 3)), ([4, 4, 0], [4.0, 4.0, 0.0], (2,)), ([0, 0, 0], [0.0, 0.0, 0.0], (0, 1, 2))]
    for visits, sums, allowed in cases:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            try:
                got = as_int(uct_select(visits, sums, 1.4), 'uct_select(...)')
            except (ZeroDivisionError, FloatingPointError, RuntimeWarning, ValueError) as e:
                raise AssertionError('uct_select failed for visits={} ({}: {}): check for N_i = 0 first and return such a child before computing scores'.format(visits, type(e).__name__, e)) from None
        assert got in allowed, 'visits={}: the children {} were never visited, so one of them must be chosen before any visited child (got {})'.format(visits, list(allowed), got)

@test_case(points=0.5, hidden=True)
def test_uct_explores(uct_select):
    """Hidden: the exploration bonus can outweigh a better mean; with c = 0 it cannot.

    Checks: uct_select
    """
    from mbrl_grader.checks import as_int
    got = as_int(uct_select([30, 1], [18.0, 0.0], 1.4), 'uct_select(...)')
    assert got == 1, 'visits=[30, 1], value_sums=[18, 0], c=1.4: the exploration bonus c*sqrt(ln N / N_i) of the once-tried child 1 (2.6) outweighs its lower mean, so UCT explores child 1; you chose {}'.format(got)
    got = as_int(uct_select([30, 1], [18.0, 0.0], 0.0), 'uct_select(...)')
    assert got == 0, 'with c = 0 there is no exploration: choose the best mean (child 0), got {}'.format(got)

