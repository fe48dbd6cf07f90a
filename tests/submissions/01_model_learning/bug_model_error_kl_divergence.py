"""Bug: model_error() uses the KL divergence instead of the TV distance."""

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
        experienced = np.where(self.visit_counts > 0)
        if len(experienced[0]) == 0:
            return None
        idx = np.random.randint(len(experienced[0]))
        return experienced[0][idx], experienced[1][idx]


def model_error(transition_counts, P_true):
    counts = np.asarray(transition_counts, dtype=float)
    P = np.asarray(P_true, dtype=float)
    n = counts.sum(axis=2)
    visited = n > 0
    if not visited.any():
        return float("nan")
    P_hat = counts[visited] / n[visited][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(P_hat > 0, P_hat * np.log(P_hat / P[visited]), 0.0)
    return float(np.mean(terms.sum(axis=1)))
