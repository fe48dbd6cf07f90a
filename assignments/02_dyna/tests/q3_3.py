from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_3: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_3_format(q3_3):
    """A number of model updates: a finite number, at least 0."""
    from mbrl_envs.checking import check_number
    check_number('q3_3', q3_3, low=0)

