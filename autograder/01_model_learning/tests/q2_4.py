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

@test_case(points=0.5, hidden=True)
def test_sample_experienced_none_when_empty(TabularModel):
    """sample_experienced() on a fresh model returns None.

    Checks: TabularModel.sample_experienced
    """
    m = TabularModel(5, 3)
    out = m.sample_experienced()
    assert out is None, f'sample_experienced() should return None when no pair was visited, got {out!r}.'

@test_case(points=1.5, hidden=True)
def test_sample_experienced_only_visited_pairs(TabularModel):
    """sample_experienced() returns integer pairs among the visited ones only (2000 calls).

    Checks: TabularModel.sample_experienced
    """
    from mbrl_grader.fakes.model_learning import as_pair, fed_model, outs_fit_pairs, student_calls, visited_pairs
    data = [(0, 1, 0.0, 1)] * 50 + [(3, 0, 0.0, 3), (4, 1, 1.0, 0), (2, 1, 0.0, 2), (2, 1, 0.0, 4), (2, 0, 0.0, 1)]
    m, candidates = fed_model(TabularModel, 5, 2, data)
    outs, error = student_calls(m.sample_experienced, (), 2000)
    assert error is None, f'sample_experienced() raised {error}.'
    if any((outs_fit_pairs(outs, c) for c in candidates)):
        return
    allowed = visited_pairs(candidates[0])
    for out in outs:
        pair = as_pair(out)
        assert pair is not None, f'sample_experienced() should return a pair of integers (s, a), got {out!r}.'
        assert pair in allowed, f'sample_experienced() returned {pair}, which was never visited: only pairs with visit_counts > 0 may be returned (planning would ask the model about a pair it knows nothing about).'

@test_case(points=1.5, hidden=True)
def test_sample_experienced_reaches_every_pair(TabularModel):
    """Every visited pair, even one visited once, comes up in 2000 calls of sample_experienced().

    Checks: TabularModel.sample_experienced
    """
    import numpy as np
    from mbrl_grader.fakes.model_learning import as_pair, fed_model, student_calls, visited_pairs
    data = [(0, 1, 0.0, 1)] * 50 + [(3, 0, 0.0, 3), (4, 1, 1.0, 0), (2, 1, 0.0, 2), (2, 1, 0.0, 4), (2, 0, 0.0, 1)]
    m, candidates = fed_model(TabularModel, 5, 2, data)
    outs, error = student_calls(m.sample_experienced, (), 2000)
    assert error is None, f'sample_experienced() raised {error}.'
    seen = {as_pair(out) for out in outs}
    if not any((visited_pairs(c) <= seen for c in candidates)):
        missing = sorted(visited_pairs(candidates[0]) - seen)
        raise AssertionError(f'In 2000 calls sample_experienced() never returned the visited pair(s) {missing}: pick at RANDOM among all visited pairs, so that planning can replay every one of them.')
    try:
        m.update(1, 0, 0.0, 2)
        visits = np.asarray(m.visit_counts, dtype=float)
    except Exception:
        return
    if visits.shape != (5, 2) or not visits[1, 0] > 0:
        return
    outs, error = student_calls(m.sample_experienced, (), 300)
    assert error is None, f'sample_experienced() raised {error}.'
    assert (1, 0) in {as_pair(out) for out in outs}, 'After one more update(1, 0, 0.0, 2) the newly visited pair (1, 0) never came up in 300 further calls of sample_experienced(): find the visited pairs from the counts on every call (a list built once misses pairs visited later).'

@test_case(points=0.5, hidden=True)
def test_sample_experienced_uniform_over_visited(TabularModel):
    """Visited pairs come up equally often whatever their visit counts (false alarm < 1e-6).

    Checks: TabularModel.sample_experienced
    """
    import numpy as np
    from mbrl_grader.checks import hoeffding_tolerance
    from mbrl_grader.fakes.model_learning import as_pair, fed_model, student_calls, visited_pairs
    data = [(0, 1, 0.0, 1)] * 50 + [(3, 0, 0.0, 3), (4, 1, 1.0, 0), (2, 1, 0.0, 2), (2, 1, 0.0, 4), (2, 0, 0.0, 1)]
    m, candidates = fed_model(TabularModel, 5, 2, data)
    outs, error = student_calls(m.sample_experienced, (), 4000)
    assert error is None, f'sample_experienced() raised {error}.'
    pairs = [as_pair(out) for out in outs]
    for c in candidates:
        visited = sorted(visited_pairs(c))
        if not visited:
            if all((out is None for out in outs)):
                return
            continue
        hits = np.array([pairs.count(p) for p in visited], dtype=float)
        n = hits.sum()
        if n < 0.9 * len(pairs):
            continue
        t = hoeffding_tolerance(int(n), len(visited), 1e-06)
        if np.all(np.abs(hits / n - 1 / len(visited)) <= t):
            return
    visited = sorted(visited_pairs(candidates[0]))
    shares = {p: pairs.count(p) / len(pairs) for p in visited}
    worst = max(visited, key=lambda p: abs(shares[p] - 1 / len(visited)))
    if shares[0, 1] > 0.5:
        hint = '(0, 1), visited 50 times, came up {:.0%} of the time: do not weight the pairs by their visit counts.'.format(shares[0, 1])
    else:
        hint = '{} came up {:.0%} of the time: pick ONE pair uniformly from the list of all visited pairs (choosing a state first and then one of its actions, for example, favours pairs whose state has few visited actions).'.format(worst, shares[worst])
    raise AssertionError(f'sample_experienced() should pick uniformly among the distinct visited pairs: with (0, 1) visited 50 times and the other pairs once or twice (two of them in state 2), each of the {len(visited)} pairs should come up about {1 / len(visited):.0%} of the time. ' + hint)

