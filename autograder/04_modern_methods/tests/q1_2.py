from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 4

@test_case(points=1.5, hidden=False, 
    success_message="OK: identical members give 0, disjoint members 1, the hand-computed K = 4 case is right, (K, S, A, S') input gives one value per (s, a), and a single member gives 0. After you submit, the grade also compares your values with the formula on random ensembles of several sizes.")
def test_disagreement_public(ensemble_disagreement):
    """Public: identical members give 0, disjoint members 1, one hand-computed K = 4 case, one value per (s, a) for (K, S, A, S') input, and 0 for a single member.

    Case 1 (was `test_disagreement_simple_cases`): identical members give 0, disjoint members 1,
    and one hand-computed K = 4 case.
    Case 2 (was `test_disagreement_shapes_and_single_member`): (K, S, A, S') gives one value per
    (s, a); a single member gives 0 without warnings.

    Every case runs in its own `check.part()`: a case that cannot run does not stop the others.

    Checks: ensemble_disagreement
    """
    from mbrl_envs.checking import Checks
    with Checks() as check:
        with check.part():
            import numpy as np

            def u(members):
                out = check.call('ensemble_disagreement', ensemble_disagreement, members)
                check.require(np.size(out) == 1, "for one (s, a) (member_probs of shape (K, S')) ensemble_disagreement should return one number, got {!r}".format(out))
                return float(np.ravel(out)[0])
            d = u(np.array([[0.2, 0.8, 0.0], [0.2, 0.8, 0.0], [0.2, 0.8, 0.0]]))
            check.expect(abs(d) < 1e-09, 'identical members should have disagreement 0, got {}'.format(d))
            d = u(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
            check.expect(abs(d - 1) < 1e-09, 'two members that put all their mass on different next states disagree completely (TV = 0.5 * (1 + 1) = 1), got {}'.format(d))
            d = u(np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
            check.expect(abs(d - 0.5) < 1e-09, 'K = 4 members, three say [1, 0] and one says [0, 1]: 3 of the K(K-1)/2 = 6 pairs i < j have TV 1 and the others 0, so u = 3/6 = 0.5; got {:.4f}. Average the TV distance over the pairs i < j (each pair once, no member with itself)'.format(d))
        with check.part():
            import warnings
            import numpy as np
            p = np.zeros((2, 3, 2, 4))
            p[:, :, :, 0] = 1.0
            p[1, 2, 1] = [0, 0, 0, 1.0]
            out = np.asarray(check.call('ensemble_disagreement', ensemble_disagreement, p), dtype=float)
            if check.expect(out.shape == (3, 2), "for member_probs of shape (K, S, A, S') = (2, 3, 2, 4) return one value per (s, a), shape (3, 2); got shape {}: remove the member axis 0 and the next-state axis (the last one)".format(out.shape)):
                want = np.zeros((3, 2))
                want[2, 1] = 1.0
                check.expect(np.allclose(out, want), 'the two members differ only at (s, a) = (2, 1), where their TV distance is 1, so expected 1 there and 0 elsewhere; got {}'.format(out.tolist()))
            with warnings.catch_warnings():
                warnings.simplefilter('error')
                one = np.asarray(check.call_explained('a single member (K = 1) has no pairs to average over: return 0', 'ensemble_disagreement', ensemble_disagreement, np.array([[0.3, 0.7]])), dtype=float)
            check.expect(one.size == 1 and np.isfinite(one).all() and (abs(float(one.reshape(-1)[0])) < 1e-12), 'a single member (K = 1) has nobody to disagree with: return 0, got {!r}'.format(one))

@test_case(points=1.5, hidden=True)
def test_disagreement_exact_values(ensemble_disagreement):
    """Hidden: random ensembles of 2 to 6 members match the mean pairwise TV distance.

    Checks: ensemble_disagreement
    """
    import numpy as np
    from mbrl_ref.modern.ensemble import ensemble_disagreement as ref
    rng = np.random.default_rng(4)
    results = []
    for k, s in [(2, 3), (3, 5), (5, 6), (4, 2), (6, 4)]:
        p = rng.dirichlet(np.ones(s), size=k)
        out = np.asarray(ensemble_disagreement(p), dtype=float)
        assert out.size == 1, 'for one (s, a), i.e. an input of shape (K, S), ensemble_disagreement should return one number, got shape {}'.format(out.shape)
        results.append((k, s, float(out.reshape(-1)[0]), float(ref(p))))
    wrong = [(k, s, got) for k, s, got, want in results if abs(got - want) > 1e-09]
    if wrong:
        causes = [(lambda k, w: 2 * w, 'the TV distance has a factor 0.5: TV = 0.5 * sum |p_i - p_j|'), (lambda k, w: k * (k - 1) / 2 * w, 'average over the K(K-1)/2 pairs, do not just sum them'), (lambda k, w: w * (k - 1) / k, 'average over the pairs i < j only, not over all K*K ordered pairs (a member compared with itself adds 0 but counts in the average)'), (lambda k, w: (k - 1) / 2 * w, 'divide by the number of pairs K(K-1)/2, not by K'), (lambda k, w: k / 2 * w, 'divide by the number of pairs K(K-1)/2, not by K - 1')]
        fits = [why for f, why in causes if all((abs(got - f(k, want)) < 1e-09 for k, s, got, want in results))]
        hint = fits[0] if len(fits) == 1 else "u = 2 / (K(K-1)) * sum over the pairs i < j of TV(p_i, p_j), with TV(p, q) = 0.5 * sum |p(s') - q(s')| over the next states"
        raise AssertionError('your disagreement does not match the definition for {} of 5 random ensembles, e.g. K = {} members over {} next states (you returned {:.6f}): {}'.format(len(wrong), *wrong[0], hint))

@test_case(points=0.5, hidden=True)
def test_disagreement_batched(ensemble_disagreement):
    """Hidden: a (K, S, A, S') ensemble gives the per-(s, a) disagreement of each slice.

    Checks: ensemble_disagreement
    """
    import numpy as np
    from mbrl_ref.modern.ensemble import ensemble_disagreement as ref
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(5) * 0.5, size=(4, 3, 2))
    got = np.asarray(ensemble_disagreement(p), dtype=float)
    assert got.shape == (3, 2), "for a (K, S, A, S') = (4, 3, 2, 5) ensemble return shape (3, 2), got {}".format(got.shape)
    want = ref(p)
    bad = np.argwhere(np.abs(got - want) > 1e-09)
    assert len(bad) == 0, "for a (4, 3, 2, 5) ensemble the value at (s, a) = {} is not the disagreement of the 4 members' distributions p[:, s, a, :] ({} of 6 values differ)".format(tuple((int(x) for x in bad[0])), len(bad))

@test_case(points=0.5, hidden=True)
def test_disagreement_single_member(ensemble_disagreement):
    """Hidden: K = 1 gives zeros of the right shape, without dividing by zero.

    Checks: ensemble_disagreement
    """
    import warnings
    import numpy as np
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        try:
            got = np.asarray(ensemble_disagreement(np.full((1, 3, 2, 4), 0.25)), dtype=float)
        except (ZeroDivisionError, FloatingPointError, RuntimeWarning) as e:
            raise AssertionError('a single member (K = 1) made ensemble_disagreement divide by zero ({}): return zeros when there are no pairs'.format(e)) from None
    assert got.shape == (3, 2) and np.isfinite(got).all() and (not got.any()), 'a single member of shape (1, 3, 2, 4) has disagreement 0 for each of the (3, 2) pairs (s, a); got {!r}'.format(got)

