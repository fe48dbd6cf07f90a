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

