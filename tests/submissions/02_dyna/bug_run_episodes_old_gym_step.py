"""env.step is unpacked like the old gym API (4 values)."""

import numpy as np


class DynaQ:
    """The chapter's Dyna-Q (implementation layer) with random tie-breaking."""

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
        if np.random.random() < self.epsilon:
            return np.random.randint(self.n_actions)
        q = self.Q[state]
        return np.random.choice(np.where(q == q.max())[0])

    def update(self, s, a, r, s_prime, done):
        # Direct RL update
        target = r if done else r + self.gamma * self.Q[s_prime].max()
        self.Q[s, a] += self.alpha * (target - self.Q[s, a])

        # Model learning
        self.model.update(s, a, r, s_prime)

        # Planning
        for _ in range(self.planning_steps):
            sim = self.model.sample_experienced()
            if sim is None:
                break
            s_sim, a_sim = sim
            s_next, r_sim = self.model.predict(s_sim, a_sim)
            if s_next is not None:
                target = r_sim + self.gamma * self.Q[s_next].max()
                self.Q[s_sim, a_sim] += self.alpha * (target - self.Q[s_sim, a_sim])


def run_episodes(agent, env, n_episodes, max_steps=10_000):
    steps_per_episode = []
    for _ in range(n_episodes):
        state, _ = env.reset()
        steps = 0
        done = False
        while not done and steps < max_steps:
            action = agent.select_action(state)
            next_state, reward, terminated, _ = env.step(action)[:4]
            truncated = False
            agent.update(state, action, reward, next_state, terminated)
            state = next_state
            steps += 1
            done = terminated or truncated
        steps_per_episode.append(steps)
    return np.array(steps_per_episode)


q2_2 = "c"
q3_1 = "d"
q3_2 = "a"
q3_3 = 10_500
