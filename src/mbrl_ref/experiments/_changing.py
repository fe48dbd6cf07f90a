"""Shared runner for the changing-maze figures (8.4 blocking maze, 8.5 shortcut maze).

Dyna-Q and Dyna-Q+ both use the book's last-outcome model
(:class:`~mbrl_ref.models.DeterministicModel`), so they differ only in the exploration bonus.
The result is the cumulative reward after each real time step, averaged over runs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mbrl_envs import ChangingMaze

from ..agents import DynaQ, DynaQPlus, run_steps
from ..models import DeterministicModel
from . import _engine
from ._common import Engine, Progress, fresh, mean_stderr, run_seeds

METHODS = ("Dyna-Q", "Dyna-Q+")


@dataclass(frozen=True)
class ChangingMazeConfig:
    """Hyperparameters shared by Figures 8.4 and 8.5 (each figure overrides the defaults)."""

    runs: int = 20
    """Number of independent runs averaged."""
    steps: int = 3000
    """Real time steps per run (episodes restart at the start cell after each goal)."""
    change_step: int = 1000
    """The maze switches layout right after this many time steps (counted across episodes)."""
    planning_steps: int = 10
    """Planning updates per real step (n)."""
    alpha: float = 1.0
    """Step size (the book uses 1.0: the maze is deterministic)."""
    gamma: float = 0.95
    """Discount factor."""
    epsilon: float = 0.1
    """Exploration rate of the epsilon-greedy behaviour policy."""
    kappa: float = 1e-4
    """Dyna-Q+ bonus weight: planning reward r + kappa * sqrt(tau)."""
    seed: int = 0
    """Root seed: run i of both methods uses SeedSequence(seed).spawn(runs)[i]."""
    engine: Engine = "fast"
    """``"fast"`` (plain-Python engine) or ``"reference"`` (the classes in mbrl_ref.agents)."""


@dataclass(frozen=True)
class ChangingMazeResult:
    """Cumulative reward of every run for Dyna-Q and Dyna-Q+, with mean and standard error."""

    figure: str
    """Book figure number, e.g. ``"8.4"``."""
    config: ChangingMazeConfig
    """The configuration that produced this result."""
    checkpoint_steps: tuple[int, ...]
    """Time steps reported in the summary table."""
    cumulative_reward: np.ndarray = field(repr=False)
    """Shape (2, runs, steps): cumulative reward after each step; row 0 Dyna-Q, row 1 Dyna-Q+."""
    mean: np.ndarray = field(repr=False)
    """Shape (2, steps): mean over runs."""
    stderr: np.ndarray = field(repr=False)
    """Shape (2, steps): standard error of the mean."""
    opened_cell_visits: np.ndarray = field(repr=False)
    """Shape (2, runs): real steps entering a cell that the change opened (after the change).
    For the shortcut maze this counts entries into the shortcut, exploratory ones included."""
    final_path_uses_opening: np.ndarray = field(repr=False)
    """Shape (2, runs), bool: the final greedy path from the start reaches the goal through a
    cell opened by the change (for the shortcut maze: the agent has switched to the shortcut)."""
    methods: tuple[str, ...] = METHODS
    """Method names, in row order."""

    def checkpoints(self) -> dict[str, dict[str, tuple[float, float]]]:
        """``{method: {"step 1000": (mean, se), ...}}`` at the checkpoint steps."""
        return {
            method: {
                f"step {t}": (float(self.mean[i, t - 1]), float(self.stderr[i, t - 1]))
                for t in self.checkpoint_steps
                if t <= self.mean.shape[1]
            }
            for i, method in enumerate(self.methods)
        }

    def found_opening(self) -> dict[str, float]:
        """Fraction of runs of each method whose final greedy path uses the opened cell(s)."""
        return {
            method: float(self.final_path_uses_opening[i].mean())
            for i, method in enumerate(self.methods)
        }

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: config, checkpoint table, opening statistics, mean/SE curves."""
        return {
            "figure": self.figure,
            "config": asdict(self.config),
            "checkpoints": {
                method: {k: {"mean": m, "se": se} for k, (m, se) in row.items()}
                for method, row in self.checkpoints().items()
            },
            "fraction_of_runs_whose_final_greedy_path_uses_the_opening": self.found_opening(),
            "mean_entries_into_opened_cells_after_change": {
                method: float(self.opened_cell_visits[i].mean())
                for i, method in enumerate(self.methods)
            },
            "curves": {
                method: {"mean": self.mean[i].tolist(), "se": self.stderr[i].tolist()}
                for i, method in enumerate(self.methods)
            },
        }


