"""Model predictive control (MPC) by random shooting, with a learned tabular model.

At every real step: sample `n_candidates` random action sequences of length `horizon`, imagine
each one in the model, score it by its discounted imagined return (the objective J of the
chapter's equation 5, ``sum_t gamma^t r^_t``), execute only the FIRST action of the best sequence,
observe the real outcome, and replan from the new state.

Model interface: ``model.n_actions`` and ``model.predict(s, a) -> (s_prime, r)``, which returns
``(None, None)`` when the model knows nothing about ``(s, a)`` (never tried, or a terminal state):
an imagined rollout stops there and keeps the return collected so far.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class DictModel:
    """The chapter's dict model ``(s, a) -> (s', r)`` (last outcome), with ``n_actions``."""

    def __init__(self, n_states: int, n_actions: int):
        self.n_states = n_states
        self.n_actions = n_actions
        self.table: dict[tuple[int, int], tuple[int, float]] = {}

    def update(self, s: int, a: int, r: float, s_prime: int) -> None:
        self.table[(int(s), int(a))] = (int(s_prime), float(r))

    def predict(self, s: int, a: int) -> tuple[int, float] | tuple[None, None]:
        return self.table.get((int(s), int(a)), (None, None))


def rollout_return(model, state: int, actions: Sequence[int], gamma: float = 1.0) -> float:
    """Discounted return ``sum_t gamma^t r^_t`` of `actions` imagined in `model` from `state`.

    Stops (keeping what was collected) when the model returns ``(None, None)``.
    """
    total, discount, s = 0.0, 1.0, state
    for a in actions:
        s_next, r = model.predict(s, int(a))
        if s_next is None:
            break
        total += discount * r
        discount *= gamma
        s = s_next
    return float(total)


def random_shooting_action(
    model,
    state: int,
    horizon: int,
    n_candidates: int,
    gamma: float = 1.0,
    rng: np.random.Generator | None = None,
) -> int:
    """First action of the best of `n_candidates` uniformly random action sequences.

    Ties between equally good sequences go to the first one drawn (so with no reward in sight the
    action is uniformly random).
    """
    rng = np.random.default_rng() if rng is None else rng
    seqs = rng.integers(model.n_actions, size=(n_candidates, horizon))
    returns = [rollout_return(model, state, seq, gamma) for seq in seqs]
    return int(seqs[int(np.argmax(returns)), 0])
