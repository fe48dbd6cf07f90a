"""Plain Python: the random module, Python ints and floats, loops instead of numpy calls, a
dict-based count model, and a list returned by run_episodes."""

import random

import numpy as np


class TabularModel:
    def __init__(self, n_states, n_actions):
        self.n_states = n_states
        self.n_actions = n_actions
        self.outcomes = {}  # (s, a) -> {s_prime: count}
        self.rewards = {}  # (s, a) -> total reward
        self.pairs = []  # visited pairs, in order of first visit
        self.visit_counts = np.zeros((n_states, n_actions))

    def update(self, s, a, r, s_prime):
        key = (int(s), int(a))
        if key not in self.outcomes:
            self.outcomes[key] = {}
            self.rewards[key] = 0.0
            self.pairs.append(key)
        counts = self.outcomes[key]
        counts[int(s_prime)] = counts.get(int(s_prime), 0) + 1
        self.rewards[key] += float(r)
        self.visit_counts[key] += 1

    def predict(self, s, a):
        key = (int(s), int(a))
        if key not in self.outcomes:
            return None, None
        counts = self.outcomes[key]
        total = sum(counts.values())
        pick = random.randrange(total)
        for s_prime, c in counts.items():  # noqa: B007 - s_prime is returned
            if pick < c:
                break
            pick -= c
        return s_prime, self.rewards[key] / total

    def sample_experienced(self):
        if not self.pairs:
            return None
        return random.choice(self.pairs)


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

    def best_value(self, s):
        best = None
        for a in range(self.n_actions):
            v = float(self.Q[s, a])
            if best is None or v > best:
                best = v
        return best

    def select_action(self, state):
        if random.random() < self.epsilon:
            return random.randrange(self.n_actions)
        m = self.best_value(state)
        return random.choice([a for a in range(self.n_actions) if float(self.Q[state, a]) == m])

    def learn(self, s, a, target):
        self.Q[s, a] = float(self.Q[s, a]) + self.alpha * (target - float(self.Q[s, a]))

    def update(self, s, a, r, s_prime, done):
        if done:
            self.learn(s, a, float(r))
        else:
            self.learn(s, a, float(r) + self.gamma * self.best_value(s_prime))
        self.model.update(s, a, r, s_prime)
        for _ in range(self.planning_steps):
            pair = self.model.sample_experienced()
            if pair is None:
                break
            s_hat, r_hat = self.model.predict(pair[0], pair[1])
            self.learn(pair[0], pair[1], r_hat + self.gamma * self.best_value(s_hat))


def run_episodes(agent, env, n_episodes, max_steps=10_000):
    result = []
    episode = 0
    while episode < n_episodes:
        s = env.reset()[0]
        count = 0
        while True:
            a = agent.select_action(s)
            out = env.step(a)
            agent.update(s, a, out[1], out[0], out[2])
            count += 1
            s = out[0]
            if out[2] or out[3] or count == max_steps:
                break
        result.append(count)
        episode += 1
    return result


q2_2 = "c"
q3_1 = "d"
q3_2 = "a"
q3_3 = 21 * 500
