from otter.test_files import test_case

OK_FORMAT = False

name = "q4_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q4_2: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q4_2_format(q4_2):
    from mbrl_envs.checking import check_choice
    check_choice('q4_2', q4_2)

