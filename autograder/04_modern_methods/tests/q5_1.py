from otter.test_files import test_case

OK_FORMAT = False

name = "q5_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q5_1: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q5_1_format(q5_1):
    from mbrl_envs.checking import check_choice
    check_choice('q5_1', q5_1)

@test_case(points=1, hidden=True)
def test_q5_1_answer(q5_1):
    assert str(q5_1).strip().lower() == 'c', 'q5_1 is not right yet: weigh the cost of real samples against the difficulty of learning the model (section 5)'

