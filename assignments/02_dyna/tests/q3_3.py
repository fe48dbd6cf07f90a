from otter.test_files import test_case

OK_FORMAT = False

name = "q3_3"
points = 1

@test_case(points=0, hidden=False)
def test_q3_3_format(q3_3):
    import numbers
    assert isinstance(q3_3, numbers.Real) and (not isinstance(q3_3, bool)), 'set q3_3 to a number (an int or a float)'

