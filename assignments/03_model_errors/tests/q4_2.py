from otter.test_files import test_case

OK_FORMAT = False

name = "q4_2"
points = 2

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (0 for identical, symmetric, 1 with no common outcomes). The grade also checks exact values on random distributions.")
def test_tv_distance_basics(tv_distance):
    """Public: 0 for identical distributions, symmetric, 1 for disjoint supports.

    Checks: tv_distance
    """
    import numpy as np
    from mbrl_envs.checking import Checks
    p, q = (np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.1, 0.8]))
    with Checks() as check:

        def tv(a, b):
            out = check.call('tv_distance', tv_distance, a, b)
            check.require(np.size(out) == 1, f'tv_distance should return one number, got {out!r}')
            return float(np.ravel(out)[0])
        same = tv(p, p.copy())
        check.expect(abs(same) < 1e-12, f'identical distributions are at distance 0, got {same:.6g}')
        pq, qp = (tv(p, q), tv(q, p))
        check.expect(pq > 0, f'tv_distance([0.2, 0.5, 0.3], [0.1, 0.1, 0.8]) should be positive, got {pq:.6g}')
        check.expect(abs(pq - qp) < 1e-12, f'the distance should be symmetric: tv_distance(p, q) = {pq:.6g} but tv_distance(q, p) = {qp:.6g}')
        apart = tv(np.array([0.6, 0.4, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5]))
        hint = ': the sum of |p_i - q_i| is 2 here, the factor 1/2 is missing' if abs(apart - 2.0) < 1e-09 else ''
        check.expect(abs(apart - 1.0) < 1e-09, f'tv_distance([0.6, 0.4, 0, 0], [0, 0, 0.5, 0.5]) returned {apart:.6g}; distributions with no common outcome are at TV distance 1{hint}')

