from otter.test_files import test_case

OK_FORMAT = False

name = "q3_1"
points = 3

@test_case(points=0, hidden=False)
def test_model_error_public(model_error):
    import numpy as np
    P = np.zeros((2, 1, 2))
    P[0, 0] = [0.5, 0.5]
    P[1, 0] = [0.0, 1.0]
    perfect = np.zeros((2, 1, 2))
    perfect[0, 0] = [3, 3]
    perfect[1, 0] = [0, 2]
    err = float(model_error(perfect, P))
    assert abs(err) < 1e-09, f'A model whose frequencies equal P should have error 0, got {err}.'
    wrong = np.zeros((2, 1, 2))
    wrong[1, 0] = [4, 0]
    err = float(model_error(wrong, P))
    assert abs(err - 1.0) < 1e-09, f"Only (1, 0) is visited and the model puts all mass on s'=0 where P puts none: the total-variation distance is 1 (it can never exceed 1), got {err}. Did you forget the factor 1/2?"

@test_case(points=1, hidden=True)
def test_model_error_value_all_visited(model_error):
    import numpy as np
    rng = np.random.default_rng(7)
    S, A = (4, 2)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    counts = rng.integers(0, 5, size=(S, A, S)).astype(float)
    counts[:, :, 0] += 1
    p_hat = counts / counts.sum(axis=2, keepdims=True)
    want = float((0.5 * np.abs(p_hat - P).sum(axis=2)).mean())
    got = float(np.asarray(model_error(counts.copy(), P.copy()), dtype=float))
    assert abs(got - want) < 1e-09, f"model_error() should be the mean over (s, a) of 0.5 * sum_s' |P^(s'|s,a) - P(s'|s,a)| with P^ = counts / counts.sum(axis=2): expected {want:.4f}, got {got:.4f}."

@test_case(points=1, hidden=True)
def test_model_error_ignores_unvisited_pairs(model_error):
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
    got = float(np.asarray(model_error(counts.copy(), P.copy()), dtype=float))
    assert abs(got) < 1e-09, f'model_error() should average only over VISITED pairs (visit count > 0). Here every visited pair is estimated exactly, so the error is 0, but got {got:.4f}: unvisited pairs must be left out, not counted as errors.'

@test_case(points=1, hidden=True)
def test_model_error_nan_when_nothing_visited(model_error):
    import numpy as np
    P = np.full((3, 2, 3), 1 / 3)
    got = model_error(np.zeros((3, 2, 3)), P)
    arr = np.asarray(got, dtype=float)
    assert arr.size == 1 and np.isnan(arr.reshape(-1)[0]), f'model_error() should return np.nan when no pair was visited, got {got!r}.'

