from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_3: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q1_3_format(q1_3):
    from mbrl_envs.checking import check_choice
    check_choice('q1_3', q1_3)

@test_case(points=1, hidden=True)
def test_q1_3_answer(q1_3):
    assert str(q1_3).strip().lower() == 'b', 'q1_3 is not right yet: with a fixed data set, what happens when the plan relies on the model where it has no data? (section 1.2)'

