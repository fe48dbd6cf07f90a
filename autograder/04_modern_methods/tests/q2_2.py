from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 1

@test_case(points=0, hidden=False)
def test_q2_2_format(q2_2):
    choice = str(q2_2).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q2_2 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q2_2)

@test_case(points=1, hidden=True)
def test_q2_2_answer(q2_2):
    assert str(q2_2).strip().lower() == 'b', 'q2_2 is not right yet: where does each method spend its computation, and what does MPC see when no reward is within its horizon? (section 2.1)'

