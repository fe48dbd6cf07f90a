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

