"""Correct: own bookkeeping next to the arrays (a list of seen pairs, Counters of outcomes, a
dict of reward sums), Python's random module, answers as other accepted types."""

import random
from collections import Counter

import numpy as np

q1_1 = "A"
q1_2 = 1600.0
q2_1 = 0.625
q3_2 = 738
q3_3 = "t f f t"
q4_1 = " d"


class TabularModel:
    """Arrays kept up to date for the documented interface; predictions use own dicts."""

    def __init__(self, n_states, n_actions):
        self.n_states = n_states
        self.n_actions = n_actions
        self.transition_counts = np.zeros((n_states, n_actions, n_states))
        self.reward_sum = np.zeros((n_states, n_actions))
        self.visit_counts = np.zeros((n_states, n_actions))
        self.seen = []  # distinct visited pairs, in order of first visit
        self.outcomes = {}  # (s, a) -> Counter of next states
        self.rewards = {}  # (s, a) -> list of rewards

    def update(self, s, a, r, s_prime):
        self.transition_counts[s, a, s_prime] += 1
        self.reward_sum[s, a] += r
        self.visit_counts[s, a] += 1
        key = (int(s), int(a))
        if key not in self.outcomes:
            self.seen.append(key)
            self.outcomes[key] = Counter()
            self.rewards[key] = []
        self.outcomes[key][int(s_prime)] += 1
        self.rewards[key].append(float(r))

    def predict(self, s, a):
        key = (int(s), int(a))
        if key not in self.outcomes:
            return None, None
        states = list(self.outcomes[key])
        weights = [self.outcomes[key][x] for x in states]
        s_prime = random.choices(states, weights=weights)[0]
        rewards = self.rewards[key]
        return s_prime, sum(rewards) / len(rewards)

    def sample_experienced(self):
        if not self.seen:
            return None
        return random.choice(self.seen)


def model_error(transition_counts, P_true):
    counts = np.asarray(transition_counts, dtype=float)
    errors = []
    for s in range(counts.shape[0]):
        for a in range(counts.shape[1]):
            n = counts[s, a].sum()
            if n > 0:
                errors.append(np.abs(counts[s, a] / n - P_true[s, a]).sum() / 2)
    return np.mean(errors) if errors else np.nan
