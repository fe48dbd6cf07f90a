"""Points of a master: each question's ``points:`` against the sum of its tests' points.

Why: otter only refuses one direction of a mismatch ("More points specified in test cases than
allowed for test", naming neither the question nor the fix) and silently accepts question points
above the tests' sum. The build calls :func:`point_problems` first so an instructor who
changes a question's points is told which question, both numbers and what to edit. The README's
assignment table is checked against :func:`auto_and_manual_points` by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

TEST_CONFIG_START = '""" # BEGIN TEST CONFIG'
TEST_CONFIG_END = '""" # END TEST CONFIG'


@dataclass
class QuestionPoints:
    """One question of a master: its declared points and those of its test cells."""

    name: str
    points: float | None
    manual: bool
    tests: list[tuple[str, float | None]] = field(default_factory=list)
    """(test function name, its TEST CONFIG points or None when not given)."""


def _test_config(source: str) -> tuple[dict, str]:
    """The TEST CONFIG mapping of a test cell and the name of its test function."""
    config: dict = {}
    text = source.lstrip()
    if text.startswith(TEST_CONFIG_START) and TEST_CONFIG_END in text:
        block = text[len(TEST_CONFIG_START) : text.index(TEST_CONFIG_END)]
        config = yaml.safe_load(block) or {}
    name = next(
        (line.split("(")[0][4:].strip() for line in text.splitlines() if line.startswith("def ")),
        "?",
    )
    return (config if isinstance(config, dict) else {}), name


def read_questions(master: Path) -> list[QuestionPoints]:
    """The questions of a master in notebook order, with the points of their test cells."""
    nb = nbformat.read(master, as_version=4)
    questions: list[QuestionPoints] = []
    current: QuestionPoints | None = None
    in_tests = False
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            meta = yaml.safe_load(text) or {}
            points = meta.get("points")
            current = QuestionPoints(
                str(meta.get("name")),
                float(points) if isinstance(points, (int, float)) else None,
                bool(meta.get("manual", False)),
            )
            questions.append(current)
        elif cell.cell_type == "raw" and text.startswith("# END QUESTION"):
            current, in_tests = None, False
        elif cell.cell_type == "raw" and text.startswith("# BEGIN TESTS"):
            in_tests = True
        elif cell.cell_type == "raw" and text.startswith("# END TESTS"):
            in_tests = False
        elif in_tests and current is not None and cell.cell_type == "code":
            config, name = _test_config(cell.source)
            pts = config.get("points")
            current.tests.append((name, float(pts) if isinstance(pts, (int, float)) else None))
    return questions


def _fmt(x: float) -> str:
    return f"{x:g}"


def point_warnings(master: Path) -> list[str]:
    """Questions worth points that otter grades neither automatically nor manually."""
    return [
        f"{master.stem} {q.name}: the question is worth {_fmt(q.points)} points but has no tests "
        f"and is not `manual: true`, so nobody grades it; add tests between # BEGIN TESTS and "
        f"# END TESTS, add `manual: true` to its # BEGIN QUESTION cell, or set points: 0"
        for q in read_questions(master)
        if not q.manual and q.points and not q.tests
    ]


def point_problems(master: Path) -> list[str]:
    """One message per auto-graded question whose points differ from its tests' sum."""
    problems = []
    for q in read_questions(master):
        if q.manual or q.points is None or not q.tests:
            continue
        given = [p for _, p in q.tests if p is not None]
        unset = [t for t, p in q.tests if p is None]
        total = sum(given)
        parts = " + ".join(_fmt(p) for p in given) or "no tests"
        where = f"{master.stem} {q.name}"
        if unset and total > q.points:
            problems.append(
                f"{where}: the question is worth {_fmt(q.points)} points but its tests with "
                f"points already sum to {_fmt(total)} ({parts}); lower those tests' TEST CONFIG "
                f"points or raise the question's points: to at least {_fmt(total)}"
            )
        elif not unset and abs(total - q.points) > 1e-9:
            problems.append(
                f"{where}: the question is worth {_fmt(q.points)} points but its tests sum to "
                f"{_fmt(total)} ({parts}); set the question's points: to {_fmt(total)} in its "
                f"# BEGIN QUESTION cell, or change the tests' TEST CONFIG points to sum to "
                f"{_fmt(q.points)}"
            )
    return problems


def auto_and_manual_points(master: Path) -> tuple[float, float]:
    """(auto-graded points, written points) of a master, as its questions declare them.

    A question with points but no tests counts as written: it can only be graded by hand (the
    build warns when it lacks ``manual: true``, see :func:`point_warnings`).
    """
    auto = manual = 0.0
    for q in read_questions(master):
        pts = q.points if q.points is not None else sum(p or 0.0 for _, p in q.tests)
        if q.manual or not q.tests:
            manual += pts
        else:
            auto += pts
    return auto, manual
