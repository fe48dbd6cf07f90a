from otter.test_files import test_case

OK_FORMAT = False

name = "q3_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_1: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_1_format(q3_1):
    from mbrl_envs.checking import check_choice
    check_choice('q3_1', q3_1)

