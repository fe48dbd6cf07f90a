from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 4

@test_case(points=1, hidden=False)
def test_disagreement_simple_cases(ensemble_disagreement):
    import numpy as np
    same = np.array([[0.2, 0.8, 0.0], [0.2, 0.8, 0.0], [0.2, 0.8, 0.0]])
    d = float(np.asarray(ensemble_disagreement(same)))
    assert abs(d) < 1e-09, 'identical members should have disagreement 0, got {}'.format(d)
    apart = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    d = float(np.asarray(ensemble_disagreement(apart)))
    assert abs(d - 1) < 1e-09, 'two members that put all their mass on different next states disagree completely (TV = 1), got {}'.format(d)

