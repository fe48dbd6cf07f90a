from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_1: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q1_1_format(q1_1):
    from mbrl_envs.checking import check_choice
    check_choice('q1_1', q1_1)

@test_case(points=1, hidden=True)
def test_q1_1_answer(q1_1):
    assert str(q1_1).strip().lower() == 'a', 'q1_1 is not right yet: think about what happens to a real transition after it has been used once, in each kind of agent (section 1.3).'

