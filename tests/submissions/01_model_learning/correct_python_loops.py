"""Correct: plain Python loops, Python's random module, Python ints and floats."""

import random

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
        self.transition_counts[s][a][s_prime] = self.transition_counts[s][a][s_prime] + 1
        self.reward_sum[s][a] = self.reward_sum[s][a] + float(r)
        self.visit_counts[s][a] = self.visit_counts[s][a] + 1

    def predict(self, s, a):
        n = float(self.visit_counts[s][a])
        if n == 0:
            return (None, None)
        u = random.random() * n
        running = 0.0
        chosen = None
        for s2 in range(self.n_states):
            c = float(self.transition_counts[s][a][s2])
            if c > 0:
                chosen = s2
                running += c
                if u < running:
                    break
        return (chosen, float(self.reward_sum[s][a]) / n)

    def sample_experienced(self):
        pairs = []
        for s in range(self.n_states):
            for a in range(self.n_actions):
                if self.visit_counts[s][a] > 0:
                    pairs.append((s, a))
        if not pairs:
            return None
        return random.choice(pairs)


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
