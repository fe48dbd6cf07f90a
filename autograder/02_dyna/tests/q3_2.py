from otter.test_files import test_case

OK_FORMAT = False

name = "q3_2"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_2: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_2_format(q3_2):
    from mbrl_envs.checking import check_choice
    check_choice('q3_2', q3_2)

@test_case(points=1, hidden=True)
def test_q3_2_answer(q3_2):
    assert isinstance(q3_2, str) and q3_2.strip().lower() == 'a', 'q3_2: not the right choice. Revisit section 1.2: how does Dyna-Q learn from real experience, and from simulated experience?'

