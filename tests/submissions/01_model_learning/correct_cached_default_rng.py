"""Correct: a default_rng generator, cached probability rows invalidated by update, lists as
returns ([s', r], [s, a]) with numpy scalars, a set of visited pairs sorted before sampling,
and an einsum-free vectorised model_error returning a numpy scalar."""

import numpy as np

q1_1 = "a"
q1_2 = np.int64(1600)
q2_1 = np.float64(5 / 8)
q3_2 = 738.0
q3_3 = "TFFT"
q4_1 = "D"


class TabularModel:
    def __init__(self, n_states, n_actions):
        self.n_states = n_states
        self.n_actions = n_actions
        self.transition_counts = np.zeros((n_states, n_actions, n_states))
        self.reward_sum = np.zeros((n_states, n_actions))
        self.visit_counts = np.zeros((n_states, n_actions))
        self._rng = np.random.default_rng()
        self._cache = {}
        self._visited = set()

    def update(self, s, a, r, s_prime):
        self.visit_counts[s, a] += 1
        self.transition_counts[s, a, s_prime] += 1
        self.reward_sum[s, a] += r
        self._cache.pop((s, a), None)
        self._visited.add((s, a))

    def _probs(self, s, a):
        if (s, a) not in self._cache:
            row = self.transition_counts[s, a]
            self._cache[(s, a)] = np.cumsum(row / row.sum())
        return self._cache[(s, a)]

    def predict(self, s, a):
        if (s, a) not in self._visited:
            return [None, None]
        cdf = self._probs(s, a)
        s_prime = np.searchsorted(cdf, self._rng.random() * cdf[-1], side="right")
        s_prime = min(s_prime, self.n_states - 1)
        return [np.int64(s_prime), self.reward_sum[s, a] / self.visit_counts[s, a]]

    def sample_experienced(self):
        if not self._visited:
            return None
        pairs = sorted(self._visited, reverse=True)
        s, a = pairs[self._rng.integers(len(pairs))]
        return [np.int32(s), np.int32(a)]


def model_error(transition_counts, P_true):
    counts = np.asarray(transition_counts, dtype=float)
    n = counts.sum(axis=-1)
    mask = n > 0
    if mask.sum() == 0:
        return np.float64("nan")
    p_hat = np.divide(counts, n[..., None], out=np.zeros_like(counts), where=n[..., None] > 0)
    tv = np.abs(p_hat - P_true).sum(axis=-1) / 2
    return np.sum(tv * mask) / np.sum(mask)
