"""Correct: default_rng kept on the model, inverse-CDF sampling, flat indices, Python ints,
vectorised nan-aware model_error, answers in other accepted formats."""

import numpy as np

q1_1 = " A "
q1_2 = 1600.0
q2_1 = np.float64(0.625)
q3_2 = np.int64(738)
q3_3 = "t f f t"
q4_1 = "D"


class TabularModel:
    def __init__(self, n_states, n_actions):
        self.n_states = n_states
        self.n_actions = n_actions
        self.rng = np.random.default_rng()
        self.transition_counts = np.zeros((n_states, n_actions, n_states), dtype=np.int64)
        self.reward_sum = np.zeros((n_states, n_actions))
        self.visit_counts = np.zeros((n_states, n_actions), dtype=np.int64)

    def update(self, s, a, r, s_prime):
        np.add.at(self.transition_counts, (s, a, s_prime), 1)
        self.reward_sum[s, a] = self.reward_sum[s, a] + r
        self.visit_counts[s, a] = self.transition_counts[s, a].sum()

    def predict(self, s, a):
        n = self.visit_counts[s, a]
        if n <= 0:
            return None, None
        cdf = np.cumsum(self.transition_counts[s, a]) / n
        s_prime = int(np.searchsorted(cdf, self.rng.random() * cdf[-1], side="right"))
        return min(s_prime, self.n_states - 1), float(self.reward_sum[s, a] / n)

    def sample_experienced(self):
        flat = np.flatnonzero(self.visit_counts.ravel() > 0)
        if flat.size == 0:
            return None
        s, a = divmod(int(flat[self.rng.integers(flat.size)]), self.n_actions)
        return s, a


def model_error(transition_counts, P_true):
    counts = np.asarray(transition_counts, dtype=float)
    visits = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_hat = counts / visits
        tv = 0.5 * np.abs(p_hat - P_true).sum(axis=-1)
    if np.all(np.isnan(tv)):
        return np.nan
    return np.nanmean(tv)
