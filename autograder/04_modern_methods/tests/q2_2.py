from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q2_2: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q2_2_format(q2_2):
    from mbrl_envs.checking import check_choice
    check_choice('q2_2', q2_2)

@test_case(points=1, hidden=True)
def test_q2_2_answer(q2_2):
    assert str(q2_2).strip().lower() == 'd', 'q2_2 is not right yet: where does each method spend its computation, and what does MPC see when no reward is within its horizon? (section 2.1)'

