"""Helpers shared by the figure modules: per-run seeds, mean and standard error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

Engine = Literal["fast", "reference"]
Progress = Callable[[int], None] | None
"""Optional callback, called with 1 after every finished run (e.g. ``tqdm.update``)."""


def run_seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """Independent per-run seeds: ``np.random.SeedSequence(seed).spawn(runs)``."""
    return np.random.SeedSequence(seed).spawn(runs)


def fresh(ss: np.random.SeedSequence) -> np.random.SeedSequence:
    """An unspawned copy of ``ss`` (spawning mutates a SeedSequence; reuse needs a copy)."""
    return np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key)


def mean_stderr(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mean over ``axis`` and the standard error of that mean, ``std(ddof=1) / sqrt(n)``."""
    n = values.shape[axis]
    mean = values.mean(axis=axis)
    if n < 2:
        return mean, np.zeros_like(mean)
    return mean, values.std(axis=axis, ddof=1) / np.sqrt(n)
