from otter.test_files import test_case

OK_FORMAT = False

name = "q2_3"
points = 5

@test_case(points=0, hidden=False, 
    success_message="Public checks of predict passed (an unvisited pair, a one-outcome pair, a 50/50 and a 75/25 pair sampled 400 times each). The grade also checks other counts, more samples, mean rewards and that predict leaves the counts alone.")
def test_predict_public(TabularModel):
    """predict() returns (None, None) unvisited, the mean reward, and SAMPLES next states by counts.

    Checks: TabularModel.predict
    """
    import random
    import numpy as np
    from mbrl_envs.checking import Checks
    np.random.seed(0)
    random.seed(0)
    with Checks() as check:
        m = check.call('TabularModel', TabularModel, 4, 2)
        for args in [(1, 0, 1.0, 2), (1, 0, 2.0, 2), (0, 1, 0.0, 1), (0, 1, 0.0, 3)]:
            check.call('m.update', m.update, *args)
        tc = np.asarray(m.transition_counts, dtype=float)
        vc = np.asarray(m.visit_counts, dtype=float)
        check.require(tc.shape == (4, 2, 4) and vc.shape == (4, 2) and np.array_equal(tc.sum(axis=2), vc) and (vc[1, 0] == 2) and (vc[0, 1] == 2) and (vc.sum() == 4) and (tc[1, 0, 2] == 2), 'These checks feed transitions through update(), and after four updates the counts are not right yet: fix update() first (question 2.2, grader.check("q2_2")).')

        def parts(out, call):
            """(s_prime, r_hat) as numbers (None stays None); records a malformed return."""
            if not check.expect(isinstance(out, (tuple, list, np.ndarray)) and len(out) == 2, f'{call} should return a pair (s_prime, r_hat), got {out!r}.'):
                return None
            return tuple((None if x is None else float(np.asarray(x, dtype=float).reshape(-1)[0]) for x in out))
        out = check.call('m.predict', m.predict, 3, 1)
        got = parts(out, 'predict(3, 1)')
        if got is not None:
            check.expect(got == (None, None), f'predict(3, 1) on a pair that was never visited should return (None, None), got {out!r}.')
        got = parts(check.call('m.predict', m.predict, 1, 0), 'predict(1, 0)')
        if got is not None:
            check.expect(got[0] == 2, f'(1, 0) always led to state 2, so predict(1, 0) should return s_prime = 2, got {got[0]!r}.')
            check.expect(got[1] is not None and abs(got[1] - 1.5) < 1e-09, f'After rewards 1.0 and 2.0 for (1, 0), r_hat should be their mean 1.5 (reward_sum / visit_counts), got {got[1]!r}.')
        n = 400
        outs = [parts(check.call('m.predict', m.predict, 0, 1), 'predict(0, 1)') for _ in range(n)]
        draws = [o[0] for o in outs if o is not None]
        others = sorted({d for d in draws if d not in (1, 3)}, key=str)
        check.expect(not others, f'(0, 1) only ever led to states 1 and 3, but predict(0, 1) also returned {others}.')
        share = draws.count(1) / n
        check.expect(abs(share - 0.5) <= 0.14, f'(0, 1) led once to state 1 and once to state 3, so predict(0, 1) should SAMPLE each about half the time; in {n} calls state 1 came up {share:.0%} of the time. Sample s_prime from P^(.|s,a) (np.random.choice(n_states, p=probs)); always returning the most frequent state is a common mistake.')
        for s_next, r in [(1, 1.0), (1, 1.0), (3, 0.0), (1, 1.0)]:
            check.call('m.update', m.update, 2, 0, r, s_next)
        outs = [parts(check.call('m.predict', m.predict, 2, 0), 'predict(2, 0)') for _ in range(n)]
        outs = [o for o in outs if o is not None]
        rewards = sorted({None if o[1] is None else round(o[1], 9) for o in outs}, key=str)
        check.expect(rewards == [0.75], f'After rewards 1.0, 1.0, 0.0 and 1.0 for (2, 0), r_hat should always be their mean 0.75 (reward_sum / visit_counts), but predict(2, 0) returned r_hat values {rewards[:4]}.')
        draws = [o[0] for o in outs]
        share = draws.count(1) / n
        check.expect(set(draws) <= {1, 3} and abs(share - 0.75) <= 0.14, f"(2, 0) led three times to state 1 and once to state 3, so predict(2, 0) should return state 1 about 75% of the time; in {n} calls it did {share:.0%} of the time (and returned states {sorted(set(draws), key=str)}). Weight the next states by their counts: P^(s'|s,a) = N(s,a,s')/N(s,a).")

