from otter.test_files import test_case

OK_FORMAT = False

name = "q4_2"
points = 2

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (0 for identical, symmetric, 1 with no common outcomes). The grade also checks exact values on random distributions.")
def test_tv_distance_basics(tv_distance):
    """Public: 0 for equal distributions, symmetric, and 1 for disjoint supports.

    Checks: tv_distance
    """
    import numpy as np
    p, q = (np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.1, 0.8]))
    same = float(tv_distance(p, p.copy()))
    assert abs(same) < 1e-12, f'identical distributions are at distance 0, got {same:.6g}'
    pq, qp = (float(tv_distance(p, q)), float(tv_distance(q, p)))
    assert pq > 0 and abs(pq - qp) < 1e-12, 'the distance should be positive for different distributions and symmetric'
    apart = float(tv_distance(np.array([0.6, 0.4, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5])))
    if abs(apart - 1.0) > 1e-09:
        hint = ': the sum of |p_i - q_i| is 2 here, the factor 1/2 is missing' if abs(apart - 2.0) < 1e-09 else ''
        raise AssertionError(f'tv_distance([0.6, 0.4, 0, 0], [0, 0, 0.5, 0.5]) returned {apart:.6g}; distributions with no common outcome are at TV distance 1{hint}')

