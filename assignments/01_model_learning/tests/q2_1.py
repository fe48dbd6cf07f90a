from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q2_1: format OK. This check does not look at the answer itself; the answer is graded by hidden tests after you submit.")
def test_q2_1_format(q2_1):
    assert q2_1 is not None and (not isinstance(q2_1, (str, bool))), 'Set q2_1 to a number between 0 and 1 (you have {!r}).'.format(q2_1)
    try:
        value = float(q2_1)
    except (TypeError, ValueError):
        raise AssertionError('q2_1 must be a number (you have {!r}).'.format(q2_1)) from None
    assert 0 <= value <= 1, 'q2_1 is a probability: it must be between 0 and 1.'

