from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 4

@test_case(points=1, hidden=False)
def test_disagreement_simple_cases(ensemble_disagreement):
    import numpy as np
    same = np.array([[0.2, 0.8, 0.0], [0.2, 0.8, 0.0], [0.2, 0.8, 0.0]])
    d = float(np.asarray(ensemble_disagreement(same)))
    assert abs(d) < 1e-09, 'identical members should have disagreement 0, got {}'.format(d)
    apart = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    d = float(np.asarray(ensemble_disagreement(apart)))
    assert abs(d - 1) < 1e-09, 'two members that put all their mass on different next states disagree completely (TV = 1), got {}'.format(d)

@test_case(points=1, hidden=True)
def test_disagreement_exact_values(ensemble_disagreement):
    import numpy as np
    from mbrl_ref.modern.ensemble import ensemble_disagreement as ref
    rng = np.random.default_rng(4)
    for k, s in [(2, 3), (3, 5), (5, 6), (4, 2)]:
        p = rng.dirichlet(np.ones(s), size=k)
        out = np.asarray(ensemble_disagreement(p), dtype=float)
        assert out.size == 1, 'for one (s, a), i.e. an input of shape (K, S), ensemble_disagreement should return one number, got shape {}'.format(out.shape)
        got = float(out.reshape(-1)[0])
        want = ref(p)
        assert abs(got - want) < 1e-09, 'for K = {} members your disagreement is {:.6f}, expected {:.6f}: average TV = 0.5 * sum |p_i - p_j| over the K(K-1)/2 pairs i < j (not over all K*K ordered pairs, and with the factor 0.5)'.format(k, got, want)

@test_case(points=1, hidden=True)
def test_disagreement_batched(ensemble_disagreement):
    import numpy as np
    from mbrl_grader.checks import assert_close
    from mbrl_ref.modern.ensemble import ensemble_disagreement as ref
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(5) * 0.5, size=(4, 3, 2))
    got = ensemble_disagreement(p)
    assert_close(np.asarray(got, dtype=float), ref(p), "ensemble_disagreement of a (K, S, A, S') array (one value per (s, a))")

@test_case(points=1, hidden=True)
def test_disagreement_single_member(ensemble_disagreement):
    import numpy as np
    p = np.array([[0.3, 0.7]])
    got = np.asarray(ensemble_disagreement(p), dtype=float)
    assert got.size == 1 and abs(float(got.reshape(-1)[0])) < 1e-12 and np.isfinite(got).all(), 'a single member (K = 1) has disagreement 0 (got {!r}); avoid dividing by the number of pairs when it is 0'.format(got)

