"""Learning curves: mean and standard-error bands over independent runs.

``plot_curves({"Dyna-Q (n=5)": steps_a, "Q-learning": steps_b}, xlabel="episode",
ylabel="steps per episode")`` draws one line per entry (the mean over runs) with a shaded band of
plus/minus one standard error of that mean. Each value is an array of shape (runs, points); a 1-D
array counts as a single run (no band). NaN entries (e.g. runs that stopped early) are ignored
point by point.

Only numpy and matplotlib are used here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["mean_and_stderr", "plot_curves"]


def mean_and_stderr(runs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Mean over runs and its standard error, point by point.

    ``runs`` has shape (runs, points) (or (points,) for a single run). The standard error is
    ``std(ddof=1) / sqrt(n)`` with ``n`` the number of non-NaN runs at that point; it is 0 where
    fewer than two runs have a value.
    """
    data = np.asarray(runs, dtype=float)
    if data.ndim == 1:
        data = data[None, :]
    if data.ndim != 2:
        raise ValueError(f"expected an array of shape (runs, points), got shape {data.shape}")
    valid = ~np.isnan(data)
    n = valid.sum(axis=0)
    total = np.where(valid, data, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        sq = np.where(valid, (data - mean) ** 2, 0.0).sum(axis=0)
        var = np.where(n > 1, sq / np.maximum(n - 1, 1), 0.0)
        stderr = np.where(n > 1, np.sqrt(var / np.maximum(n, 1)), 0.0)
    return mean, stderr


def plot_curves(
    curves: Mapping[str, Any],
    ax=None,
    x: Any = None,
    xlabel: str = "episode",
    ylabel: str = "",
    title: str | None = None,
    log_y: bool = False,
    colors: Sequence[str] | Mapping[str, str] | None = None,
    band_alpha: float = 0.25,
    legend: bool = True,
    **line_kwargs: Any,
):
    """Plot mean +/- standard error of several sets of runs; return the matplotlib Axes.

    Parameters
    ----------
    curves : dict label -> array of shape (runs, points) (1-D: a single run).
    ax : Axes to draw on (default: a new figure).
    x : x values shared by all curves, or a dict label -> x values (default 1, 2, ..., points).
    xlabel, ylabel, title : axis labels and title.
    log_y : use a logarithmic y axis (useful for steps per episode).
    colors : list of colours in order, or dict label -> colour (default: matplotlib's cycle).
    band_alpha : opacity of the standard-error band.
    legend : draw a legend.
    line_kwargs : passed to ``ax.plot`` (e.g. ``linewidth=1``).
    """
    import matplotlib.pyplot as plt

    if not isinstance(curves, Mapping):
        raise TypeError("plot_curves expects a dict {label: array of shape (runs, points)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for i, (label, runs) in enumerate(curves.items()):
        mean, stderr = mean_and_stderr(runs)
        if isinstance(x, Mapping):
            xs = np.asarray(x[label], dtype=float)
        elif x is not None:
            xs = np.asarray(x, dtype=float)
        else:
            xs = np.arange(1, mean.size + 1, dtype=float)
        if xs.shape != mean.shape:
            raise ValueError(f"curve {label!r}: {mean.size} points but {xs.size} x values")
        kwargs = dict(line_kwargs)
        if isinstance(colors, Mapping):
            if label in colors:
                kwargs["color"] = colors[label]
        elif colors is not None:
            kwargs["color"] = colors[i % len(colors)]
        (line,) = ax.plot(xs, mean, label=str(label), **kwargs)
        if np.any(stderr > 0):
            low, high = mean - stderr, mean + stderr
            if log_y:  # keep the band on the positive side of a log axis
                low = np.where(low > 0, low, np.nan)
            ax.fill_between(xs, low, high, color=line.get_color(), alpha=band_alpha, linewidth=0)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend and len(curves) > 0:
        ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return ax
