from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_3: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q1_3_format(q1_3):
    from mbrl_envs.checking import check_choice
    check_choice('q1_3', q1_3)

