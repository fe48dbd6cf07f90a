from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q2_1: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q2_1_format(q2_1):
    """A probability: a finite number between 0 and 1."""
    from mbrl_envs.checking import check_number
    check_number('q2_1', q2_1, low=0, high=1)

@test_case(points=1, hidden=True)
def test_q2_1_answer(q2_1):
    try:
        value = float(q2_1)
    except (TypeError, ValueError):
        raise AssertionError('q2_1 must be a number.') from None
    assert abs(value - 0.625) < 0.001, 'q2_1 is not right yet: revisit the count-based estimate of section 2.2.'

