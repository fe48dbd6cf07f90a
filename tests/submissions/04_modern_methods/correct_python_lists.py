"""Correct, plain Python: the random module, lists instead of arrays, ordered pairs."""

import math
import random


def bootstrap_counts(transitions, n_states, n_actions):
    rows = [tuple(row) for row in transitions]
    counts = [[[0] * n_states for _ in range(n_actions)] for _ in range(n_states)]
    for s, a, _, s2 in random.choices(rows, k=len(rows)) if rows else []:
        counts[int(s)][int(a)][int(s2)] += 1
    return counts


def _tv(p, q):
    if isinstance(p[0], (list, tuple)) or hasattr(p[0], "__len__"):
        return [_tv(x, y) for x, y in zip(p, q, strict=True)]
    return 0.5 * sum(abs(float(x) - float(y)) for x, y in zip(p, q, strict=True))


def _add(a, b):
    if isinstance(a, list):
        return [_add(x, y) for x, y in zip(a, b, strict=True)]
    return a + b


def _scale(a, f):
    if isinstance(a, list):
        return [_scale(x, f) for x in a]
    return a * f


def ensemble_disagreement(member_probs):
    members = [m.tolist() if hasattr(m, "tolist") else m for m in member_probs]
    k = len(members)
    total, count = None, 0
    for i in range(k):  # all ORDERED pairs i != j, then divide by K(K-1)
        for j in range(k):
            if i != j:
                d = _tv(members[i], members[j])
                total = d if total is None else _add(total, d)
                count += 1
    if total is None:
        return _scale(_tv(members[0], members[0]), 0.0)
    return _scale(total, 1.0 / count)


def random_shooting_action(model, state, horizon, n_candidates, gamma=1.0):
    best = (-math.inf, 0)
    for _ in range(n_candidates):
        seq = [random.randrange(model.n_actions) for _ in range(horizon)]
        total, s, discount = 0.0, state, 1.0
        for a in seq:
            s, r = model.predict(s, a)
            if s is None:
                break
            total, discount = total + discount * r, discount * gamma
        if total > best[0]:
            best = (total, seq[0])
    return best[1]


def uct_select(visits, value_sums, c=1.4):
    unvisited = [i for i, n in enumerate(visits) if n == 0]
    if unvisited:
        return random.choice(unvisited)
    log_n = math.log(sum(visits))
    scores = [w / n + c * math.sqrt(log_n / n) for n, w in zip(visits, value_sums, strict=True)]
    return scores.index(max(scores))


q1_3 = "b"
q2_2 = "D"
q3_1 = "a"
q4_2 = "C"
q5_1 = "c"
q5_2 = "b"
