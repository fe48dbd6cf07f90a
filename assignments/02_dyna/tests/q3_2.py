from otter.test_files import test_case

OK_FORMAT = False

name = "q3_2"
points = 1

@test_case(points=0, hidden=False)
def test_q3_2_format(q3_2):
    import numbers
    assert isinstance(q3_2, numbers.Real) and (not isinstance(q3_2, bool)), 'set q3_2 to a number (an int or a float)'

