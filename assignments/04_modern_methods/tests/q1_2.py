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

