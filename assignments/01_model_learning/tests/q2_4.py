from otter.test_files import test_case

OK_FORMAT = False

name = "q2_4"
points = 4

@test_case(points=0, hidden=False, 
    success_message="Public checks of sample_experienced passed (empty model, one pair 200 times, three pairs 900 times). The grade also checks more pairs, very unequal visit counts and every visited pair.")
def test_sample_experienced_public(TabularModel):
    """None when empty; only visited pairs; each of three pairs about equally often (seeded).

    Checks: TabularModel.sample_experienced
    """
    import random
    import numpy as np
    from mbrl_envs.checking import Checks
    np.random.seed(0)
    random.seed(0)
    with Checks() as check:
        m = check.call('TabularModel', TabularModel, 4, 2)
        first = check.call('m.sample_experienced', m.sample_experienced)
        check.expect(first is None, f'sample_experienced() should return None when nothing has been visited yet, got {first!r}.')
        for _ in range(3):
            check.call('m.update', m.update, 2, 1, 0.0, 0)
        tc = np.asarray(m.transition_counts, dtype=float)
        vc = np.asarray(m.visit_counts, dtype=float)
        check.require(tc.shape == (4, 2, 4) and vc.shape == (4, 2) and np.array_equal(tc.sum(axis=2), vc) and (vc[2, 1] == 3) and (vc.sum() == 3), 'These checks feed transitions through update(), and after three updates of (2, 1) the counts are not right yet: fix update() first (question 2.2, grader.check("q2_2")).')

        def draw():
            out = check.call('m.sample_experienced', m.sample_experienced)
            check.require(isinstance(out, (tuple, list, np.ndarray)) and len(out) == 2, f'sample_experienced() should return a pair (s, a), got {out!r}.')
            return tuple((int(np.asarray(x).reshape(-1)[0]) for x in out))
        got = {draw() for _ in range(200)}
        check.expect(got == {(2, 1)}, f'Only (2, 1) was visited, so sample_experienced() should always return (2, 1); in 200 calls it also returned {sorted(got - {(2, 1)})}. Pick among the visited pairs only (visit_counts > 0).')
        check.call('m.update', m.update, 0, 0, 1.0, 3)
        check.call('m.update', m.update, 0, 1, 0.0, 2)
        n = 900
        pairs = [(2, 1), (0, 0), (0, 1)]
        draws = [draw() for _ in range(n)]
        check.expect(set(draws) <= set(pairs), f'Only (2, 1), (0, 0) and (0, 1) were visited, but sample_experienced() returned {sorted(set(draws) - set(pairs))}.')
        shares = {p: draws.count(p) / n for p in pairs}
        worst = max(pairs, key=lambda p: abs(shares[p] - 1 / 3))
        check.expect(abs(shares[worst] - 1 / 3) <= 0.095, f'(2, 1) was visited 3 times, (0, 0) and (0, 1) once each: sample_experienced() should pick uniformly among the distinct visited pairs (1/3 each), but in {n} calls {worst} came up {shares[worst]:.0%} of the time. Pick one pair uniformly from the list of visited pairs: not weighted by visit counts, not a state first and then an action, and at random.')

