from otter.test_files import test_case

OK_FORMAT = False

name = "q3_1"
points = 4

@test_case(points=0, hidden=False, 
    success_message="Public checks of model_error passed (exact model, one wrong pair, a partly wrong pair, an unvisited pair, nothing visited). The grade also checks other counts, many pairs and realistic experience.")
def test_model_error_public(model_error):
    """Small cases computed by hand: 0 for exact frequencies, TV of one pair, visited pairs only, nan.

    Checks: model_error
    """
    import numpy as np
    from mbrl_envs.checking import Checks
    with Checks() as check:

        def value(counts, P):
            out = check.call('model_error', model_error, np.array(counts, dtype=float), np.array(P, dtype=float))
            arr = np.asarray(out, dtype=float)
            check.require(arr.size == 1, f'model_error should return one number, got {out!r}.')
            return float(arr.reshape(-1)[0])

        def hint(err, hints):
            return next((h for k, h in hints.items() if abs(err - k) < 0.001), '')
        P = np.zeros((2, 1, 2))
        P[0, 0] = [0.5, 0.5]
        P[1, 0] = [0.0, 1.0]
        perfect = np.zeros((2, 1, 2))
        perfect[0, 0] = [3, 3]
        perfect[1, 0] = [0, 2]
        err = value(perfect, P)
        check.expect(abs(err) < 1e-09, f'A model whose frequencies equal P should have error 0, got {err}.')
        wrong = np.zeros((2, 1, 2))
        wrong[1, 0] = [4, 0]
        err = value(wrong, P)
        extra = hint(err, {2.0: ' That is sum |P^ - P| without the factor 1/2 of the TV distance.', 1.414: ' That is the Euclidean distance: TV sums ABSOLUTE differences, times 1/2.', 0.5: ' Only (1, 0) is visited: average over the visited pairs only.', 0.75: ' The unvisited pair (0, 0) was counted as an error: average over the visited pairs only.', 4.0: " Turn the counts into frequencies N(s,a,s')/N(s,a) before comparing with P."})
        check.expect(abs(err - 1.0) < 1e-09, f"Only (1, 0) is visited (4 times, always to s'=0) and P puts all its mass on s'=1: the total-variation distance is 0.5 * (|1 - 0| + |0 - 1|) = 1, got {err:.4g}.{extra}")
        part = np.zeros((2, 1, 2))
        part[0, 0] = [3, 1]
        err = value(part, P)
        extra = hint(err, {0.5: ' That is sum |P^ - P| without the factor 1/2 of the TV distance.', 0.354: ' That is the Euclidean distance: TV sums ABSOLUTE differences, times 1/2.', 0.125: ' Only (0, 0) is visited: average over the visited pairs only, not all pairs.', 0.375: ' The unvisited pair (1, 0) was counted as an error: average over the visited pairs only.'})
        check.expect(abs(err - 0.25) < 1e-09, f"Only (0, 0) is visited, 3 times to s'=0 and once to s'=1, so P^ = [0.75, 0.25] against P = [0.5, 0.5]: the TV distance is 0.5 * (0.25 + 0.25) = 0.25, got {err:.4g}.{extra}")
        both = np.zeros((2, 1, 2))
        both[0, 0] = [3, 1]
        both[1, 0] = [0, 5]
        err = value(both, P)
        extra = hint(err, {0.25: ' That is the largest error or the sum of errors: the model error is the MEAN over the visited pairs.', 0.5: ' That is sum |P^ - P| without the factor 1/2 of the TV distance.'})
        check.expect(abs(err - 0.125) < 1e-09, f'Both pairs visited, errors 0.25 and 0: the model error is their mean 0.125, got {err:.4g}.{extra}')
        out = check.call('model_error', model_error, np.zeros((2, 1, 2)), P)
        arr = np.asarray(out, dtype=float)
        check.expect(arr.size == 1 and np.isnan(arr.reshape(-1)[0]), f'With nothing visited there is nothing to measure: return np.nan, got {out!r}.')

