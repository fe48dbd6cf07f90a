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

@test_case(points=1, hidden=True)
def test_uct_exact_choices(uct_select):
    import numpy as np
    from mbrl_grader.checks import as_int
    from mbrl_ref.modern.mcts import uct_select as ref
    rng = np.random.default_rng(11)
    wrong = []
    for trial in range(40):
        k = int(rng.integers(2, 7))
        n = rng.integers(1, 40, size=k).astype(float)
        w = np.round(rng.uniform(-1, 1, size=k) * n, 1)
        c = float(rng.choice([0.5, 1.0, 1.4, 2.0]))
        mean = w / n
        score = mean + c * np.sqrt(np.log(n.sum()) / n)
        top = np.sort(score)[-2:]
        if top[1] - top[0] < 1e-06:
            continue
        got = as_int(uct_select(n.tolist(), w.tolist(), c), 'uct_select(...)')
        if got != ref(n, w, c):
            wrong.append((n.astype(int).tolist(), w.tolist(), c, got, ref(n, w, c)))
    assert not wrong, 'uct_select chose the wrong child, e.g. visits={}, value_sums={}, c={}: you chose {}, the UCT score W/N + c*sqrt(ln(sum N)/N) is highest for child {}'.format(*wrong[0])

@test_case(points=1, hidden=True)
def test_uct_log_of_parent_count(uct_select):
    import numpy as np
    from mbrl_grader.checks import as_int
    got = as_int(uct_select([100, 2], [60.0, 0.0], 0.5), 'uct_select(...)')
    assert got == 1, "visits=[100, 2], value_sums=[60, 0], c=0.5: the rarely tried child 1 has the higher UCT score (0.760 vs 0.708); use ln of the PARENT count N = sum of the children's visits, divided by the child's own visits: c * sqrt(ln(N) / N_i). You chose {}".format(got)
    got = as_int(uct_select([20, 4], [10.0, 0.4], 0.7), 'uct_select(...)')
    assert got == 0, 'visits=[20, 4], value_sums=[10, 0.4], c=0.7: the scores are 0.5 + 0.7*sqrt(ln 24 / 20) = 0.779 and 0.1 + 0.7*sqrt(ln 24 / 4) = 0.724, so child 0; you chose {}: check the formula W_i/N_i + c*sqrt(ln(N)/N_i) with N = sum of visits'.format(got)

@test_case(points=1, hidden=True)
def test_uct_unvisited_first_without_division_by_zero(uct_select):
    import warnings
    import numpy as np
    from mbrl_grader.checks import as_int
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        try:
            got = as_int(uct_select([0, 5, 0, 3], [0.0, 5.0, 0.0, 3.0], 1.4), 'uct_select(...)')
        except (ZeroDivisionError, FloatingPointError, RuntimeWarning) as e:
            raise AssertionError('uct_select divided by zero for unvisited children ({}): check for N_i = 0 first and return such a child before computing scores'.format(e))
    assert got in (0, 2), "children 0 and 2 were never visited, so one of them must be chosen before any visited child, whatever the visited children's values (got {})".format(got)
    got = as_int(uct_select([0, 0, 0], [0.0, 0.0, 0.0], 1.4), 'uct_select(...)')
    assert got in (0, 1, 2), 'with no visits at all any child index is fine, got {}'.format(got)

@test_case(points=1, hidden=True)
def test_uct_explores(uct_select):
    import numpy as np
    from mbrl_grader.checks import as_int
    got = as_int(uct_select([30, 1], [18.0, 0.0], 1.4), 'uct_select(...)')
    assert got == 1, 'visits=[30, 1], value_sums=[18, 0], c=1.4: the exploration bonus c*sqrt(ln N / N_i) of the once-tried child 1 (2.6) outweighs its lower mean, so UCT explores child 1; you chose {}. Did you leave out the exploration term?'.format(got)
    got = as_int(uct_select([30, 1], [18.0, 0.0], 0.0), 'uct_select(...)')
    assert got == 0, 'with c = 0 there is no exploration: choose the best mean (child 0), got {}'.format(got)

