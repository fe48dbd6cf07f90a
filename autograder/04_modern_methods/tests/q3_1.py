from otter.test_files import test_case

OK_FORMAT = False

name = "q3_1"
points = 1

@test_case(points=0, hidden=False)
def test_q3_1_format(q3_1):
    choice = str(q3_1).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q3_1 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q3_1)

@test_case(points=1, hidden=True)
def test_q3_1_answer(q3_1):
    assert str(q3_1).strip().lower() == 'c', 'q3_1 is not right yet: compare the curves of the poor and the good model: which error source grows with H, and what makes it smaller? (section 3)'

