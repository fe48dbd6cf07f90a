from otter.test_files import test_case

OK_FORMAT = False

name = "q3_2"
points = 1

@test_case(points=0, hidden=False)
def test_q3_2_format(q3_2):
    import numbers
    assert isinstance(q3_2, numbers.Real) and (not isinstance(q3_2, bool)), 'set q3_2 to a number (an int or a float)'

@test_case(points=1, hidden=True)
def test_q3_2_answer(q3_2):
    import numbers
    assert isinstance(q3_2, numbers.Real) and (not isinstance(q3_2, bool)), 'q3_2 must be a number'
    hint = ''
    if abs(float(q3_2) - 10000) < 0.5:
        hint = ' You counted the planning updates only; real steps update Q too.'
    elif abs(float(q3_2) - 500) < 0.5:
        hint = ' You counted the real updates only.'
    assert abs(float(q3_2) - 10500) < 0.5, f'q3_2: not the right number.{hint}'

