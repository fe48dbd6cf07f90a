"""Bug: the bonus is added to the real update too (before tau is reset)."""

import numpy as np

q1_1 = "c"
q2_1 = "a"
q4_3 = "b"


def bonus_reward(r, tau, kappa):
    return r + kappa * np.sqrt(tau)


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
        if np.random.random() < self.epsilon:
            return np.random.randint(self.n_actions)
        q = self.Q[state]
        return int(np.random.choice(np.flatnonzero(q == q.max())))

    def update(self, s, a, r, s_prime, done):
        r_real = bonus_reward(r, self.tau[s, a] + 1, self.kappa)
        target = r_real if done else r_real + self.gamma * self.Q[s_prime].max()
        self.Q[s, a] += self.alpha * (target - self.Q[s, a])
        self.tau += 1
        self.tau[s, a] = 0
        if s not in self.seen_states:
            self.seen_states.add(s)
            for b in range(self.n_actions):
                if b != a:
                    self.model.update(s, b, 0.0, s)
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
        s_prime, r, terminated, truncated, _ = env.step(a)
        agent.update(s, a, r, s_prime, terminated)
        rewards[t] = r
        s = s_prime
        if terminated or truncated:
            s, _ = env.reset()
    return np.cumsum(rewards)


def k_step_distribution(T, start, policy, k):
    P_pi = np.einsum("sa,sat->st", policy, T)
    d = np.zeros(T.shape[0])
    d[start] = 1.0
    for _ in range(k):
        d = d @ P_pi
    return d


def tv_distance(p, q):
    return 0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum()
