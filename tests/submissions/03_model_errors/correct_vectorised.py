"""Correct: numpy throughout (vectorised tau bookkeeping, einsum), untried actions added as one
batch, rewards accumulated with np.cumsum after the loop, answers in upper case."""

import numpy as np

q1_1 = "C"
q2_1 = "A"
q4_3 = "B"


def bonus_reward(r, tau, kappa):
    return np.add(r, np.multiply(kappa, np.sqrt(tau)))


class DynaQPlus:
    def __init__(
        self, n_states, n_actions, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=10, kappa=1e-3
    ):
        self.n_states, self.n_actions = n_states, n_actions
        self.alpha, self.gamma, self.epsilon = alpha, gamma, epsilon
        self.planning_steps, self.kappa = planning_steps, kappa
        self.Q = np.zeros((n_states, n_actions))
        self.model = DeterministicModel(n_states, n_actions)  # noqa: F821 (given in the notebook)
        self.tau = np.zeros((n_states, n_actions), dtype=int)
        self.seen_states = set()

    def select_action(self, state):
        if np.random.rand() < self.epsilon:
            return int(np.random.choice(self.n_actions))
        q = self.Q[state]
        ties = np.nonzero(np.isclose(q, q.max(), rtol=0, atol=0))[0]
        return int(ties[np.random.randint(ties.size)])

    def update(self, s, a, r, s_prime, done):
        self.tau = self.tau + 1
        self.tau[s, a] = 0
        target = r + (0.0 if done else self.gamma * np.max(self.Q[s_prime]))
        self.Q[s, a] += self.alpha * (target - self.Q[s, a])
        if s not in self.seen_states:
            self.seen_states.add(s)
            untried = np.setdiff1d(np.arange(self.n_actions), [a])
            for b in untried:
                self.model.update(s, int(b), 0.0, s)
        self.model.update(s, a, r, s_prime)
        for _ in range(self.planning_steps):
            s_sim, a_sim = self.model.sample_experienced()
            s_next, r_hat = self.model.predict(s_sim, a_sim)
            r_plus = bonus_reward(r_hat, self.tau[s_sim, a_sim], self.kappa)
            self.Q[s_sim, a_sim] += self.alpha * (
                r_plus + self.gamma * self.Q[s_next].max() - self.Q[s_sim, a_sim]
            )


def cumulative_reward(agent, env, n_steps):
    rewards = np.zeros(n_steps)
    s, _ = env.reset()
    for t in range(n_steps):
        a = agent.select_action(s)
        s_next, rewards[t], terminated, truncated, _ = env.step(a)
        agent.update(s, a, rewards[t], s_next, terminated)
        s = env.reset()[0] if terminated or truncated else s_next
    return np.cumsum(rewards)


def k_step_distribution(T, start, policy, k):
    d = np.zeros(T.shape[0])
    d[start] = 1.0
    for _ in range(k):
        d = np.einsum("s,sa,sat->t", d, policy, T)
    return d


def tv_distance(p, q):
    return 0.5 * np.linalg.norm(np.asarray(p) - np.asarray(q), ord=1)
