"""random_shooting_action counts candidates in a while loop whose counter is never incremented (a hang)."""

import math

import numpy as np


def bootstrap_counts(transitions, n_states, n_actions):
    counts = np.zeros((n_states, n_actions, n_states))
    n = len(transitions)
    for _ in range(n):
        s, a, r, s_prime = transitions[np.random.randint(n)]
        counts[int(s), int(a), int(s_prime)] += 1
    return counts


def ensemble_disagreement(member_probs):
    p = np.array(member_probs, dtype=float)
    k = p.shape[0]
    if k == 1:
        return np.zeros(p.shape[1:-1])
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            pairs.append(0.5 * np.sum(np.abs(p[i] - p[j]), axis=-1))
    return sum(pairs) / len(pairs)


def random_shooting_action(model, state, horizon, n_candidates, gamma=1.0):
    best_return = None
    best_action = None
    tried = 0
    while tried < n_candidates:  # `tried += 1` forgotten
        actions = [np.random.randint(model.n_actions) for _ in range(horizon)]
        s = state
        total = 0.0
        for t, a in enumerate(actions):
            s_next, r = model.predict(s, a)
            if s_next is None:
                break
            total += gamma**t * r
            s = s_next
        if best_return is None or total > best_return:
            best_return = total
            best_action = actions[0]
    return int(best_action)


def uct_select(visits, value_sums, c=1.4):
    for i, n in enumerate(visits):
        if n == 0:
            return i
    parent = sum(visits)
    best, best_score = 0, -math.inf
    for i, (n, w) in enumerate(zip(visits, value_sums, strict=True)):
        score = w / n + c * math.sqrt(math.log(parent) / n)
        if score > best_score:
            best, best_score = i, score
    return best


q1_3 = " B "
q2_2 = "d"
q3_1 = "a"
q4_2 = "c"
q5_1 = "c"
q5_2 = "b"
