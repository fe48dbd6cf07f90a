"""Bug: sample_experienced() draws uniformly over observed (s, a, s') triples, so pairs with more successors come up more often."""

import numpy as np

q1_1 = "a"
q1_2 = 1600
q2_1 = 5 / 8
q3_2 = 738
q3_3 = "TFFT"
q4_1 = "d"


class TabularModel:
    """The chapter's implementation layer, verbatim (global np.random)."""

    def __init__(self, n_states, n_actions):
        self.n_states = n_states
        self.n_actions = n_actions
        self.transition_counts = np.zeros((n_states, n_actions, n_states))
        self.reward_sum = np.zeros((n_states, n_actions))
        self.visit_counts = np.zeros((n_states, n_actions))

    def update(self, s, a, r, s_prime):
        self.transition_counts[s, a, s_prime] += 1
        self.reward_sum[s, a] += r
        self.visit_counts[s, a] += 1

    def predict(self, s, a):
        if self.visit_counts[s, a] == 0:
            return None, None
        probs = self.transition_counts[s, a] / self.visit_counts[s, a]
        s_prime = np.random.choice(self.n_states, p=probs)
        r = self.reward_sum[s, a] / self.visit_counts[s, a]
        return s_prime, r

    def sample_experienced(self):
        triples = np.argwhere(self.transition_counts > 0)
        if len(triples) == 0:
            return None
        s, a, _ = triples[np.random.randint(len(triples))]
        return int(s), int(a)


def model_error(transition_counts, P_true):
    n_states, n_actions, _ = np.shape(transition_counts)
    total, pairs = 0.0, 0
    for s in range(n_states):
        for a in range(n_actions):
            n = 0
            for s2 in range(n_states):
                n += transition_counts[s][a][s2]
            if n == 0:
                continue
            diff = 0.0
            for s2 in range(n_states):
                diff += abs(transition_counts[s][a][s2] / n - P_true[s][a][s2])
            total += diff / 2
            pairs += 1
    if pairs == 0:
        return float("nan")
    return total / pairs
