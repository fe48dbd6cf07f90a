"""Matplotlib drawing of grid worlds: walls, start, goal, and optional value/policy/path overlays.

Notebooks reuse `draw_grid` for every maze picture, so a figure of values learned by Dyna-Q, the
greedy plan under a wrong model, or the visit counts of a learned model all look alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .gridworld import ACTION_DELTAS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .gridworld import GridWorld

WALL_COLOUR = "#2f2f2f"
FREE_COLOUR = "#f7f7f7"


def draw_grid(
    env: GridWorld,
    ax: Axes | None = None,
    values: Sequence[float] | np.ndarray | None = None,
    policy: Sequence[int] | np.ndarray | None = None,
    path: Iterable[int] | None = None,
    title: str | None = None,
    annotate: bool = False,
    cmap: str = "viridis",
    agent: int | None = None,
    colorbar: bool = False,
    value_label: str = "value",
) -> Axes:
    """Draw `env`'s grid on `ax` (a new figure if None) and return the Axes.

    values: one number per state (length n_states, or shape (nrow, ncol)) shown as a heatmap over
        free cells; `annotate` writes the numbers in the cells.
    policy: one action per state, drawn as arrows on free, non-goal cells.
    path: a sequence of states, drawn as a line from the first to the last.
    agent: a state to mark with a red dot.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    if ax is None:
        _, ax = plt.subplots(figsize=(0.55 * env.ncol + 1.2, 0.55 * env.nrow + 0.6))
    wall_mask = np.zeros((env.nrow, env.ncol), dtype=bool)
    for s in env.walls:
        wall_mask[env.to_rowcol(s)] = True

    if values is not None:
        grid = np.asarray(values, dtype=float).reshape(env.nrow, env.ncol)
        shown = np.ma.masked_array(grid, mask=wall_mask)
        image = ax.imshow(shown, cmap=cmap, origin="upper")
        if colorbar:
            ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=value_label)
        if annotate:
            finite = grid[~wall_mask]
            mid = (np.nanmax(finite) + np.nanmin(finite)) / 2 if finite.size else 0.0
            for r in range(env.nrow):
                for c in range(env.ncol):
                    if not wall_mask[r, c]:
                        colour = "black" if grid[r, c] > mid else "white"
                        ax.text(
                            c,
                            r,
                            f"{grid[r, c]:.2g}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color=colour,
                        )
    else:
        ax.imshow(
            np.zeros((env.nrow, env.ncol)), cmap=ListedColormap([FREE_COLOUR]), origin="upper"
        )
    walls = np.ma.masked_array(np.ones_like(wall_mask, dtype=float), mask=~wall_mask)
    ax.imshow(walls, cmap=ListedColormap([WALL_COLOUR]), origin="upper", vmin=0, vmax=1)

    for s, label in [(env.start_state, "S")] + [(g, "G") for g in sorted(env.goal_states)]:
        r, c = env.to_rowcol(s)
        ax.text(
            c,
            r,
            label,
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
            color="#d62728" if label == "G" else "#1f77b4",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.7, "lw": 0},
        )

    if policy is not None:
        actions = np.asarray(policy).reshape(-1)
        for s in env.free_states():
            if s in env.goal_states:
                continue
            r, c = env.to_rowcol(s)
            dr, dc = ACTION_DELTAS[int(actions[s])]
            ax.annotate(
                "",
                xy=(c + 0.3 * dc, r + 0.3 * dr),
                xytext=(c - 0.3 * dc, r - 0.3 * dr),
                arrowprops={"arrowstyle": "->", "color": "#444444", "lw": 1.2},
            )

    if path is not None:
        cells = [env.to_rowcol(s) for s in path]
        if cells:
            rows, cols = zip(*cells, strict=True)
            ax.plot(cols, rows, "-o", color="#ff7f0e", lw=2.5, ms=4, alpha=0.9)

    if agent is not None:
        r, c = env.to_rowcol(agent)
        ax.plot([c], [r], "o", color="red", ms=10)

    ax.set_xticks(np.arange(-0.5, env.ncol, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, env.nrow, 1), minor=True)
    ax.grid(which="minor", color="#bbbbbb", lw=0.5)
    ax.tick_params(which="both", bottom=False, left=False, labelbottom=False, labelleft=False)
    if title:
        ax.set_title(title)
    return ax


def greedy_policy(q: np.ndarray) -> np.ndarray:
    """One greedy action per state (lowest index among ties), for drawing a policy."""
    return np.asarray(q).argmax(axis=1)


def greedy_path(env: GridWorld, q: np.ndarray, max_steps: int | None = None) -> list[int]:
    """Follow the greedy policy of `q` in `env`'s *intended* moves from the start cell.

    Stops at a goal, at `max_steps` (default: number of states), or when a state repeats (a loop),
    so a broken plan is drawn as the loop it is rather than running forever.
    """
    max_steps = env.n_states if max_steps is None else max_steps
    s, path, seen = env.start_state, [env.start_state], {env.start_state}
    q = np.asarray(q)
    for _ in range(max_steps):
        if s in env.goal_states:
            break
        s = env._move(s, int(q[s].argmax()))
        path.append(s)
        if s in seen:
            break
        seen.add(s)
    return path


def plot_values(env: GridWorld, q: np.ndarray, ax: Any = None, title: str | None = None) -> Axes:
    """Heatmap of max_a Q(s, a) with the greedy policy as arrows: a picture of what was learned."""
    q = np.asarray(q)
    return draw_grid(env, ax=ax, values=q.max(axis=1), policy=greedy_policy(q), title=title)
