"""Sutton & Barto Figure 8.5: Dyna-Q vs Dyna-Q+ on the shortcut maze (Example 8.3).

Setting (book and its public reproduction): :class:`mbrl_envs.ShortcutMaze`, where only the
long left-hand path (16 steps) exists until a shortcut on the right (10 steps) opens after 3000
time steps; alpha 1.0, gamma 0.95, epsilon 0.1, n = 50 planning steps, kappa 1e-3, 6000 time
steps. Result: cumulative reward after each time step. Expected at step 6000: about 297 for
Dyna-Q and 365 for Dyna-Q+; plain Dyna-Q practically never finds the shortcut
(see ``ChangingMazeResult.found_opening``).

Seeds: run ``i`` of both methods uses ``np.random.SeedSequence(seed).spawn(runs)[i]``, with
separate acting and planning streams derived from it.

Deviations: 20 runs by default (the public reproduction averages only 5), and those listed in
:mod:`mbrl_ref.experiments.fig8_4` (exact change time, planning sampled uniformly over pairs,
only goals reached within the budget counted, tau of untried actions counted from time 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from mbrl_envs import ShortcutMaze

from ._changing import ChangingMazeConfig, ChangingMazeResult, run_changing
from ._common import Progress

CHECKPOINTS = (3000, 4500, 6000)
"""Time steps reported in the summary table."""

EXPECTED = {"Dyna-Q": {"step 6000": 297.0}, "Dyna-Q+": {"step 6000": 365.0}}
"""Approximate means from the public reproduction of the book's code."""


@dataclass(frozen=True)
class Fig85Config(ChangingMazeConfig):
    """Hyperparameters of Figure 8.5 (defaults: the book's); fields as in ChangingMazeConfig."""

    runs: int = 20
    steps: int = 6000
    change_step: int = 3000
    planning_steps: int = 50
    alpha: float = 1.0
    kappa: float = 1e-3


def run(config: Fig85Config | None = None, progress: Progress = None) -> ChangingMazeResult:
    """Run the Figure 8.5 experiment; ``progress(1)`` is called after each finished run."""
    config = config if config is not None else Fig85Config()
    return run_changing("8.5", config, ShortcutMaze, CHECKPOINTS, progress)