@test_case(points=1, hidden=True)
def test_model_error_detects_wrong_models(model_error):
    """model_error() is 0 for an exact model and grows as the model's frequencies move away from P.

    Checks: model_error
    """
    import numpy as np
    P = np.zeros((3, 2, 3))
    P[0, 0] = [0.6, 0.4, 0.0]
    P[0, 1] = [0.0, 0.5, 0.5]
    P[1, 0] = [1.0, 0.0, 0.0]
    P[1, 1] = [0.2, 0.3, 0.5]
    P[2, 0] = [0.3, 0.3, 0.4]
    P[2, 1] = [0.0, 1.0, 0.0]
    exact = np.round(P * 10)
    worse = [exact]
    for shift in (1, 2, 3, 4):
        c = exact.copy()
        for s in range(3):
            for a in range(2):
                src = int(np.argmax(c[s, a]))
                dst = (src + 1) % 3
                c[s, a, src] -= shift
                c[s, a, dst] += shift
        worse.append(c)
    values = []
    for counts in worse:
        out = model_error(counts.copy(), P.copy())
        try:
            values.append(float(np.asarray(out, dtype=float).reshape(-1)[0]))
        except (TypeError, ValueError):
            raise AssertionError(f'model_error() should return a number, got {out!r}.') from None
    assert abs(values[0]) < 1e-09, f'model_error() of a model whose frequencies equal P should be 0, got {values[0]:.4f}.'
    assert all((b > a + 1e-09 for a, b in zip(values, values[1:], strict=False))), "model_error() should grow as the model's frequencies move further from P, but for models further and further off it returned " + ', '.join((f'{v:.3f}' for v in values)) + ': compare P^ = N(s,a,.)/N(s,a) with P next state by next state, with absolute values.'

@test_case(points=0.5, hidden=True)
def test_model_error_single_pairs(model_error):
    """One visited pair at a time: the value is the TV distance 0.5 * sum |P^ - P| of that pair.

    Checks: model_error
    """
    import numpy as np
    from mbrl_grader.fakes.model_learning import model_error_diagnosis

    def check(counts, P, what):
        want_tv = 0.5 * np.abs(counts / np.maximum(counts.sum(axis=2, keepdims=True), 1) - P).sum(axis=2)
        visited = counts.sum(axis=2) > 0
        want = float(want_tv[visited].mean())
        out = model_error(counts.copy(), P.copy())
        try:
            got = float(np.asarray(out, dtype=float).reshape(-1)[0])
        except (TypeError, ValueError):
            raise AssertionError(f'model_error() should return a number, got {out!r}.') from None
        assert abs(got - want) < 1e-09, f'model_error() on {what}: expected {want:.4f}, got {got:.4f}; ' + model_error_diagnosis(counts, P, got) + '.'
    rng = np.random.default_rng(3)
    S, A = (4, 2)
    for k in range(5):
        P = rng.dirichlet(np.ones(S), size=(S, A))
        counts = np.zeros((S, A, S))
        s, a = (k % S, k % A)
        counts[s, a] = rng.integers(1, 6, size=S)
        check(counts, P, f'a model with only ({s}, {a}) visited')

@test_case(points=0.5, hidden=True)
def test_model_error_value_all_visited(model_error):
    """Every pair visited: the value is the mean over all pairs of their TV distances.

    Checks: model_error
    """
    import numpy as np
    from mbrl_grader.fakes.model_learning import model_error_diagnosis

    def check(counts, P, what):
        want_tv = 0.5 * np.abs(counts / np.maximum(counts.sum(axis=2, keepdims=True), 1) - P).sum(axis=2)
        visited = counts.sum(axis=2) > 0
        want = float(want_tv[visited].mean())
        out = model_error(counts.copy(), P.copy())
        try:
            got = float(np.asarray(out, dtype=float).reshape(-1)[0])
        except (TypeError, ValueError):
            raise AssertionError(f'model_error() should return a number, got {out!r}.') from None
        assert abs(got - want) < 1e-09, f'model_error() on {what}: expected {want:.4f}, got {got:.4f}; ' + model_error_diagnosis(counts, P, got) + '.'
    rng = np.random.default_rng(7)
    S, A = (4, 2)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    counts = rng.integers(0, 5, size=(S, A, S)).astype(float)
    counts[:, :, 0] += 1
    check(counts, P, 'a model where every pair was visited')