def layouts(env: ChangingMaze) -> tuple[_engine.Tables, _engine.Tables, frozenset[int]]:
    """Tables of the maze before and after its change, and the cells the change opens.

    Uses only the public API: a copy of the maze is rewound, told to change after one step,
    and stepped once.
    """
    probe = copy.deepcopy(env)
    probe.reset_world()
    before = _engine.tables_from_P(probe.P, probe.start_state)
    walls_before = set(probe.walls)
    probe.change_step = 1
    probe.reset()
    probe.step(0)
    after = _engine.tables_from_P(probe.P, probe.start_state)
    return before, after, frozenset(walls_before - set(probe.walls))


def run_changing(
    figure: str,
    config: ChangingMazeConfig,
    make_env: Callable[[int], ChangingMaze],
    checkpoint_steps: tuple[int, ...],
    progress: Progress = None,
) -> ChangingMazeResult:
    """Run Dyna-Q and Dyna-Q+ on a changing maze; ``make_env(change_step)`` builds the maze."""
    before, after, opened = layouts(make_env(config.change_step))
    seeds = run_seeds(config.seed, config.runs)
    cumulative = np.zeros((2, config.runs, config.steps))
    visits = np.zeros((2, config.runs), dtype=np.int64)
    uses_opening = np.zeros((2, config.runs), dtype=bool)
    for i, plus in enumerate((False, True)):
        for j, ss in enumerate(seeds):
            if config.engine == "fast":
                out = _engine.run(
                    [before, after],
                    alpha=config.alpha,
                    gamma=config.gamma,
                    epsilon=config.epsilon,
                    planning_steps=config.planning_steps,
                    seed=fresh(ss),
                    n_steps=config.steps,
                    change_step=config.change_step,
                    kappa=config.kappa if plus else None,
                    model="last",
                    watch=opened,
                )
                cumulative[i, j] = out.cumulative_reward
                visits[i, j] = out.watch_visits
                Q = out.Q
            else:
                cumulative[i, j], visits[i, j], Q = _run_reference(
                    config, make_env(config.change_step), plus, fresh(ss), opened
                )
            path, reached = _engine.greedy_path(after, Q)
            uses_opening[i, j] = reached and bool(opened & set(path))
            if progress is not None:
                progress(1)
    mean, stderr = mean_stderr(cumulative, axis=1)
    return ChangingMazeResult(
        figure, config, checkpoint_steps, cumulative, mean, stderr, visits, uses_opening
    )


def _run_reference(
    config: ChangingMazeConfig,
    env: ChangingMaze,
    plus: bool,
    ss: np.random.SeedSequence,
    opened: frozenset[int],
) -> tuple[np.ndarray, int, np.ndarray]:
    """One run with the per-instance classes: (cumulative reward, opened-cell visits, final Q)."""
    rng = np.random.default_rng(ss)
    kwargs = dict(
        alpha=config.alpha,
        gamma=config.gamma,
        epsilon=config.epsilon,
        planning_steps=config.planning_steps,
        rng=rng,
    )
    agent: DynaQ
    if plus:
        agent = DynaQPlus(env.n_states, env.n_actions, kappa=config.kappa, **kwargs)
    else:
        agent = DynaQ(env.n_states, env.n_actions, **kwargs)
        agent.model = DeterministicModel(env.n_states, env.n_actions, rng=agent.model.rng)
    visits = 0

    def count(s: int, a: int, r: float, s_prime: int, done: bool) -> None:
        nonlocal visits
        if env.changed and s_prime in opened:
            visits += 1

    cumulative = run_steps(agent, env, config.steps, callback=count)
    return cumulative, visits, agent.Q
