"""Dyna agents (reference implementations): Dyna-Q, Q-learning, Dyna-Q+.

Readable per-instance numpy code following the chapter and Sutton & Barto (2018), Section 8.2-8.3.
The hidden tests compare a student's classes with these, so names and signatures are fixed.
Experiments use the faster but statistically identical engine in
:mod:`mbrl_ref.experiments._engine`.

Randomness: the agent's ``rng`` drives action selection (the acting stream); the model gets its
own child generator spawned from it (the planning stream), so changing the number of planning
steps does not change the acting random numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .models import DeterministicModel, TabularModel


class DynaQ:
    """Tabular Dyna-Q: Q-learning on real experience plus ``planning_steps`` simulated updates.

    Attributes:
        Q: float array (S, A) of action values, initialised to 0.
        model: the learned model (a :class:`~mbrl_ref.models.TabularModel` by default; any object
            with ``update``, ``predict`` and ``sample_experienced`` works, e.g.
            :class:`~mbrl_ref.models.DeterministicModel`).
        rng: generator for action selection.
    """

    def __init__(
        self,
        n_states: int,
        n_actions: int,
        alpha: float = 0.1,
        gamma: float = 0.99,
        epsilon: float = 0.1,
        planning_steps: int = 10,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.n_states = n_states
        self.n_actions = n_actions
        self.alpha = alpha
        self.gamma = gamma
        self.epsilon = epsilon
        self.planning_steps = planning_steps
        self.rng = rng if rng is not None else np.random.default_rng()
        self.Q = np.zeros((n_states, n_actions))
        # The planning stream is a child of the acting stream: independent, but reproducible.
        self.model: Any = TabularModel(n_states, n_actions, rng=self.rng.spawn(1)[0])

    def select_action(self, state: int) -> int:
        """Epsilon-greedy: a uniformly random action with prob. epsilon, else a greedy one.

        Ties between greedy actions are broken uniformly at random (with all-zero Q, ``argmax``
        would always pick action 0 and the agent could not explore).
        """
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n_actions))
        q = self.Q[state]
        best = np.flatnonzero(q == q.max())  # all greedy actions
        return int(best[self.rng.integers(len(best))])

    def update(self, s: int, a: int, r: float, s_prime: int, done: bool) -> None:
        """Learn from one real transition: Q-learning update, model update, then planning."""
        target = r if done else r + self.gamma * self.Q[s_prime].max()
        self.Q[s, a] += self.alpha * (target - self.Q[s, a])
        self.model.update(s, a, r, s_prime)
        self.plan()

    def plan(self) -> None:
        """Do ``planning_steps`` Q-learning updates on transitions simulated by the model.

        The model stores no 'done' flag, so (as in the chapter and the book) the target is always
        ``r + gamma * max Q[s']``; this is still right for a terminal ``s'`` because terminal
        states are never updated, so their Q stays 0.
        """
        for _ in range(self.planning_steps):
            sim = self.model.sample_experienced()
            if sim is None:
                break
            s_sim, a_sim = sim
            s_next, r_sim = self.model.predict(s_sim, a_sim)
            if s_next is None:
                continue
            target = self.planning_reward(s_sim, a_sim, r_sim) + self.gamma * self.Q[s_next].max()
            self.Q[s_sim, a_sim] += self.alpha * (target - self.Q[s_sim, a_sim])

    def planning_reward(self, s: int, a: int, r: float) -> float:
        """Reward used in a planning update (Dyna-Q: the model's reward unchanged)."""
        return r


class QLearning(DynaQ):
    """One-step tabular Q-learning: Dyna-Q with zero planning steps (the book's n = 0)."""

    def __init__(
        self,
        n_states: int,
        n_actions: int,
        alpha: float = 0.1,
        gamma: float = 0.99,
        epsilon: float = 0.1,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(n_states, n_actions, alpha, gamma, epsilon, planning_steps=0, rng=rng)


class DynaQPlus(DynaQ):
    """Dyna-Q+ (Sutton & Barto, Section 8.3): an exploration bonus for long-untried actions.

    A planning update uses the reward ``r + kappa * sqrt(tau)``, where ``tau`` is the number of
    real time steps since ``(s, a)`` was last tried. As in the book's footnote, actions never
    tried from a visited state are plannable too: the model says they lead back to the same state
    with reward 0 (and ``tau`` counts from time 0). The bonus is used in planning only, not in
    action selection. The model is a :class:`~mbrl_ref.models.DeterministicModel` (the book's
    last-outcome model), so it follows a changing maze at once.

    Attributes:
        time: number of real transitions seen so far.
        last_tried: int array (S, A), the time step at which ``(s, a)`` was last tried (0: never).
    """

    def __init__(
        self,
        n_states: int,
        n_actions: int,
        alpha: float = 0.1,
        gamma: float = 0.99,
        epsilon: float = 0.1,
        planning_steps: int = 10,
        kappa: float = 1e-3,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(n_states, n_actions, alpha, gamma, epsilon, planning_steps, rng)
        self.kappa = kappa
        self.model = DeterministicModel(n_states, n_actions, rng=self.model.rng)
        self.time = 0
        self.last_tried = np.zeros((n_states, n_actions), dtype=np.int64)
        self._seen_states: set[int] = set()

    def update(self, s: int, a: int, r: float, s_prime: int, done: bool) -> None:
        """Advance time, add self-loops for a newly visited state, then do Dyna-Q's update."""
        self.time += 1
        self.last_tried[s, a] = self.time
        if s not in self._seen_states:
            self._seen_states.add(s)
            for b in range(self.n_actions):
                if b != a and self.model.predict(s, b)[0] is None:
                    self.model.update(s, b, 0.0, s)  # footnote: untried -> self-loop, reward 0
        super().update(s, a, r, s_prime, done)

    def planning_reward(self, s: int, a: int, r: float) -> float:
        """Model reward plus the exploration bonus ``kappa * sqrt(tau)``."""
        tau = self.time - int(self.last_tried[s, a])
        return r + self.kappa * math.sqrt(tau)


def run_episodes(
    agent: DynaQ,
    env: Any,
    n_episodes: int,
    max_steps: int | None = None,
    seed: int | None = None,
    callback: Callable[[int, int, float, int, bool], None] | None = None,
) -> list[int]:
    """Run ``n_episodes`` episodes of ``agent`` in a Gymnasium-style ``env``; return their lengths.

    The length is the number of real environment steps of each episode. ``max_steps`` cuts an
    episode off (it then counts as ``max_steps`` steps); ``seed`` is passed to the first
    ``env.reset`` only. ``callback(s, a, r, s_prime, done)`` is called after each update (e.g. to
    record a trajectory for a notebook animation).
    """
    lengths = []
    for episode in range(n_episodes):
        s, _ = env.reset(seed=seed if episode == 0 else None)
        steps = 0
        while True:
            a = agent.select_action(s)
            s_prime, r, terminated, truncated, _ = env.step(a)
            agent.update(s, a, float(r), s_prime, terminated)
            if callback is not None:
                callback(s, a, float(r), s_prime, terminated)
            steps += 1
            s = s_prime
            if terminated or truncated or (max_steps is not None and steps >= max_steps):
                break
        lengths.append(steps)
    return lengths


def run_steps(
    agent: DynaQ,
    env: Any,
    n_steps: int,
    seed: int | None = None,
    callback: Callable[[int, int, float, int, bool], None] | None = None,
) -> np.ndarray:
    """Run ``agent`` for exactly ``n_steps`` real steps (restarting episodes at the goal).

    Returns the cumulative reward after each step, shape ``(n_steps,)``: the quantity plotted in
    the book's Figures 8.4 and 8.5. ``callback`` is as in :func:`run_episodes`.
    """
    cumulative = np.zeros(n_steps)
    total = 0.0
    s, _ = env.reset(seed=seed)
    for t in range(n_steps):
        a = agent.select_action(s)
        s_prime, r, terminated, truncated, _ = env.step(a)
        agent.update(s, a, float(r), s_prime, terminated)
        if callback is not None:
            callback(s, a, float(r), s_prime, terminated)
        total += float(r)
        cumulative[t] = total
        s = s_prime
        if terminated or truncated:
            s, _ = env.reset()
    return cumulative
