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

