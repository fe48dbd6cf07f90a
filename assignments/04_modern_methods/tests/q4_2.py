from otter.test_files import test_case

OK_FORMAT = False

name = "q4_2"
points = 1

@test_case(points=0, hidden=False)
def test_q4_2_format(q4_2):
    choice = str(q4_2).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q4_2 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q4_2)