@test_case(points=1, hidden=True)
def test_model_error_ignores_unvisited_pairs(model_error):
    """Unvisited pairs are left out of the mean: exact visited pairs give error 0.

    Checks: model_error
    """
    import numpy as np
    S, A = (3, 2)
    P = np.zeros((S, A, S))
    P[0, 0] = [0.5, 0.5, 0.0]
    P[0, 1] = [0.0, 0.0, 1.0]
    P[1, 0] = [0.25, 0.25, 0.5]
    P[1, 1] = [1.0, 0.0, 0.0]
    P[2, 0] = [0.0, 1.0, 0.0]
    P[2, 1] = [0.0, 0.0, 1.0]
    counts = np.zeros((S, A, S))
    counts[0, 0] = [2, 2, 0]
    counts[1, 0] = [1, 1, 2]
    counts[2, 1] = [0, 0, 5]
    got = float(np.asarray(model_error(counts.copy(), P.copy()), dtype=float).reshape(-1)[0])
    assert abs(got) < 1e-09, f'model_error() should average only over VISITED pairs (visit count > 0). Here every visited pair is estimated exactly, so the error is 0, but got {got:.4f}: unvisited pairs must be left out, not counted as errors.'

@test_case(points=0.5, hidden=True)
def test_model_error_mixed_experience(model_error):
    """Counts from a real exploration of the slippery grid world (some pairs unvisited).

    Checks: model_error
    """
    import numpy as np
    from mbrl_grader.fakes.model_learning import model_error_diagnosis

    def check(counts, P, what):
        want_tv = 0.5 * np.abs(counts / np.maximum(counts.sum(axis=2, keepdims=True), 1) - P).sum(axis=2)
        visited = counts.sum(axis=2) > 0
        want = float(want_tv[visited].mean())
        out = model_error(counts.copy(), P.copy())
        try:
            got = float(np.asarray(out, dtype=float).reshape(-1)[0])
        except (TypeError, ValueError):
            raise AssertionError(f'model_error() should return a number, got {out!r}.') from None
        assert abs(got - want) < 1e-09, f'model_error() on {what}: expected {want:.4f}, got {got:.4f}; ' + model_error_diagnosis(counts, P, got) + '.'
    from mbrl_envs import StochasticGridWorld
    world = StochasticGridWorld(slip=0.3)
    truth = world.transition_matrix()
    gen = np.random.default_rng(5)
    counts = np.zeros_like(truth)
    state = world.reset(seed=5)[0]
    for action in gen.integers(4, size=150):
        nxt, _, term, trunc, _ = world.step(int(action))
        counts[state, int(action), nxt] += 1
        state = world.reset()[0] if term or trunc else nxt
    check(counts, truth, 'the counts of 150 random steps in the slippery grid world')

@test_case(points=0.5, hidden=True)
def test_model_error_nan_when_nothing_visited(model_error):
    """With no visited pair there is nothing to measure: np.nan.

    Checks: model_error
    """
    import numpy as np
    P = np.full((3, 2, 3), 1 / 3)
    got = model_error(np.zeros((3, 2, 3)), P)
    assert got is not None, 'model_error() returned None when no pair was visited: return the number np.nan (a float), so that averages and plots of the error still work.'
    arr = np.asarray(got, dtype=float)
    assert arr.size == 1 and np.isnan(arr.reshape(-1)[0]), f'model_error() should return np.nan when no pair was visited, got {got!r}.'

