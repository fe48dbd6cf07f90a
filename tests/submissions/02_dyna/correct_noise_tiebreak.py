"""Ties broken by tiny random noise added to the row, numpy-scalar returns, the model updated
before the direct RL update (both orders are fine: the direct update does not use the model),
a for-range step loop in run_episodes that returns a Python list of numpy ints."""

import numpy as np


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
        self.model = TabularModel(n_states, n_actions) if model is None else model  # noqa: F821 - defined in the notebook

    def select_action(self, state):
        if np.random.rand() < self.epsilon:
            return np.random.choice(self.n_actions)
        q = np.asarray(self.Q[state], dtype=float)
        ties = q == q.max()
        noise = np.random.rand(self.n_actions)
        return np.argmax(np.where(ties, noise, -1.0))

    def q_step(self, s, a, target):
        self.Q[s, a] = self.Q[s, a] + self.alpha * (target - self.Q[s, a])

    def update(self, s, a, r, s_prime, done):
        self.model.update(s, a, r, s_prime)
        self.q_step(s, a, r if done else r + self.gamma * np.max(self.Q[s_prime]))
        n = 0
        while n < self.planning_steps:
            pair = self.model.sample_experienced()
            if pair is None:
                return
            s_hat, r_hat = self.model.predict(*pair)
            self.q_step(pair[0], pair[1], r_hat + self.gamma * np.max(self.Q[s_hat]))
            n += 1


def run_episodes(agent, env, n_episodes, max_steps=10_000):
    lengths = []
    for _ in range(n_episodes):
        s = env.reset()[0]
        length = np.int64(0)
        for t in range(1, max_steps + 1):
            a = agent.select_action(s)
            s2, r, term, trunc, _ = env.step(a)
            agent.update(s, a, r, s2, term)
            s, length = s2, np.int64(t)
            if term or trunc:
                break
        lengths.append(length)
    return lengths


q2_2 = "C"
q3_1 = " d "
q3_2 = "a"
q3_3 = 10500.0
