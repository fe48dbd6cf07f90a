from otter.test_files import test_case

OK_FORMAT = False

name = "q4_3"
points = 1

@test_case(points=0, hidden=False)
def test_q4_3_format(q4_3):
    ok = isinstance(q4_3, str) and q4_3.strip().lower().strip('().') in ('a', 'b', 'c', 'd')
    assert ok, 'set q4_3 to one letter: "a", "b", "c" or "d" (a string in quotes)'

