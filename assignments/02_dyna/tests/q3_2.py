from otter.test_files import test_case

OK_FORMAT = False

name = "q3_2"
points = 1

@test_case(points=0, hidden=False)
def test_q3_2_format(q3_2):
    assert isinstance(q3_2, str) and q3_2.strip().lower() in ('a', 'b', 'c', 'd'), 'set q3_2 to one of the strings "a", "b", "c" or "d"'

