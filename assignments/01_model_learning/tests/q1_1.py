from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_1: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q1_1_format(q1_1):
    from mbrl_envs.checking import check_choice
    check_choice('q1_1', q1_1)

