"""Tabular environment models learned from experience (reference implementations).

Two models with the same interface, used by the Dyna agents in :mod:`mbrl_ref.agents`:

* :class:`TabularModel` -- the chapter's count-based maximum-likelihood model:
  ``P^(s'|s,a) = count(s,a,s') / count(s,a)`` and ``R^(s,a)`` = mean observed reward.
  Correct for stochastic environments; slow to forget when the environment changes.
* :class:`DeterministicModel` -- the chapter's dict model ``(s, a) -> (s', r)`` that remembers
  only the last outcome (Sutton & Barto's tabular Dyna-Q model). It adapts immediately when a
  deterministic environment changes, which is what Dyna-Q+ needs on the changing mazes.

Both return plain Python ``int`` states and actions, and ``float`` rewards.
"""

from __future__ import annotations

import numpy as np


class TabularModel:
    """Count-based tabular model: ``P^(s'|s,a) = count(s,a,s')/count(s,a)``, mean rewards.

    Attributes:
        transition_counts: float array (S, A, S), number of observed ``(s, a) -> s'``.
        reward_sum: float array (S, A), sum of rewards observed after ``(s, a)``.
        visit_counts: float array (S, A), number of times ``(s, a)`` was observed.
        rng: the generator used by :meth:`predict` and :meth:`sample_experienced`.
    """

    def __init__(
        self, n_states: int, n_actions: int, rng: np.random.Generator | None = None
    ) -> None:
        self.n_states = n_states
        self.n_actions = n_actions
        self.rng = rng if rng is not None else np.random.default_rng()
        self.transition_counts = np.zeros((n_states, n_actions, n_states))
        self.reward_sum = np.zeros((n_states, n_actions))
        self.visit_counts = np.zeros((n_states, n_actions))

    def update(self, s: int, a: int, r: float, s_prime: int) -> None:
        """Record one real transition: count it and add its reward."""
        self.transition_counts[s, a, s_prime] += 1
        self.reward_sum[s, a] += r
        self.visit_counts[s, a] += 1

    def predict(self, s: int, a: int) -> tuple[int, float] | tuple[None, None]:
        """Sample ``s'`` from the estimated ``P^(.|s,a)`` and return it with the mean reward.

        Returns ``(None, None)`` if ``(s, a)`` was never observed (the model knows nothing).
        """
        n = self.visit_counts[s, a]
        if n == 0:
            return None, None
        probs = self.transition_counts[s, a] / n
        s_prime = int(self.rng.choice(self.n_states, p=probs))
        r_hat = float(self.reward_sum[s, a] / n)
        return s_prime, r_hat

    def sample_experienced(self) -> tuple[int, int] | None:
        """Return a previously observed ``(s, a)``, uniformly over the distinct visited pairs.

        Returns ``None`` if nothing was observed yet.
        """
        visited = np.flatnonzero(self.visit_counts > 0)  # flat indices s * A + a
        if visited.size == 0:
            return None
        idx = int(visited[self.rng.integers(visited.size)])
        s, a = divmod(idx, self.n_actions)
        return s, a


class DeterministicModel:
    """Last-outcome model ``(s, a) -> (s', r)``: the chapter's dict model for deterministic worlds.

    Each ``update`` overwrites the stored outcome of ``(s, a)``, so the model follows a changing
    environment at once (unlike the counts of :class:`TabularModel`).

    Attributes:
        table: dict mapping ``(s, a)`` to the last observed ``(s', r)``.
        rng: the generator used by :meth:`sample_experienced`.
    """

    def __init__(
        self, n_states: int, n_actions: int, rng: np.random.Generator | None = None
    ) -> None:
        self.n_states = n_states
        self.n_actions = n_actions
        self.rng = rng if rng is not None else np.random.default_rng()
        self.table: dict[tuple[int, int], tuple[int, float]] = {}
        self._pairs: list[tuple[int, int]] = []  # keys in insertion order, for O(1) sampling

    def update(self, s: int, a: int, r: float, s_prime: int) -> None:
        """Remember ``(s', r)`` as the outcome of ``(s, a)``, replacing any earlier one."""
        key = (int(s), int(a))
        if key not in self.table:
            self._pairs.append(key)
        self.table[key] = (int(s_prime), float(r))

    def predict(self, s: int, a: int) -> tuple[int, float] | tuple[None, None]:
        """Return the remembered ``(s', r)``, or ``(None, None)`` if ``(s, a)`` was never seen."""
        return self.table.get((int(s), int(a)), (None, None))

    def sample_experienced(self) -> tuple[int, int] | None:
        """Return a remembered ``(s, a)``, uniformly over the stored pairs; ``None`` if empty."""
        if not self._pairs:
            return None
        return self._pairs[int(self.rng.integers(len(self._pairs)))]
