from otter.test_files import test_case

OK_FORMAT = False

name = "q5_2"
points = 1

@test_case(points=0, hidden=False)
def test_q5_2_format(q5_2):
    choice = str(q5_2).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q5_2 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q5_2)

@test_case(points=1, hidden=True)
def test_q5_2_answer(q5_2):
    assert str(q5_2).strip().lower() == 'c', "q5_2 is not right yet: revisit the chapter's misconceptions and what sections 1 and 3 did with an imperfect model"

