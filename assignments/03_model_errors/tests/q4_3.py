from otter.test_files import test_case

OK_FORMAT = False

name = "q4_3"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q4_3: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q4_3_format(q4_3):
    from mbrl_envs.checking import check_choice
    check_choice('q4_3', q4_3)

