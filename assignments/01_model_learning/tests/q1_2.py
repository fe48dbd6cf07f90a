from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_2: format OK. This check does not look at the answer itself; the answer is graded by hidden tests after you submit.")
def test_q1_2_format(q1_2):
    import numpy as np
    assert q1_2 is not None and (not isinstance(q1_2, (str, bool))), 'Set q1_2 to a number, e.g. q1_2 = 123 (you have {!r}).'.format(q1_2)
    try:
        value = float(q1_2)
    except (TypeError, ValueError):
        raise AssertionError('q1_2 must be a number (you have {!r}).'.format(q1_2)) from None
    assert np.isfinite(value) and value > 0, 'q1_2 must be a positive number of steps.'

