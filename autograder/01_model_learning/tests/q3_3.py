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

@test_case(points=0.5, hidden=True)
def test_q3_3_statement_a(q3_3):
    answer = str(q3_3).strip().upper().replace(' ', '')
    assert len(answer) == 4 and answer[0] == 'T', 'Statement (a) of q3_3 is not right yet: reread the simulation lemma in section 3.4.'

@test_case(points=0.5, hidden=True)
def test_q3_3_statement_b(q3_3):
    answer = str(q3_3).strip().upper().replace(' ', '')
    assert len(answer) == 4 and answer[1] == 'F', 'Statement (b) of q3_3 is not right yet: look at the right-hand plot of the propagation experiment.'

@test_case(points=0.5, hidden=True)
def test_q3_3_statement_c(q3_3):
    answer = str(q3_3).strip().upper().replace(' ', '')
    assert len(answer) == 4 and answer[2] == 'F', 'Statement (c) of q3_3 is not right yet: revisit sections 3.1 and 3.2 (model error and uncertainty from counts).'

@test_case(points=0.5, hidden=True)
def test_q3_3_statement_d(q3_3):
    answer = str(q3_3).strip().upper().replace(' ', '')
    assert len(answer) == 4 and answer[3] == 'T', 'Statement (d) of q3_3 is not right yet: revisit the bound of section 3.4 and how it depends on gamma.'

