"""Correct: time stamps instead of a tau counter (tau is a property), default_rng, inline bonus,
never-tried actions found through the model, matrix powers, a list from cumulative_reward."""

import numpy as np

q1_1 = "C"
q2_1 = " a "
q4_3 = "(b)"


def bonus_reward(r, tau, kappa):
    return float(r) + float(kappa) * float(tau) ** 0.5


class DynaQPlus:
    def __init__(
        self, n_states, n_actions, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=10, kappa=1e-3
    ):
        self.n_states, self.n_actions = n_states, n_actions
        self.alpha, self.gamma, self.epsilon = alpha, gamma, epsilon
        self.planning_steps, self.kappa = planning_steps, kappa
        self.Q = np.zeros((n_states, n_actions))
        self.model = DeterministicModel(n_states, n_actions)  # noqa: F821 (given in the notebook)
        self.time = 0
        self.last_tried = np.zeros((n_states, n_actions), dtype=np.int64)
        self.rng = np.random.default_rng()

    @property
    def tau(self):
        return self.time - self.last_tried

    def select_action(self, state):
        q = self.Q[state]
        greedy = self.rng.choice(np.flatnonzero(q == q.max()))
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n_actions))
        return int(greedy)

    def update(self, s, a, r, s_prime, done):
        self.time += 1
        self.last_tried[s, a] = self.time
        best_next = 0.0 if done else self.Q[s_prime].max()
        self.Q[s, a] += self.alpha * (r + self.gamma * best_next - self.Q[s, a])
        for b in range(self.n_actions):
            if b != a and self.model.predict(s, b)[0] is None:
                self.model.update(s, b, 0.0, s)
        self.model.update(s, a, r, s_prime)
        for _ in range(self.planning_steps):
            pair = self.model.sample_experienced()
            if pair is None:
                break
            ps, pa = pair
            nxt, rew = self.model.predict(ps, pa)
            if nxt is None:
                continue
            tau = self.time - self.last_tried[ps, pa]
            target = rew + self.kappa * np.sqrt(tau) + self.gamma * np.max(self.Q[nxt])
            self.Q[ps, pa] += self.alpha * (target - self.Q[ps, pa])


def cumulative_reward(agent, env, n_steps):
    total, out = 0.0, []
    s = env.reset()[0]
    while len(out) < n_steps:
        a = agent.select_action(s)
        s2, r, term, trunc, _ = env.step(a)
        agent.update(s, a, r, s2, term)
        total += r
        out.append(total)
        s = env.reset()[0] if (term or trunc) else s2
    return out


def k_step_distribution(T, start, policy, k):
    P_pi = (policy[:, :, None] * T).sum(axis=1)
    d0 = np.eye(T.shape[0])[start]
    return d0 @ np.linalg.matrix_power(P_pi, k)


def tv_distance(p, q):
    return float(np.sum(np.abs(np.subtract(p, q)))) / 2.0
