from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 1

@test_case(points=0, hidden=False)
def test_q3_3_format(q3_3):
    import numbers
    assert isinstance(q3_3, numbers.Real) and (not isinstance(q3_3, bool)), 'set q3_3 to a number (an int or a float)'

@test_case(points=1, hidden=True)
def test_q3_3_answer(q3_3):
    """The compute bill: (n + 1) Q-updates per real step."""
    import numbers
    assert isinstance(q3_3, numbers.Real) and (not isinstance(q3_3, bool)), 'q3_3 must be a number'
    assert abs(float(q3_3) - 10500) < 0.5, 'q3_3: not the right number. Revisit the Tabular Dyna-Q box in section 1.2: count every Q-value update that one real step performs, then multiply by the real steps.'

