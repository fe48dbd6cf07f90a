from otter.test_files import test_case

OK_FORMAT = False

name = "q5_1"
points = 1

@test_case(points=0, hidden=False)
def test_q5_1_format(q5_1):
    choice = str(q5_1).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q5_1 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q5_1)

