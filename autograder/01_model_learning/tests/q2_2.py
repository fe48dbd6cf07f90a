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

@test_case(points=1, hidden=True)
def test_update_transition_counts(TabularModel):
    """transition_counts[s, a, s'] counts how often (s, a) led to s' over seven updates.

    Checks: TabularModel.update
    """
    import numpy as np
    data = [(0, 1, 0.0, 2), (0, 1, 1.0, 2), (0, 1, 0.0, 3), (5, 2, -1.0, 5), (2, 0, 0.5, 1), (0, 1, 0.0, 2), (5, 2, 2.0, 4)]
    m = TabularModel(6, 3)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
    from mbrl_ref.models import TabularModel as ReferenceModel
    ref = ReferenceModel(6, 3)
    for s, a, r, s2 in data:
        ref.update(s, a, r, s2)
    expected = ref.transition_counts
    got = np.asarray(m.transition_counts, dtype=float)
    assert got.shape == expected.shape, f'transition_counts has shape {got.shape}, expected {expected.shape}.'
    assert np.array_equal(got, expected), f"update() does not count transitions correctly: after 7 updates, transition_counts[s, a, s'] should be the number of times (s, a) led to s' (e.g. transition_counts[0, 1, 2] should be 2, yours is {got[0, 1, 2]:g})."

@test_case(points=1, hidden=True)
def test_update_reward_sum(TabularModel):
    """reward_sum[s, a] adds up every reward observed after (s, a) over seven updates.

    Checks: TabularModel.update
    """
    import numpy as np
    data = [(0, 1, 0.0, 2), (0, 1, 1.0, 2), (0, 1, 0.0, 3), (5, 2, -1.0, 5), (2, 0, 0.5, 1), (0, 1, 0.0, 2), (5, 2, 2.0, 4)]
    m = TabularModel(6, 3)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
    from mbrl_ref.models import TabularModel as ReferenceModel
    ref = ReferenceModel(6, 3)
    for s, a, r, s2 in data:
        ref.update(s, a, r, s2)
    expected = ref.reward_sum
    got = np.asarray(m.reward_sum, dtype=float)
    assert got.shape == expected.shape, f'reward_sum has shape {got.shape}, expected {expected.shape}.'
    assert np.allclose(got, expected, atol=1e-12), f'update() does not add up rewards correctly: reward_sum[s, a] should be the sum of all rewards observed after (s, a) (e.g. rewards -1.0 and 2.0 after (5, 2) give 1.0, yours is {got[5, 2]:g}).'

@test_case(points=1, hidden=True)
def test_update_visit_counts(TabularModel):
    """visit_counts[s, a] counts how often (s, a) was tried over seven updates.

    Checks: TabularModel.update
    """
    import numpy as np
    data = [(0, 1, 0.0, 2), (0, 1, 1.0, 2), (0, 1, 0.0, 3), (5, 2, -1.0, 5), (2, 0, 0.5, 1), (0, 1, 0.0, 2), (5, 2, 2.0, 4)]
    m = TabularModel(6, 3)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
    from mbrl_ref.models import TabularModel as ReferenceModel
    ref = ReferenceModel(6, 3)
    for s, a, r, s2 in data:
        ref.update(s, a, r, s2)
    expected = ref.visit_counts
    got = np.asarray(m.visit_counts, dtype=float)
    assert got.shape == expected.shape, f'visit_counts has shape {got.shape}, expected {expected.shape}.'
    hint = ' Did you forget to increment visit_counts?' if not got.any() else ''
    assert np.array_equal(got, expected), f'update() does not count visits correctly: visit_counts[s, a] should be the number of times (s, a) was tried (e.g. 4 for (0, 1) after these updates, yours is {got[0, 1]:g}).{hint}'

@test_case(points=1, hidden=True)
def test_update_estimates(TabularModel):
    """The counts left by many updates give the model's estimates P^ = N(s,a,.)/N(s,a) and R^.

    Checks: TabularModel.update
    """
    import numpy as np
    from mbrl_ref.models import TabularModel as ReferenceModel
    rng = np.random.default_rng(11)
    n_s, n_a = (7, 3)
    data = [(int(rng.integers(n_s)), int(rng.integers(n_a)), float(rng.choice([0.0, 1.0, -0.5])), int(rng.integers(n_s))) for _ in range(60)]
    m = TabularModel(n_s, n_a)
    ref = ReferenceModel(n_s, n_a)
    for s, a, r, s2 in data:
        m.update(s, a, r, s2)
        ref.update(s, a, r, s2)
    tc = np.asarray(m.transition_counts, dtype=float)
    rs = np.asarray(m.reward_sum, dtype=float)
    vc = np.asarray(m.visit_counts, dtype=float)
    assert tc.shape == (n_s, n_a, n_s) and rs.shape == (n_s, n_a) and (vc.shape == (n_s, n_a)), 'update() must keep the shapes of the three arrays created in __init__.'
    visited = ref.visit_counts > 0
    assert np.array_equal(vc > 0, visited), 'After 60 updates, the pairs with visit_counts > 0 are not the pairs that were updated: the model would treat tried pairs as unknown (or the reverse).'
    with np.errstate(divide='ignore', invalid='ignore'):
        p_hat = tc[visited] / vc[visited][:, None]
        r_hat = rs[visited] / vc[visited]
    want_p = ref.transition_counts[visited] / ref.visit_counts[visited][:, None]
    want_r = ref.reward_sum[visited] / ref.visit_counts[visited]
    assert np.allclose(p_hat, want_p, atol=1e-09), "After 60 updates, transition_counts / visit_counts does not give the observed frequencies of the next states: P^(s'|s,a) = N(s,a,s')/N(s,a) must come out of your counts (check that update() adds 1 to both, for the right s_prime)."
    assert np.allclose(r_hat, want_r, atol=1e-09), 'After 60 updates, reward_sum / visit_counts does not give the mean observed reward of each pair: add every reward r to reward_sum[s, a].'

