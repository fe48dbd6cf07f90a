from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 1

@test_case(points=0, hidden=False)
def test_q3_3_format(q3_3):
    assert isinstance(q3_3, str) and q3_3.strip().lower() in ('a', 'b', 'c', 'd'), 'set q3_3 to one of the strings "a", "b", "c" or "d"'

