"""Own bookkeeping: a dict-based 'last outcome' model kept by the agent's own TabularModel (a list
of seen pairs and a dict of counts), Python's random module everywhere, ties by shuffling the
actions, run_episodes counting episodes in a dict and returning a list."""

import random

import numpy as np


class TabularModel:
    """Counts in nested dicts plus a list of the pairs seen so far (no numpy arrays at all)."""

    def __init__(self, n_states, n_actions):
        self.n_states = n_states
        self.n_actions = n_actions
        self.counts = {}
        self.rewards = {}
        self.seen = []

    def update(self, s, a, r, s_prime):
        key = (int(s), int(a))
        if key not in self.counts:
            self.counts[key] = {}
            self.rewards[key] = 0.0
            self.seen.append(key)
        self.counts[key][int(s_prime)] = self.counts[key].get(int(s_prime), 0) + 1
        self.rewards[key] += float(r)

    def predict(self, s, a):
        key = (int(s), int(a))
        if key not in self.counts:
            return None, None
        outcomes = self.counts[key]
        total = sum(outcomes.values())
        pick = random.random() * total
        chosen = None
        for candidate, c in outcomes.items():
            chosen = candidate
            pick -= c
            if pick < 0:
                break
        return chosen, self.rewards[key] / total

    def sample_experienced(self):
        return random.choice(self.seen) if self.seen else None


class DynaQ:
    def __init__(
        self,
        n_states,
        n_actions,
        alpha=0.1,
        gamma=0.99,
        epsilon=0.1,
        planning_steps=10,
        model=None,
        initial_q=None,
    ):
        self.n_states = n_states
        self.n_actions = n_actions
        self.alpha = alpha
        self.gamma = gamma
        self.epsilon = epsilon
        self.planning_steps = planning_steps
        self.Q = (
            np.zeros((n_states, n_actions))
            if initial_q is None
            else np.array(initial_q, dtype=float)
        )
        self.model = TabularModel(n_states, n_actions) if model is None else model

    def select_action(self, state):
        if random.random() < self.epsilon:
            return random.randint(0, self.n_actions - 1)
        actions = list(range(self.n_actions))
        random.shuffle(actions)
        return max(actions, key=lambda a: self.Q[state][a])

    def update(self, s, a, r, s_prime, done):
        future = 0.0 if done else self.gamma * max(self.Q[s_prime])
        self.Q[s][a] += self.alpha * (r + future - self.Q[s][a])
        self.model.update(s, a, r, s_prime)
        for _ in range(self.planning_steps):
            pair = self.model.sample_experienced()
            if pair is None:
                break
            ps, pa = pair
            s_hat, r_hat = self.model.predict(ps, pa)
            self.Q[ps][pa] += self.alpha * (
                r_hat + self.gamma * max(self.Q[s_hat]) - self.Q[ps][pa]
            )


def run_episodes(agent, env, n_episodes, max_steps=10_000):
    counts = {}
    for episode in range(n_episodes):
        s, _ = env.reset()
        counts[episode] = 0
        finished = False
        while not finished and counts[episode] < max_steps:
            a = agent.select_action(s)
            s_next, r, terminated, truncated, _ = env.step(a)
            agent.update(s, a, r, s_next, terminated)
            counts[episode] += 1
            finished = terminated or truncated
            s = s_next
    return [counts[e] for e in range(n_episodes)]


q2_2 = "c"
q3_1 = "d"
q3_2 = "a"
q3_3 = 10_500
