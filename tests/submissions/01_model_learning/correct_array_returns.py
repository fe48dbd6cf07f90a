"""Correct: returns numpy arrays instead of ints (size-1 state array, (s, a) array row),
np.random.choice over the sampled support, argwhere for visited pairs."""

import numpy as np

q1_1 = "a"
q1_2 = 1600
q2_1 = 5 / 8
q3_2 = 738
q3_3 = "TFFT"
q4_1 = "d"


class TabularModel:
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
        if not self.visit_counts[s, a] > 0:
            return None, None
        support = np.flatnonzero(self.transition_counts[s, a])
        weights = self.transition_counts[s, a, support] / self.visit_counts[s, a]
        s_prime = np.random.choice(support, size=1, p=weights)
        return s_prime, np.array(self.reward_sum[s, a] / self.visit_counts[s, a])

    def sample_experienced(self):
        visited = np.argwhere(self.visit_counts > 0)
        if len(visited) == 0:
            return None
        return visited[np.random.randint(len(visited))]


def model_error(transition_counts, P_true):
    counts = np.asarray(transition_counts, dtype=float)
    visits = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_hat = counts / visits
        tv = 0.5 * np.abs(p_hat - P_true).sum(axis=-1)
    if np.all(np.isnan(tv)):
        return np.nan
    return np.nanmean(tv)
