"""StochasticGridWorld: a GridWorld whose actions sometimes slip.

With probability ``slip`` the chosen action is replaced by one drawn uniformly from all four
actions (which may be the chosen one again), so the intended move happens with probability
``1 - slip + slip / 4``. The transition table ``P`` states these probabilities exactly, merged
per next state: this is the world where a count-based model beats a "last outcome" model.
"""

from __future__ import annotations

from collections.abc import Sequence

from .gridworld import DEFAULT_MAP, GridWorld


class StochasticGridWorld(GridWorld):
    """GridWorld where each action slips to a uniformly random action with probability `slip`."""

    def __init__(
        self,
        map: str | Sequence[str] = DEFAULT_MAP,
        slip: float = 0.2,
        render_mode: str | None = None,
    ):
        if not 0.0 <= slip <= 1.0:
            raise ValueError(f"slip must be a probability in [0, 1], got {slip}")
        self.slip = float(slip)
        super().__init__(map=map, render_mode=render_mode)

    def _action_outcomes(self, a: int) -> list[tuple[float, int]]:
        """The chosen action with prob. 1 - slip, plus slip / 4 for each of the four actions."""
        share = self.slip / self.n_actions
        return [((1.0 - self.slip if b == a else 0.0) + share, b) for b in range(self.n_actions)]
