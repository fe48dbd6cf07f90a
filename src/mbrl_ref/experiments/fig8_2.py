"""Sutton & Barto Figure 8.2: Dyna-Q on the Dyna maze, steps per episode for n = 0, 5, 50.

Setting (book, Example 8.1): the 6 x 9 Dyna maze (:class:`mbrl_envs.DynaMaze`, shortest path
14 steps), alpha 0.1, gamma 0.95, epsilon 0.1, Q initialised to 0, ties broken uniformly at
random, 30 runs x 50 episodes; n = 0 is one-step Q-learning.

Seeds: run ``i`` uses ``np.random.SeedSequence(seed).spawn(runs)[i]`` for *every* n (common random
numbers), with separate acting and planning streams derived from it. Episode 1 is therefore the
same random walk for all n (Q stays 0 until the goal is first reached), as in the book's figure.

Deviations from the book's (and its public reproduction's) code, none of which changes the
curves beyond statistical error:

* The model is the chapter's count model (``TabularModel``), equivalent to the book's
  last-outcome model in this deterministic maze.
* Planning samples uniformly over the visited (s, a) pairs (the chapter's ``sample_experienced``);
  the public reproduction picks a visited state first, then one of its tried actions.
* Planning random numbers come from their own stream (the book's code shares one stream).
* The expected length of episode 1 (a uniform random walk) is about 869 steps; the book's
  "about 1700" is not a mean, and the figure starts at episode 2 anyway.

Use ``engine="reference"`` to run the per-instance classes of :mod:`mbrl_ref.agents` instead of
the fast engine (about a hundred times slower, same statistics).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mbrl_envs import DynaMaze

from ..agents import DynaQ, run_episodes
from . import _engine
from ._common import Engine, Progress, fresh, mean_stderr, run_seeds

CHECKPOINTS = (2, 3, 5, 10)
"""Episodes reported in the summary table (1-based), plus the mean over episodes 41-50."""

EXPECTED = {
    0: {"ep 2": 742.7, "ep 3": 505.8, "ep 5": 294.0, "ep 10": 145.6, "mean ep 41-50": 17.7},
    5: {"ep 2": 167.6, "ep 3": 63.2, "ep 5": 21.4, "ep 10": 16.9, "mean ep 41-50": 17.1},
    50: {"ep 2": 36.9, "ep 3": 18.2, "ep 5": 17.2, "ep 10": 16.7, "mean ep 41-50": 17.0},
}
"""Independently measured 30-run means (public reproduction of the book's code, separate
planning stream); 30-run standard errors at episode 2 are about 131, 13 and 1.6."""


@dataclass(frozen=True)
class Fig82Config:
    """Hyperparameters of Figure 8.2 (defaults: the book's)."""

    runs: int = 30
    """Number of independent runs averaged."""
    episodes: int = 50
    """Episodes per run."""
    planning_steps: tuple[int, ...] = (0, 5, 50)
    """Values of n (planning updates per real step) compared; 0 is Q-learning."""
    alpha: float = 0.1
    """Step size."""
    gamma: float = 0.95
    """Discount factor."""
    epsilon: float = 0.1
    """Exploration rate of the epsilon-greedy behaviour policy."""
    seed: int = 0
    """Root seed; see the module docstring for how runs are seeded."""
    engine: Engine = "fast"
    """``"fast"`` (plain-Python engine) or ``"reference"`` (the classes in mbrl_ref.agents)."""


@dataclass(frozen=True)
class Fig82Result:
    """Steps per episode of every run, with mean and standard error over runs."""

    config: Fig82Config
    """The configuration that produced this result."""
    steps: np.ndarray = field(repr=False)
    """Shape (len(planning_steps), runs, episodes): real steps of each episode."""
    mean: np.ndarray = field(repr=False)
    """Shape (len(planning_steps), episodes): mean over runs."""
    stderr: np.ndarray = field(repr=False)
    """Shape (len(planning_steps), episodes): standard error of the mean."""
    planning_updates: int
    """Total number of planning updates done (for benchmarks)."""

    def checkpoints(self) -> dict[int, dict[str, tuple[float, float]]]:
        """``{n: {"ep 2": (mean, se), ..., "mean ep 41-50": (mean, se)}}`` (the book's table)."""
        table: dict[int, dict[str, tuple[float, float]]] = {}
        episodes = self.steps.shape[2]
        for i, n in enumerate(self.config.planning_steps):
            row = {
                f"ep {e}": (float(self.mean[i, e - 1]), float(self.stderr[i, e - 1]))
                for e in CHECKPOINTS
                if e <= episodes
            }
            if episodes >= 50:
                m, se = mean_stderr(self.steps[i, :, 40:50].mean(axis=1))
                row["mean ep 41-50"] = (float(m), float(se))
            table[n] = row
        return table

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: config, checkpoint table, and mean/SE curves per n."""
        return {
            "figure": "8.2",
            "config": asdict(self.config),
            "checkpoints": {
                str(n): {k: {"mean": m, "se": se} for k, (m, se) in row.items()}
                for n, row in self.checkpoints().items()
            },
            "curves": {
                str(n): {"mean": self.mean[i].tolist(), "se": self.stderr[i].tolist()}
                for i, n in enumerate(self.config.planning_steps)
            },
        }


def run(config: Fig82Config | None = None, progress: Progress = None) -> Fig82Result:
    """Run the Figure 8.2 experiment; ``progress(1)`` is called after each finished run."""
    config = config if config is not None else Fig82Config()
    env = DynaMaze()
    tables = _engine.tables_from_P(env.P, env.start_state)
    seeds = run_seeds(config.seed, config.runs)
    steps = np.zeros((len(config.planning_steps), config.runs, config.episodes), dtype=np.int64)
    updates = 0
    for i, n in enumerate(config.planning_steps):
        for j, ss in enumerate(seeds):
            if config.engine == "fast":
                out = _engine.run(
                    [tables],
                    alpha=config.alpha,
                    gamma=config.gamma,
                    epsilon=config.epsilon,
                    planning_steps=n,
                    seed=fresh(ss),
                    n_episodes=config.episodes,
                )
                lengths = out.episode_lengths
                updates += out.planning_updates
            else:
                agent = DynaQ(
                    env.n_states,
                    env.n_actions,
                    alpha=config.alpha,
                    gamma=config.gamma,
                    epsilon=config.epsilon,
                    planning_steps=n,
                    rng=np.random.default_rng(fresh(ss)),
                )
                lengths = run_episodes(agent, DynaMaze(), config.episodes)
                updates += n * sum(lengths)
            steps[i, j] = lengths
            if progress is not None:
                progress(1)
    mean, stderr = mean_stderr(steps.astype(float), axis=1)
    return Fig82Result(config, steps, mean, stderr, updates)
