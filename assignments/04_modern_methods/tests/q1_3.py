from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3"
points = 1

@test_case(points=0, hidden=False)
def test_q1_3_format(q1_3):
    choice = str(q1_3).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q1_3 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q1_3)

