from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 4

@test_case(points=0, hidden=False, 
    success_message="Public checks of update passed (four updates, shapes and values). The grade also checks longer sequences of updates and the estimates they give.")
def test_update_public(TabularModel):
    """Four updates, two on each of two pairs, leave the documented counts and reward sums.

    Checks: TabularModel.update
    """
    import numpy as np
    from mbrl_envs.checking import Checks
    with Checks() as check:
        m = check.call('TabularModel', TabularModel, 4, 2)
        for args in [(0, 1, 1.0, 3), (0, 1, 0.5, 2), (2, 0, -1.0, 2), (2, 0, 0.5, 2)]:
            check.call('m.update', m.update, *args)
        tc = np.asarray(m.transition_counts, dtype=float)
        rs = np.asarray(m.reward_sum, dtype=float)
        vc = np.asarray(m.visit_counts, dtype=float)
        steps = 'After update(0, 1, 1.0, 3), update(0, 1, 0.5, 2), update(2, 0, -1.0, 2) and update(2, 0, 0.5, 2), '
        shapes = {'transition_counts': (tc.shape, (4, 2, 4)), 'reward_sum': (rs.shape, (4, 2)), 'visit_counts': (vc.shape, (4, 2))}
        for name, (got, want) in shapes.items():
            check.expect(got == want, f'update() changed the shape of {name}: it is {got}, created as {want} in __init__ (add to single entries).')
        if tc.shape == (4, 2, 4):
            want_tc = np.zeros((4, 2, 4))
            want_tc[0, 1, 3] = want_tc[0, 1, 2] = 1
            want_tc[2, 0, 2] = 2
            check.expect(np.array_equal(tc, want_tc), steps + f'transition_counts[0, 1, 3] and [0, 1, 2] should be 1, [2, 0, 2] should be 2 and every other entry 0 (add 1 to N(s, a, s_prime)); yours has {int(np.count_nonzero(tc))} non-zero entries summing to {tc.sum():g}, and [2, 0, 2] is {tc[2, 0, 2]:g}.')
        if rs.shape == (4, 2):
            swapped = abs(rs[0, 1] - 5) < 1e-12 and abs(rs[2, 0] - 4) < 1e-12
            hint = " Those are the sums of the NEXT states (3 + 2 and 2 + 2): update's arguments are (s, a, r, s_prime), in this order." if swapped else ''
            check.expect(abs(rs[0, 1] - 1.5) < 1e-12 and abs(rs[2, 0] + 0.5) < 1e-12 and (abs(rs.sum() - 1.0) < 1e-12), steps + f'reward_sum[0, 1] should be 1.0 + 0.5 = 1.5 and reward_sum[2, 0] -1.0 + 0.5 = -0.5 (ADD r to the sum); yours are {rs[0, 1]:g} and {rs[2, 0]:g}.{hint}')
        if vc.shape == (4, 2):
            check.expect(vc[0, 1] == 2 and vc[2, 0] == 2 and (vc.sum() == 4), steps + f'visit_counts[0, 1] and visit_counts[2, 0] should both be 2 (add 1 to N(s, a)); yours are {vc[0, 1]:g} and {vc[2, 0]:g}, {vc.sum():g} visits in total.')

