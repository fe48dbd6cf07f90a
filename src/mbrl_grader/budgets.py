"""Time budgets of grading: how long each test case and each graded cell may run.

Why: a flat per-test limit either wastes minutes on a hang or fails a slow correct solution.
The budgets come from the solution's own measured times (``mbrl-course budgets`` grades the
solution and writes ``solutions/NN_topic/budgets.json``; the build copies it, unchanged, into
``autograder/NN_topic/budgets.json`` and the Gradescope zip), so a hang costs seconds and a
correct solution many times slower than ours still earns full marks. The file::

    {"format": "mbrl-budgets/1", "margin": 20, "test_floor_s": 2, "cell_floor_s": 10,
     "tests": {"q1_3:test_run_episodes_time_limits": 0.05, ...},   # measured seconds
     "cells": {"7": 0.2, ...}}                                     # code cell number -> seconds

Measured seconds are the slowest of several runs rounded up (:func:`quantise`), and the file is measured at an explicit step and committed, so builds stay
byte-identical on every machine.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BUDGETS_FILE = "budgets.json"
BUDGETS_FORMAT = "mbrl-budgets/1"
BUDGET_MARGIN = 20.0
"""A budget is this many times the measured time: 10x slower code on a 2x slower grader.

The measured time is already pessimistic: the slowest of 3 runs on the shared, loaded
development machine (load 7-10 on 2 cores), rounded up by :func:`quantise`."""
TEST_FLOOR_S = 2.0
"""No test case gets less (process scheduling on a loaded machine, RPC latency)."""
CELL_FLOOR_S = 10.0
"""No graded cell gets less (imports, a cold file cache)."""
FALLBACK_TEST_S = 60.0
"""The per-test limit when the autograder has no budgets file (toy autograders in tests)."""


_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def quantise(seconds: float) -> float:
    """``seconds`` rounded UP to the series 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (x 10^k), at
    least 0.01: re-measuring rarely changes the file, and never by more than 25 %."""
    if seconds <= 0.01:
        return 0.01
    exponent = math.floor(math.log10(seconds))
    for mantissa in _STEPS:
        value = round(mantissa * 10.0**exponent, 6)
        if value >= seconds - 1e-12:
            return value
    return round(10.0 ** (exponent + 1), 6)  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Budgets:
    """Measured times of the solution and the limits derived from them."""

    tests: dict[str, float] = field(default_factory=dict)
    """``question:test_function`` -> measured seconds."""
    cells: dict[str, float] = field(default_factory=dict)
    """Code cell number (1-based, as the student sees it) -> measured seconds."""
    margin: float = BUDGET_MARGIN
    test_floor_s: float = TEST_FLOOR_S
    cell_floor_s: float = CELL_FLOOR_S

    @property
    def measured(self) -> bool:
        """Whether there are measurements at all (else the fallback limits apply)."""
        return bool(self.tests)

    def test_limit(self, key: str) -> float:
        """The budget of one test case; a test measured after the file was written gets the
        largest measured test's budget."""
        if not self.tests:
            return FALLBACK_TEST_S
        seconds = self.tests.get(key, max(self.tests.values()))
        return max(self.test_floor_s, self.margin * seconds)

    def cell_limit(self, cap: float) -> float:
        """The budget of every graded cell: margin x the slowest graded solution cell, floored,
        never above ``cap`` (``Limits.cell_timeout_s``).

        One budget for all cells because a student's cells need not line up with the
        solution's (added, split or merged cells).
        """
        if not self.cells:
            return cap
        return min(cap, max(self.cell_floor_s, self.margin * max(self.cells.values())))

    def to_json(self) -> str:
        """The file's text: sorted keys, quantised seconds, a final newline (deterministic)."""
        data = {
            "format": BUDGETS_FORMAT,
            "margin": self.margin,
            "test_floor_s": self.test_floor_s,
            "cell_floor_s": self.cell_floor_s,
            "tests": {k: quantise(v) for k, v in sorted(self.tests.items())},
            "cells": {
                k: quantise(v) for k, v in sorted(self.cells.items(), key=lambda kv: int(kv[0]))
            },
        }
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Budgets:
        """Parse the file's content (ValueError when it is not a budgets file)."""
        if data.get("format") != BUDGETS_FORMAT:
            raise ValueError(f"not a budgets file (format {data.get('format')!r})")
        return cls(
            tests={str(k): float(v) for k, v in dict(data.get("tests", {})).items()},
            cells={str(k): float(v) for k, v in dict(data.get("cells", {})).items()},
            margin=float(data.get("margin", BUDGET_MARGIN)),
            test_floor_s=float(data.get("test_floor_s", TEST_FLOOR_S)),
            cell_floor_s=float(data.get("cell_floor_s", CELL_FLOOR_S)),
        )


def load_budgets(autograder_dir: str | os.PathLike[str]) -> Budgets:
    """The budgets of an autograder folder (empty :class:`Budgets` when it has no file).

    An unreadable file counts as none: grading must never fail over a missing measurement.
    """
    path = Path(autograder_dir) / BUDGETS_FILE
    try:
        return Budgets.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return Budgets()
