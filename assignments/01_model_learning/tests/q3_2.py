from otter.test_files import test_case

OK_FORMAT = False

name = "q3_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_2: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_2_format(q3_2):
    """A number of visits: a finite number, at least 1."""
    from mbrl_envs.checking import check_number
    check_number('q3_2', q3_2, low=1)

