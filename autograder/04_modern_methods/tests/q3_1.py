from otter.test_files import test_case

OK_FORMAT = False

name = "q3_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_1: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_1_format(q3_1):
    from mbrl_envs.checking import check_choice
    check_choice('q3_1', q3_1)

@test_case(points=1, hidden=True)
def test_q3_1_answer(q3_1):
    assert str(q3_1).strip().lower() == 'a', 'q3_1 is not right yet: compare the curves of the poor and the good model: which error source grows with H, and what makes it smaller? (section 3)'

