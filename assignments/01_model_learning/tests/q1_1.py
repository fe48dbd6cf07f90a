from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q1_1: format OK. This check does not look at the answer itself; the answer is graded by hidden tests after you submit.")
def test_q1_1_format(q1_1):
    choice = str(q1_1).strip().lower()
    assert choice in ('a', 'b', 'c', 'd'), 'Set q1_1 to one letter: "a", "b", "c" or "d" (you have {!r}).'.format(q1_1)

