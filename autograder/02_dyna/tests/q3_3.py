from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 1

@test_case(points=0, hidden=False)
def test_q3_3_format(q3_3):
    assert isinstance(q3_3, str) and q3_3.strip().lower() in ('a', 'b', 'c', 'd'), 'set q3_3 to one of the strings "a", "b", "c" or "d"'

@test_case(points=1, hidden=True)
def test_q3_3_answer(q3_3):
    assert isinstance(q3_3, str) and q3_3.strip().lower() == 'd', 'q3_3: not the right choice. Which condition is about the start of learning rather than its limit?'

