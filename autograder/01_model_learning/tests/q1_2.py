from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_2: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q1_2_format(q1_2):
    """A number of steps: a finite number, at least 1."""
    from mbrl_envs.checking import check_number
    check_number('q1_2', q1_2, low=1)

@test_case(points=1, hidden=True)
def test_q1_2_answer(q1_2):
    """q1_2 is the number of real steps in the whole episodes the model-free agent needs."""
    try:
        value = float(q1_2)
    except (TypeError, ValueError):
        raise AssertionError('q1_2 must be a number.') from None
    assert abs(value - 1600) < 0.5, 'q1_2 is not right yet: how many whole episodes does the value need to travel back to the start (section 1.3), and how many steps does each complete episode take?'

