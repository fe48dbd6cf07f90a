from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 1

@test_case(points=0, hidden=False)
def test_q2_1_format(q2_1):
    ok = isinstance(q2_1, str) and q2_1.strip().lower().strip('().') in ('a', 'b', 'c', 'd')
    assert ok, 'set q2_1 to one letter: "a", "b", "c" or "d" (a string in quotes)'

@test_case(points=1, hidden=True)
def test_q2_1_answer(q2_1):
    given = str(q2_1).strip().lower().strip('().')
    assert given == 'b', 'q2_1 is not right: a frozen model is exactly the wrong map of Demo 3, handed over at step 1000.'

