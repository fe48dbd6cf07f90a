from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 1

@test_case(points=0, hidden=False, 
    success_message="q3_3: format OK; the answer itself is graded after you submit (hidden tests).")
def test_q3_3_format(q3_3):
    """A number of model updates: a finite number, at least 0."""
    from mbrl_envs.checking import check_number
    check_number('q3_3', q3_3, low=0)

@test_case(points=1, hidden=True)
def test_q3_3_answer(q3_3):
    """The compute bill: (n + 1) Q-updates per real step."""
    import numbers
    assert isinstance(q3_3, numbers.Real) and (not isinstance(q3_3, bool)), 'q3_3 must be a number'
    assert abs(float(q3_3) - 10500) < 0.5, 'q3_3: not the right number. Revisit the Tabular Dyna-Q box in section 1.2: count every Q-value update that one real step performs, then multiply by the real steps.'