@test_case(points=0.5, hidden=True)
def test_predict_unvisited_returns_none(TabularModel):
    """predict() on pairs never updated returns (None, None).

    Checks: TabularModel.predict
    """
    from mbrl_grader.fakes.model_learning import fed_model
    m, candidates = fed_model(TabularModel, 5, 2, [(0, 1, 1.0, 3), (2, 0, 0.0, 2), (0, 1, 0.0, 3)])
    unvisited = [(0, 0), (4, 1), (2, 1)]
    for s, a in unvisited:
        out = m.predict(s, a)
        ok = out is not None and len(out) == 2 and (out[0] is None) and (out[1] is None)
        if not ok and len(candidates) > 1 and candidates[1].visited[s, a]:
            continue
        assert ok, f'predict({s}, {a}) for a pair that was never visited should return (None, None), got {out!r}.'

@test_case(points=1.5, hidden=True)
def test_predict_mean_reward(TabularModel):
    """predict() returns the MEAN observed reward reward_sum / visit_counts as r_hat.

    Checks: TabularModel.predict
    """
    import numpy as np
    from mbrl_grader.fakes.model_learning import UPDATE_NOTE, fed_model, is_none_pair, own_counts_undefined, student_calls
    data = [(0, 1, 1.0, 3), (0, 1, 0.0, 3), (0, 1, 1.0, 3), (0, 1, 0.0, 3), (2, 0, -1.0, 1), (2, 0, 0.0, 2), (2, 0, -0.5, 2)]
    m, candidates = fed_model(TabularModel, 5, 2, data)
    sums = {(0, 1): 2.0, (2, 0): -1.5}
    for pair in [(0, 1), (2, 0)]:
        outs, error = student_calls(m.predict, pair, 5)
        if error is not None or any((is_none_pair(o) for o in outs)):
            if own_counts_undefined(candidates, pair):
                continue
            assert error is None, f'predict{pair} raised {error}.'
        for out in outs:
            assert isinstance(out, (tuple, list)) and len(out) == 2, f'predict{pair} should return (s_prime, r_hat), got {out!r}.'
            assert not is_none_pair(out), f'predict{pair} returned (None, None), but {pair} was visited.'
            try:
                got = float(np.asarray(out[1], dtype=float).reshape(-1)[0])
            except (TypeError, ValueError):
                raise AssertionError(f'predict{pair} should return r_hat as a number, got {out[1]!r}.') from None
            wants = [float(c.mean_reward[pair]) for c in candidates]
            if any((abs(got - w) < 1e-09 for w in wants if np.isfinite(w))):
                continue
            hint = ''
            if abs(got - sums[pair]) < 1e-09:
                hint = ' You returned the SUM of the rewards: divide it by visit_counts[s, a].'
            raise AssertionError(f'predict{pair} should return the MEAN observed reward reward_sum / visit_count = {wants[0]:g}, got {got:g}.{hint}' + (UPDATE_NOTE if len(candidates) > 1 else ''))

@test_case(points=2.5, hidden=True)
def test_predict_samples_next_state_from_counts(TabularModel):
    """predict() samples s' with probability N(s,a,s')/N(s,a) (3000 draws, false alarm < 1e-6).

    Checks: TabularModel.predict
    """
    from mbrl_grader.fakes.model_learning import UPDATE_NOTE, fed_model, predict_verdict, student_calls
    data = [(1, 0, 0.0, 2), (1, 0, 0.0, 4), (1, 0, 0.0, 2), (1, 0, 1.0, 5), (3, 1, 0.0, 0), (3, 1, 0.0, 0), (3, 1, 0.0, 0)]
    m, candidates = fed_model(TabularModel, 6, 2, data)
    for pair, n in [((3, 1), 50), ((1, 0), 3000)]:
        outs, error = student_calls(m.predict, pair, n)
        if error is not None:
            if len(candidates) > 1:
                return
            raise AssertionError(f'predict{pair} raised {error}.')
        verdicts = [predict_verdict(outs, pair, c) for c in candidates]
        if any((v is None for v in verdicts)):
            continue
        raise AssertionError(verdicts[0] + (UPDATE_NOTE if len(candidates) > 1 else ''))

@test_case(points=0.5, hidden=True)
def test_predict_does_not_change_counts(TabularModel):
    """Calling predict() leaves transition_counts, reward_sum and visit_counts unchanged.

    Checks: TabularModel.predict
    """
    import numpy as np
    from mbrl_grader.fakes.model_learning import fed_model, student_calls
    data = [(0, 1, 1.0, 3), (0, 1, 0.0, 4), (0, 1, 0.0, 3), (2, 0, 0.5, 2)]
    m, candidates = fed_model(TabularModel, 5, 2, data)
    before = [np.array(np.asarray(x, dtype=float)) for x in (m.transition_counts, m.reward_sum, m.visit_counts)]
    for pair in [(0, 1), (2, 0), (4, 1)]:
        _, error = student_calls(m.predict, pair, 30)
        assert error is None or len(candidates) > 1, f'predict{pair} raised {error}.'
    after = [np.asarray(x, dtype=float) for x in (m.transition_counts, m.reward_sum, m.visit_counts)]
    same = all((b.shape == a.shape and np.allclose(b, a) for b, a in zip(before, after, strict=True)))
    assert same, "predict() changed the model's counts: predicting must only read transition_counts, reward_sum and visit_counts, never modify them."

