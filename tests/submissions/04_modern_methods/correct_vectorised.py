"""Correct, vectorised with numpy and a local default_rng (another RNG call order)."""

import numpy as np


def bootstrap_counts(transitions, n_states, n_actions):
    rng = np.random.default_rng()
    data = np.asarray(transitions, dtype=float).reshape(-1, 4).astype(int)
    idx = rng.choice(len(data), size=len(data), replace=True) if len(data) else np.zeros(0, int)
    rows = data[idx]
    flat = (rows[:, 0] * n_actions + rows[:, 1]) * n_states + rows[:, 3]
    counts = np.bincount(flat, minlength=n_states * n_actions * n_states)
    return counts.reshape(n_states, n_actions, n_states)


def ensemble_disagreement(member_probs):
    p = np.asarray(member_probs, dtype=float)
    k = p.shape[0]
    tv = 0.5 * np.abs(p[:, None] - p[None, :]).sum(axis=-1)  # (K, K, ...)
    i, j = np.triu_indices(k, 1)
    if len(i) == 0:
        return np.zeros(p.shape[1:-1])
    return tv[i, j].mean(axis=0)


def random_shooting_action(model, state, horizon, n_candidates, gamma=1.0):
    rng = np.random.default_rng()
    seqs = rng.integers(0, model.n_actions, size=(n_candidates, horizon))
    discounts = gamma ** np.arange(horizon)
    returns = np.zeros(n_candidates)
    for k in range(n_candidates):
        s, rewards = state, np.zeros(horizon)
        for t in range(horizon):
            s, r = model.predict(s, int(seqs[k, t]))
            if s is None:
                break
            rewards[t] = r
        returns[k] = rewards @ discounts
    best = np.flatnonzero(returns == returns.max())
    return int(seqs[rng.choice(best), 0])  # random tie-breaking


def uct_select(visits, value_sums, c=1.4):
    n = np.asarray(visits, dtype=float)
    w = np.asarray(value_sums, dtype=float)
    if (n == 0).any():
        return int(np.random.choice(np.flatnonzero(n == 0)))  # a random unvisited child
    score = w / n + c * np.sqrt(np.log(n.sum()) / n)
    return int(score.argmax())


q1_3 = "b"
q2_2 = "d"
q3_1 = "a"
q4_2 = "c"
q5_1 = "c"
q5_2 = "b"
