from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 1

@test_case(points=0, hidden=False)
def test_q1_1_format(q1_1):
    ok = isinstance(q1_1, str) and q1_1.strip().lower().strip('().') in ('a', 'b', 'c', 'd')
    assert ok, 'set q1_1 to one letter: "a", "b", "c" or "d" (a string in quotes)'

@test_case(points=1, hidden=True)
def test_q1_1_answer(q1_1):
    given = str(q1_1).strip().lower().strip('().')
    assert given == 'b', 'q1_1 is not the statement the figure supports: compare the pure planner with Q-learning, and the two Dyna-Q agents with each other.'

