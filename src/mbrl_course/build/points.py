"""Points of a master: a question's ``points:`` is the one source every other number follows.

Why: otter only refuses one direction of a mismatch ("More points specified in test cases than
allowed for test", naming neither the question nor the fix) and silently accepts question points
above the tests' sum; a written question's points also appear in its prompt and its rubric. The
build calls :func:`point_problems` and :func:`written_point_problems` first, so an instructor who
changes a question's points is told which question, the numbers and what to edit; it then writes
the written questions' points into their prompts (:func:`stamp_written_points`) and the README's
assignment table (:func:`sync_readme_table`), so no human copies a number by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from ..written.rubrics import (
    MasterQuestion,
    RubricError,
    master_questions,
    parse_rubric,
    rubric_cell_index,
    split_rubric,
)

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


# ---------------------------------------------------------------- written questions' points

PROMPT_POINTS_RE = re.compile(r"(?P<p>\d+(?:\.\d+)?)\s*(?:pts?|points?)\b", re.I)
LEAD_RE = re.compile(r"^\*\*(?P<lead>.+?)\*\*")


def points_text(points: float) -> str:
    """``2 points``, ``1 point``, ``0.5 points``."""
    return f"{_fmt(points)} point{'' if points == 1 else 's'}"


def _prompt_cell(nb: nbformat.NotebookNode, question: MasterQuestion) -> int | None:
    """Index of the question's first prompt cell (Markdown outside the solution), or None."""
    for index in question.cells:
        cell = nb.cells[index]
        if cell.cell_type == "markdown" and index not in question.solution_cells:
            if cell.source.strip():
                return index
    return None


def _stated_points(source: str) -> float | None:
    """Points a prompt states in its bold lead-in (``**Question 2 (written, 3 points).**``)."""
    lead = LEAD_RE.match(source.lstrip())
    found = PROMPT_POINTS_RE.search(lead["lead"]) if lead else None
    return float(found["p"]) if found else None


def written_point_problems(master: Path) -> list[str]:
    """One message per written question whose prompt or rubric disagrees with its ``points:``.

    The question's ``points:`` is the one source: the rubric header must repeat it and the
    rubric items must add up to it; a prompt need not state points (the build writes them,
    :func:`stamp_written_points`), and one that does must state the same number. Rubrics that
    cannot be parsed are left to ``validate`` (so one typo does not block the other masters).
    """
    nb = nbformat.read(master, as_version=4)
    problems = []
    for q in master_questions(nb):
        if not q.manual:
            continue
        where = f"{master.stem} {q.name}"
        index = _prompt_cell(nb, q)
        stated = None if index is None else _stated_points(nb.cells[index].source)
        if stated is not None and stated != q.points:
            problems.append(
                f"{where}: the prompt says {points_text(stated)} but the question is worth "
                f"{_fmt(q.points)} (points: in its # BEGIN QUESTION cell); remove the points "
                "from the prompt's bold lead-in (the build writes them from points:)"
            )
        rubric_index = rubric_cell_index(nb, q)
        if rubric_index is None:
            continue
        try:
            header, items, _ = parse_rubric(split_rubric(nb.cells[rubric_index].source)[1], q.name)
        except RubricError:
            continue
        total = round(sum(item.points for item in items), 6)
        if header != q.points or total != q.points:
            parts = " + ".join(_fmt(item.points) for item in items)
            problems.append(
                f"{where}: the question is worth {_fmt(q.points)} points (points: in its # BEGIN "
                f"QUESTION cell) but its rubric header says {_fmt(header)} and its items add up "
                f"to {_fmt(total)} ({parts}); make the header '**Rubric** ({points_text(q.points)}):' "
                f"and the items' points add up to {_fmt(q.points)}, or change points: if the "
                "rubric is right"
            )
    return problems


def stamp_written_points(staged_master: Path) -> int:
    """Write each written question's points into its prompt's bold lead-in (in place).

    ``**Question 2.5 (written).**`` becomes ``**Question 2.5 (written, 2 points).**``; a lead-in
    without parentheses gets `` (2 points)`` before its final punctuation; a prompt without a
    bold lead-in starts with ``**(2 points)**``. A prompt that already states its points (checked
    equal by :func:`written_point_problems`) is left alone. Returns the prompts changed.
    """
    nb = nbformat.read(staged_master, as_version=4)
    changed = 0
    for q in master_questions(nb):
        index = _prompt_cell(nb, q) if q.manual else None
        if index is None or _stated_points(nb.cells[index].source) is not None:
            continue
        cell = nb.cells[index]
        body = cell.source.lstrip()
        text = points_text(q.points)
        lead = LEAD_RE.match(body)
        if lead is None:
            cell.source = f"**({text})** {body}"
        else:
            inner = lead["lead"]
            stripped = inner.rstrip(".:!? ")
            tail = inner[len(stripped) :]
            if stripped.endswith(")"):
                stamped = f"{stripped[:-1]}, {text})"
            else:
                stamped = f"{stripped} ({text})"
            cell.source = f"**{stamped}{tail}**{body[lead.end() :]}"
        changed += 1
    if changed:
        nbformat.write(nb, staged_master)
    return changed


# ---------------------------------------------------------------- the README's assignment table

README_COLUMNS = ("Auto points", "Written (manual)")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def sync_readme_table(text: str, masters: dict[str, Path]) -> str:
    """`text` (README.md) with its assignment table's point columns computed from `masters`.

    The table is the one whose header has ``Auto points`` and ``Written (manual)``; in each row
    whose first cell is a master's name in backticks those two cells are rewritten. Everything
    else (the hand-written topic columns) is kept byte for byte.
    """
    out = []
    columns: tuple[int, int] | None = None
    for line in text.splitlines(keepends=True):
        cells = _cells(line) if line.lstrip().startswith("|") else []
        if all(c in cells for c in README_COLUMNS):
            columns = (cells.index(README_COLUMNS[0]), cells.index(README_COLUMNS[1]))
        elif not cells:
            columns = None
        elif columns is not None and cells[0].strip("`") in masters and cells[0].startswith("`"):
            auto, manual = auto_and_manual_points(masters[cells[0].strip("`")])
            cells[columns[0]], cells[columns[1]] = _fmt(auto), _fmt(manual)
            end = line[len(line.rstrip("\r\n")) :]
            line = "| " + " | ".join(cells) + " |" + end
        out.append(line)
    return "".join(out)
