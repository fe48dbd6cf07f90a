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
    given = str(q1_1).strip().lower().strip('().')
    assert given == 'c', 'q1_1 is not the statement the figure supports: compare the pure planner with Q-learning, and the two Dyna-Q agents with each other.'

