"""The report's figures: one histogram per question and one of the totals, as base64 PNG.

Why PNG in a data: URL: the page must be one self-contained file that opens offline and under
the review page's Content-Security-Policy (``img-src 'self' data:``), and matplotlib's Agg
backend needs no display. One figure with a panel per question keeps the cost to one render.
"""

from __future__ import annotations

import base64
import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .collect import ClassReport, QuestionStats  # noqa: E402

COLUMNS = 4


def _bins(points: float) -> list[float]:
    """Bin edges centred on the possible scores: unit steps up to 10 points, else 10 bins."""
    if points <= 0:
        return [-0.5, 0.5]
    step = 0.5 if points <= 3 else (1.0 if points <= 10 else points / 10)
    n = int(math.ceil(points / step))
    return [-step / 2 + k * step for k in range(n + 2)]


def _panel(ax, stats: QuestionStats) -> None:
    ax.hist(stats.scores, bins=_bins(stats.points), color="#4c72b0" if stats.kind == "auto"
            else "#dd8452", edgecolor="white")  # fmt: skip
    extra = f", {stats.ungraded} ungraded" if stats.ungraded else ""
    ax.set_title(f"{stats.question} ({stats.points:g} pt{extra})", fontsize=9)
    ax.set_xlim(-0.5 if stats.points <= 3 else -1, stats.points + (0.5 if stats.points <= 3 else 1))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.tick_params(labelsize=7)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)  # fixed layout: "tight" measures text, slowly
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def question_histograms(report: ClassReport) -> str:
    """Base64 PNG: score histograms of every question (blue: tests, orange: written)."""
    panels = report.questions
    rows = max(1, math.ceil(len(panels) / COLUMNS))
    fig, axes = plt.subplots(rows, COLUMNS, figsize=(2.6 * COLUMNS, 2.0 * rows), squeeze=False)
    for ax, stats in zip(axes.flat, panels, strict=False):
        _panel(ax, stats)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.supylabel("submissions", fontsize=8)
    height = 2.0 * rows  # inches; margins of about 0.35 in at the top and bottom
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.35 / height, top=1 - 0.35 / height,
                        wspace=0.3, hspace=0.6)  # fmt: skip
    return _png(fig)


def total_histogram(report: ClassReport) -> str:
    """Base64 PNG: histogram of the submissions' total scores."""
    fig, ax = plt.subplots(figsize=(6, 2.4))
    top = max(report.possible, max(report.totals, default=0.0), 1.0)
    ax.hist(report.totals, bins=min(30, max(5, int(top))), range=(0, top), color="#55a868",
            edgecolor="white")  # fmt: skip
    ax.set_xlabel(f"total score (of {report.possible:g}; written answers as graded so far)")
    ax.set_ylabel("submissions")
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.22, top=0.95)
    return _png(fig)
