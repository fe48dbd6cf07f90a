"""Figures for the reproduced Sutton & Barto Chapter 8 experiments, named after the book figures.

Each ``plot_fig8_X(result, path=None)`` draws the mean over runs with a +/- one standard error
band (:func:`mbrl_envs.curves.plot_curves`), returns the matplotlib ``Figure`` and saves it to
``path`` if given. Figures are built with ``matplotlib.figure.Figure`` (no pyplot, no global
backend), so this works headless (Agg) and inside notebooks alike. The titles say "reproduction";
the deviations from the book are listed in the docstrings of :mod:`mbrl_ref.experiments`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mbrl_envs.curves import plot_curves

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .experiments._changing import ChangingMazeResult
    from .experiments.fig8_2 import Fig82Result


def _new_figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(7, 4.5), layout="constrained")


def _save(fig: Figure, path: str | Path | None) -> None:
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)


def plot_fig8_2(result: Fig82Result, path: str | Path | None = None) -> Figure:
    """Figure 8.2: steps per episode of Dyna-Q for each n, episodes 2 onwards (as in the book).

    Episode 1 is left out like in the book: it is the same random walk for every n (mean about
    869 steps) and would squash the interesting part of the plot. The y axis is capped at 800.
    """
    fig = _new_figure()
    ax = fig.subplots()
    cfg = result.config
    curves = {
        (f"n = {n} (Q-learning)" if n == 0 else f"n = {n} planning steps"): result.steps[i, :, 1:]
        for i, n in enumerate(cfg.planning_steps)
    }
    plot_curves(
        curves,
        ax=ax,
        x=np.arange(2, cfg.episodes + 1),
        xlabel="Episodes",
        ylabel="Steps per episode",
        title=f"Figure 8.2 (reproduction): Dyna-Q on the Dyna maze, {cfg.runs} runs, mean ± SE",
    )
    ax.set_ylim(0, 800)
    ax.axhline(14, color="gray", lw=0.8, ls=":")
    ax.text(cfg.episodes, 14, "shortest path (14)", ha="right", va="bottom", fontsize=8)
    _save(fig, path)
    return fig


def _plot_changing(result: ChangingMazeResult, title: str, path: str | Path | None) -> Figure:
    fig = _new_figure()
    ax = fig.subplots()
    cfg = result.config
    curves = {m: result.cumulative_reward[i] for i, m in enumerate(result.methods)}
    plot_curves(
        curves,
        ax=ax,
        x=np.arange(1, cfg.steps + 1),
        xlabel="Time steps",
        ylabel="Cumulative reward",
        title=f"{title}, {cfg.runs} runs, mean ± SE",
    )
    ax.axvline(cfg.change_step, color="gray", lw=0.8, ls="--")
    ax.text(cfg.change_step, 0, " maze changes", ha="left", va="bottom", fontsize=8)
    _save(fig, path)
    return fig


def plot_fig8_4(result: ChangingMazeResult, path: str | Path | None = None) -> Figure:
    """Figure 8.4: cumulative reward of Dyna-Q and Dyna-Q+ on the blocking maze.

    Deviation: the maze changes exactly at the time step (the public reproduction of the book's
    code changes it at the end of the episode that crosses it).
    """
    return _plot_changing(result, "Figure 8.4 (reproduction): blocking maze", path)


def plot_fig8_5(result: ChangingMazeResult, path: str | Path | None = None) -> Figure:
    """Figure 8.5: cumulative reward of Dyna-Q and Dyna-Q+ on the shortcut maze.

    Deviation: 20 runs by default (the public reproduction averages 5); the maze changes exactly at
    the time step.
    """
    return _plot_changing(result, "Figure 8.5 (reproduction): shortcut maze", path)


PLOTTERS = {"fig8.2": plot_fig8_2, "fig8.4": plot_fig8_4, "fig8.5": plot_fig8_5}
"""CLI name -> plotting function."""
