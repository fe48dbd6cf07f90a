from otter.test_files import test_case

OK_FORMAT = False

name = "q5_2"
points = 1

@test_case(points=0, hidden=False)
def test_q5_2_format(q5_2):
    choice = str(q5_2).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q5_2 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q5_2)

