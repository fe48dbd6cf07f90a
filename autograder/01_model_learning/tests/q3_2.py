from otter.test_files import test_case

OK_FORMAT = False

name = "q3_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_2: format OK. This check does not look at the answer itself; the answer is graded by hidden tests after you submit.")
def test_q3_2_format(q3_2):
    import numpy as np
    assert q3_2 is not None and (not isinstance(q3_2, (str, bool))), 'Set q3_2 to a whole number (you have {!r}).'.format(q3_2)
    try:
        value = float(q3_2)
    except (TypeError, ValueError):
        raise AssertionError('q3_2 must be a number (you have {!r}).'.format(q3_2)) from None
    assert np.isfinite(value) and value >= 1, 'q3_2 is a number of visits: at least 1.'

@test_case(points=1, hidden=True)
def test_q3_2_answer(q3_2):
    try:
        value = float(q3_2)
    except (TypeError, ValueError):
        raise AssertionError('q3_2 must be a number.') from None
    assert abs(value - 738) < 0.5, 'q3_2 is not right yet: revisit the Hoeffding width w(N) of section 3.2; the answer is the smallest whole number of visits that satisfies the condition.'

