from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 1

@test_case(points=0, hidden=False)
def test_q2_2_format(q2_2):
    assert isinstance(q2_2, str) and q2_2.strip().lower() in ('a', 'b', 'c', 'd'), 'set q2_2 to one of the strings "a", "b", "c" or "d"'

