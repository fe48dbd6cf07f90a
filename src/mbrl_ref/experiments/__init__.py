"""Reproductions of Sutton & Barto's Chapter 8 figures, one module per figure.

``fig8_2`` (Dyna maze, n = 0/5/50), ``fig8_4`` (blocking maze), ``fig8_5`` (shortcut maze). Each
module has a frozen config dataclass (defaults: the book's settings) and ``run(config)`` returning
a frozen result dataclass with per-run arrays, means and standard errors. ``_engine`` is the fast
plain-Python implementation they use by default.
"""

from __future__ import annotations

from . import fig8_2, fig8_4, fig8_5

FIGURES = {"fig8.2": fig8_2, "fig8.4": fig8_4, "fig8.5": fig8_5}
"""CLI name -> figure module."""

__all__ = ["FIGURES", "fig8_2", "fig8_4", "fig8_5"]
