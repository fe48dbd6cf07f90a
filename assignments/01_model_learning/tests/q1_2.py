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

