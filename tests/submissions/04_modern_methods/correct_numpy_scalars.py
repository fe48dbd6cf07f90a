"""Correct, returning numpy scalars; ties go to the LAST best; lazily drawn actions; default_rng."""

import numpy as np


def bootstrap_counts(transitions, n_states, n_actions):
    data = np.asarray(transitions, dtype=float).reshape(-1, 4)
    counts = np.zeros((n_states, n_actions, n_states))
    if data.shape[0] == 0:
        return counts
    idx = np.random.choice(data.shape[0], data.shape[0])
    for i in idx:
        counts[int(data[i, 0]), int(data[i, 1]), int(data[i, 3])] += 1.0
    return counts


def ensemble_disagreement(member_probs):
    p = np.asarray(member_probs, dtype=float)
    k = p.shape[0]
    n_pairs = k * (k - 1) // 2
    total = 0.0
    for i in range(k - 1):
        total = total + 0.5 * np.abs(p[i + 1 :] - p[i]).sum(axis=-1).sum(axis=0)
    if n_pairs == 0:
        return np.float64(0.0) if p.ndim == 2 else np.zeros(p.shape[1:-1])
    return total / n_pairs


def random_shooting_action(model, state, horizon, n_candidates, gamma=1.0):
    rng = np.random.default_rng()
    best_value, best_first = None, None
    for _ in range(n_candidates):
        first = rng.integers(model.n_actions)  # actions drawn lazily, only while the model knows
        a, s, value, discount = first, state, 0.0, 1.0
        for t in range(horizon):
            if t > 0:
                a = rng.integers(model.n_actions)
            s_next, r = model.predict(s, int(a))
            if s_next is None:
                break
            value += discount * r
            discount *= gamma
            s = s_next
        if best_value is None or value >= best_value:  # ties: the last one wins
            best_value, best_first = value, first
    return best_first  # a numpy integer


def uct_select(visits, value_sums, c=1.4):
    n = np.array(visits, dtype=float)
    w = np.array(value_sums, dtype=float)
    if np.any(n == 0):
        return np.flatnonzero(n == 0)[-1]
    score = w / n + c * np.sqrt(np.log(n.sum()) / n)
    return len(score) - 1 - np.argmax(score[::-1])  # ties: the last one wins


q1_3 = "b"
q2_2 = "d"
q3_1 = "a"
q4_2 = "c"
q5_1 = "c"
q5_2 = "b"
