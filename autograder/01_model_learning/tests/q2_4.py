from otter.test_files import test_case

OK_FORMAT = False

name = "q2_4"
points = 3

@test_case(points=0, hidden=False)
def test_sample_experienced_public(TabularModel):
    import numpy as np
    m = TabularModel(4, 2)
    assert m.sample_experienced() is None, 'sample_experienced() should return None when nothing has been visited yet.'
    vc = np.zeros((4, 2))
    vc[2, 1] = 3
    tc = np.zeros((4, 2, 4))
    tc[2, 1, 0] = 3
    m.transition_counts = tc
    m.reward_sum = np.zeros((4, 2))
    m.visit_counts = vc
    out = m.sample_experienced()
    assert out is not None and len(out) == 2, 'sample_experienced() should return a pair (s, a).'
    pair = tuple((int(np.asarray(x).reshape(-1)[0]) for x in out))
    assert pair == (2, 1), f'Only (2, 1) was visited, so sample_experienced() should return (2, 1), got {out!r}.'

@test_case(points=1, hidden=True)
def test_sample_experienced_none_when_empty(TabularModel):
    m = TabularModel(5, 3)
    out = m.sample_experienced()
    assert out is None, f'sample_experienced() should return None when no pair was visited, got {out!r}.'

@test_case(points=1, hidden=True)
def test_sample_experienced_only_visited_pairs(TabularModel):
    import numpy as np
    n_states, n_actions = (5, 2)
    m = TabularModel(n_states, n_actions)
    tc = np.zeros((n_states, n_actions, n_states))
    tc[0, 1, 1] = 50
    tc[3, 0, 3] = 1
    tc[4, 1, 0] = 1
    m.transition_counts = tc
    m.reward_sum = np.zeros((n_states, n_actions))
    m.visit_counts = tc.sum(axis=2)
    visited = {(0, 1), (3, 0), (4, 1)}
    for _ in range(2000):
        out = m.sample_experienced()
        assert out is not None and len(out) == 2, f'sample_experienced() should return a pair (s, a), got {out!r}.'
        pair = []
        for x in out:
            arr = np.asarray(x)
            assert arr.size == 1 and np.issubdtype(arr.dtype, np.integer), f'sample_experienced() should return integer s and a, got {out!r}.'
            pair.append(int(arr.reshape(-1)[0]))
        assert tuple(pair) in visited, f'sample_experienced() returned {tuple(pair)}, which was never visited: only pairs with visit_counts > 0 may be returned.'

@test_case(points=1, hidden=True)
def test_sample_experienced_uniform_over_visited(TabularModel):
    import numpy as np
    n_states, n_actions = (5, 2)
    m = TabularModel(n_states, n_actions)
    tc = np.zeros((n_states, n_actions, n_states))
    tc[0, 1, 1] = 50
    tc[3, 0, 3] = 1
    tc[4, 1, 0] = 1
    m.transition_counts = tc
    m.reward_sum = np.zeros((n_states, n_actions))
    m.visit_counts = tc.sum(axis=2)
    visited = [(0, 1), (3, 0), (4, 1)]
    hits = {pair: 0 for pair in visited}
    for _ in range(2000):
        out = m.sample_experienced()
        if out is None or len(out) != 2:
            continue
        pair = (int(np.asarray(out[0]).reshape(-1)[0]), int(np.asarray(out[1]).reshape(-1)[0]))
        if pair in hits:
            hits[pair] += 1
    n = sum(hits.values())
    assert n >= 30, 'sample_experienced() hardly ever returned a visited pair.'
    for pair in visited:
        freq, p = (hits[pair] / n, 1 / 3)
        tol = 6 * np.sqrt(p * (1 - p) / n)
        assert abs(freq - p) <= tol, f'sample_experienced() should pick uniformly among the distinct visited pairs: {pair} came up {freq:.0%} of the time, expected about 33%. (Visited 50 times or once, every visited pair is equally likely; weighting by visit counts is a common mistake.)'

