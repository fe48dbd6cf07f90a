from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 2

@test_case(points=0, hidden=False, 
    success_message="q3_3: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_3_format(q3_3):
    from mbrl_envs.checking import CheckFailed
    answer = str(q3_3).strip().upper().replace(' ', '')
    if not (isinstance(q3_3, str) and len(answer) == 4 and (set(answer) <= {'T', 'F'})):
        raise CheckFailed('set q3_3 to a string of 4 letters T or F, one per statement, e.g. "TTFF" (you have {!r}).'.format(q3_3))

