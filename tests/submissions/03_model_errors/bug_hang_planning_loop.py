"""DynaQPlus.update plans in a while loop whose counter is never incremented (a hang)."""

import math

import numpy as np

q1_1 = "c"
q2_1 = "a"
q4_3 = "b"


def bonus_reward(r, tau, kappa):
    return r + kappa * math.sqrt(tau)


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
        for i in range(self.n_states):
            for j in range(self.n_actions):
                self.tau[i, j] += 1
        self.tau[s, a] = 0
        if done:
            target = r
        else:
            target = r + self.gamma * max(self.Q[s_prime])
        self.Q[s, a] = self.Q[s, a] + self.alpha * (target - self.Q[s, a])
        if s not in self.seen_states:
            self.seen_states.add(s)
            for b in range(self.n_actions):
                if b != a:
                    self.model.update(s, b, 0, s)
        self.model.update(s, a, r, s_prime)
        planned = 0
        while planned < self.planning_steps:  # `planned += 1` forgotten
            s_sim, a_sim = self.model.sample_experienced()
            s_next, r_sim = self.model.predict(s_sim, a_sim)
            r_sim = bonus_reward(r_sim, int(self.tau[s_sim, a_sim]), self.kappa)
            self.Q[s_sim, a_sim] += self.alpha * (
                r_sim + self.gamma * max(self.Q[s_next]) - self.Q[s_sim, a_sim]
            )


def cumulative_reward(agent, env, n_steps):
    out = []
    total = 0
    state, info = env.reset()
    for _ in range(n_steps):
        action = agent.select_action(state)
        next_state, reward, terminated, truncated, info = env.step(action)
        agent.update(state, action, reward, next_state, terminated)
        total += reward
        out.append(total)
        state = next_state
        if terminated or truncated:
            state, info = env.reset()
    return np.array(out)


def k_step_distribution(T, start, policy, k):
    n = T.shape[0]
    d = [0.0] * n
    d[start] = 1.0
    for _ in range(k):
        new = [0.0] * n
        for s in range(n):
            if d[s] == 0:
                continue
            for a in range(T.shape[1]):
                for s2 in range(n):
                    new[s2] += d[s] * policy[s][a] * T[s][a][s2]
        d = new
    return np.array(d)


def tv_distance(p, q):
    total = 0.0
    for i in range(len(p)):
        total += abs(p[i] - q[i])
    return total / 2
