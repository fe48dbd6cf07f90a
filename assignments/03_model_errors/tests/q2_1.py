from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 1

@test_case(points=0, hidden=False)
def test_q2_1_format(q2_1):
    ok = isinstance(q2_1, str) and q2_1.strip().lower().strip('().') in ('a', 'b', 'c', 'd')
    assert ok, 'set q2_1 to one letter: "a", "b", "c" or "d" (a string in quotes)'

