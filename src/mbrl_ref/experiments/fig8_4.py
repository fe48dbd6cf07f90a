"""Sutton & Barto Figure 8.4: Dyna-Q vs Dyna-Q+ on the blocking maze (Example 8.2).

Setting (book and its public reproduction): :class:`mbrl_envs.BlockingMaze`, whose right-hand
gap (shortest path 10) closes after 1000 time steps while a left-hand gap opens (shortest path
16); alpha 1.0, gamma 0.95, epsilon 0.1, n = 10 planning steps, kappa 1e-4, 3000 time steps,
20 runs. Result: cumulative reward after each time step. Expected at step 3000 (20 runs):
about 83 for Dyna-Q and 135 for Dyna-Q+ (Dyna-Q+ notices the blocked path sooner).

Seeds: run ``i`` of both methods uses ``np.random.SeedSequence(seed).spawn(runs)[i]``, with
separate acting and planning streams derived from it.

Deviations from the public reproduction of the book's code (all within statistical error):

* The maze changes right after time step 1000, even mid-episode (the reproduction switches at the
  end of the episode that crosses step 1000).
* Planning samples uniformly over the model's (s, a) pairs; for Dyna-Q the reproduction picks a
  visited state first, then one of its tried actions (for Dyna-Q+, whose model holds all actions
  of a visited state, both rules coincide).
* Cumulative reward counts only goals really reached within the 3000 steps.
* Dyna-Q+'s ``tau`` for a never-tried action counts from time 0 (the reproduction: time 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from mbrl_envs import BlockingMaze

from ._changing import ChangingMazeConfig, ChangingMazeResult, run_changing
from ._common import Progress

CHECKPOINTS = (1000, 2000, 3000)
"""Time steps reported in the summary table."""

EXPECTED = {"Dyna-Q": {"step 3000": 83.0}, "Dyna-Q+": {"step 3000": 135.0}}
"""Approximate 20-run means from the public reproduction of the book's code."""


@dataclass(frozen=True)
class Fig84Config(ChangingMazeConfig):
    """Hyperparameters of Figure 8.4 (defaults: the book's); fields as in ChangingMazeConfig."""

    runs: int = 20
    steps: int = 3000
    change_step: int = 1000
    planning_steps: int = 10
    alpha: float = 1.0
    kappa: float = 1e-4


def run(config: Fig84Config | None = None, progress: Progress = None) -> ChangingMazeResult:
    """Run the Figure 8.4 experiment; ``progress(1)`` is called after each finished run."""
    config = config if config is not None else Fig84Config()
    return run_changing("8.4", config, BlockingMaze, CHECKPOINTS, progress)
