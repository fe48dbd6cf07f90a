"""Correct, with its own bookkeeping: Counters, a prediction cache, dicts, random tie-breaking."""

import itertools
import math
import random
from collections import Counter

import numpy as np


def bootstrap_counts(transitions, n_states, n_actions):
    rows = [(int(s), int(a), int(s2)) for s, a, _, s2 in transitions]
    drawn = Counter(random.choice(rows) for _ in range(len(rows)))
    counts = np.zeros((n_states, n_actions, n_states), dtype=int)
    for (s, a, s2), k in drawn.items():
        counts[s, a, s2] = k
    return counts


def ensemble_disagreement(member_probs):
    p = np.asarray(member_probs, dtype=float)
    pairs = list(itertools.combinations(range(p.shape[0]), 2))
    if not pairs:
        return np.zeros(p.shape[1:-1])
    tv = {(i, j): 0.5 * np.abs(p[i] - p[j]).sum(axis=-1) for i, j in pairs}
    return np.mean(list(tv.values()), axis=0)


def random_shooting_action(model, state, horizon, n_candidates, gamma=1.0):
    cache = {}

    def predict(s, a):
        if (s, a) not in cache:
            cache[(s, a)] = model.predict(s, a)
        return cache[(s, a)]

    returns = {}
    for k in range(n_candidates):
        seq = tuple(random.randrange(model.n_actions) for _ in range(horizon))
        total, s = 0.0, state
        for t, a in enumerate(seq):
            s_next, r = predict(s, a)
            if s_next is None:
                break
            total += gamma**t * r
            s = s_next
        returns[(k, seq)] = total
    best = max(returns.values())
    winners = [seq[0] for (k, seq), v in returns.items() if v == best]
    return random.choice(winners)


def uct_select(visits, value_sums, c=1.4):
    stats = {
        i: (float(n), float(w)) for i, (n, w) in enumerate(zip(visits, value_sums, strict=True))
    }
    unvisited = [i for i, (n, _) in stats.items() if n == 0]
    if unvisited:
        return unvisited[-1]
    parent = sum(n for n, _ in stats.values())
    scores = {i: w / n + c * math.sqrt(math.log(parent) / n) for i, (n, w) in stats.items()}
    top = max(scores.values())
    return random.choice([i for i, v in scores.items() if v == top])


q1_3 = "b"
q2_2 = "d"
q3_1 = "a"
q4_2 = "c"
q5_1 = "c"
q5_2 = "b"
