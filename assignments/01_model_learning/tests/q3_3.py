from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 2

@test_case(points=0, hidden=False, 
    success_message="q3_3: format OK. This check does not look at the answer itself; the answer is graded by hidden tests after you submit.")
def test_q3_3_format(q3_3):
    answer = str(q3_3).strip().upper().replace(' ', '')
    assert len(answer) == 4 and set(answer) <= {'T', 'F'}, 'Set q3_3 to a string of 4 letters T or F, one per statement, e.g. "TTFF" (you have {!r}).'.format(q3_3)

