"""The gradebook: one record per submission, written as grades.csv and grades.json, shown as a table.

Schema of `grades.csv` (one row per submission, sorted by submission id):

    submission, assignment, <question columns...>, total, possible, status, reason

* `submission`: unique id (path relative to the folder given to `mbrl-course grade`);
* `assignment`: the assignment graded against (empty if it could not be determined);
* one column per auto-graded question (`q1_1`, ...; union over the batch's assignments, in
  natural order): points earned; empty when the question is not part of the row's assignment;
* `total` / `possible`: points earned / auto-graded points available (manual questions are
  graded by hand and are not included);
* `status`: `graded` (tests ran; the score stands), `timeout` (the wall-clock limit was hit),
  `invalid` (the file is not a gradable notebook for this assignment), `error` (grading itself
  failed, e.g. the grading process crashed);
* `reason`: one line saying why the status is not `graded` (empty otherwise, or a note).

`grades.json` holds the same plus each test's outcome and message (sanitised like the feedback),
the timings and the feedback file of each submission; see :func:`write_json`.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUSES = ("graded", "timeout", "invalid", "error")
JSON_FORMAT = "mbrl-course-grades/1"


def natural_key(text: str) -> list[object]:
    """Sort key that orders `q2_10` after `q2_9`."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def points_str(x: float | None) -> str:
    """Points as short text: `2`, `1.5`, `0.3333` (rounded to 4 decimals, no float noise)."""
    if x is None:
        return ""
    x = round(float(x), 4)
    if x == int(x):
        return str(int(x))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace to one line and cut it at `limit` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class TestRecord:
    """The outcome of one test case (mirrors the runner's TestOutcome)."""

    __test__ = False  # not a pytest test class

    question: str
    name: str
    hidden: bool
    points: float
    max_points: float
    passed: bool
    message: str = ""
    test: str = ""

    @property
    def key(self) -> str:
        """``question:test_function``: the stable id of this test case."""
        return f"{self.question}:{self.test or self.name}"


@dataclass
class GradeRecord:
    """Everything known about one graded (or ungradable) submission."""

    id: str
    source: str
    assignment: str | None
    status: str
    reason: str = ""
    tests: list[TestRecord] = field(default_factory=list)
    question_max: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    execution_seconds: float | None = None
    runner_seconds: float | None = None
    feedback: str | None = None

    @property
    def questions(self) -> dict[str, float]:
        """Points earned per question (0 for every question when nothing could be graded)."""
        earned = {q: 0.0 for q in self.question_max}
        for t in self.tests:
            earned[t.question] = earned.get(t.question, 0.0) + (
                float(t.points) if t.passed else 0.0
            )
        return {
            q: round(v, 4) for q, v in sorted(earned.items(), key=lambda kv: natural_key(kv[0]))
        }

    @property
    def possible_per_question(self) -> dict[str, float]:
        """Points available per question (from the test outcomes, else the assignment's table)."""
        out = dict(self.question_max)
        if self.tests:
            from_tests: dict[str, float] = {}
            for t in self.tests:
                from_tests[t.question] = from_tests.get(t.question, 0.0) + float(t.max_points)
            out.update(from_tests)
        return {q: round(v, 4) for q, v in sorted(out.items(), key=lambda kv: natural_key(kv[0]))}

    @property
    def total(self) -> float:
        """Points earned."""
        return round(sum(self.questions.values()), 4)

    @property
    def possible(self) -> float:
        """Auto-graded points available for the assignment."""
        return round(sum(self.possible_per_question.values()), 4)

    def to_json(self) -> dict:
        """JSON-ready dict of this record (see module docstring)."""
        return {
            "submission": self.id,
            "source": self.source,
            "assignment": self.assignment,
            "status": self.status,
            "reason": self.reason,
            "total": self.total,
            "possible": self.possible,
            "questions": {
                q: {"points": self.questions.get(q, 0.0), "max_points": m}
                for q, m in self.possible_per_question.items()
            },
            "tests": [asdict(t) for t in self.tests],
            "seconds": round(self.seconds, 3),
            "execution_seconds": (
                None if self.execution_seconds is None else round(self.execution_seconds, 3)
            ),
            "runner_seconds": (
                None if self.runner_seconds is None else round(self.runner_seconds, 3)
            ),
            "feedback": self.feedback,
        }


def question_columns(records: list[GradeRecord]) -> list[str]:
    """All question names of the batch, in natural order."""
    names: set[str] = set()
    for r in records:
        names.update(r.possible_per_question)
    return sorted(names, key=natural_key)


def write_csv(records: list[GradeRecord], path: Path) -> Path:
    """Write grades.csv (schema in the module docstring)."""
    qcols = question_columns(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["submission", "assignment", *qcols, "total", "possible", "status", "reason"])
        for r in sorted(records, key=lambda r: natural_key(r.id)):
            per_q = r.questions
            own = r.possible_per_question
            w.writerow(
                [
                    r.id,
                    r.assignment or "",
                    *[points_str(per_q.get(q, 0.0)) if q in own else "" for q in qcols],
                    points_str(r.total),
                    points_str(r.possible),
                    r.status,
                    one_line(r.reason),
                ]
            )
    return path


def write_json(records: list[GradeRecord], path: Path) -> Path:
    """Write grades.json: `{"format", "assignments": {name: {"questions", "possible"}}, "submissions": [...]}`."""
    assignments: dict[str, dict] = {}
    for r in records:
        if r.assignment and r.possible_per_question:
            entry = assignments.setdefault(r.assignment, {"questions": {}, "possible": 0.0})
            if r.status == "graded" or not entry["questions"]:
                entry["questions"] = r.possible_per_question
                entry["possible"] = r.possible
    doc = {
        "format": JSON_FORMAT,
        "assignments": dict(sorted(assignments.items())),
        "submissions": [r.to_json() for r in sorted(records, key=lambda r: natural_key(r.id))],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` characters (with an ellipsis when cut)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def format_table(records: list[GradeRecord], width: int | None = None) -> str:
    """The gradebook as a plain-text table, one block per assignment, fitted to `width`.

    Per-question columns are shown when they fit; reasons go in the last column when at least
    40 characters remain for them, otherwise in a list of notes under the table.
    """
    if width is None:
        width = max(80, shutil.get_terminal_size((120, 24)).columns)
    blocks: list[str] = []
    by_assignment: dict[str, list[GradeRecord]] = {}
    for r in sorted(records, key=lambda r: natural_key(r.id)):
        by_assignment.setdefault(r.assignment or "(unknown assignment)", []).append(r)
    for name in sorted(by_assignment, key=natural_key):
        rows = by_assignment[name]
        qcols = question_columns(rows)
        id_w = min(max(len("submission"), *(len(r.id) for r in rows)), 40)
        q_ws = [max(len(q), 4) for q in qcols]
        fixed = id_w + 2 + 8 + 2 + 11 + 2
        if fixed + sum(w + 1 for w in q_ws) > width:  # too wide: drop per-question columns
            qcols, q_ws = [], []
        used = fixed + sum(w + 1 for w in q_ws)
        inline = width - used - 1 >= 40
        head = f"{'submission':<{id_w}}  {'status':<8}  {'score':>11}  "
        head += "".join(f"{q:>{w}} " for q, w in zip(qcols, q_ws, strict=True))
        head += " reason" if inline else ""
        lines = [f"== {name} ==", head.rstrip(), "-" * min(width, max(len(head), used))]
        notes = []
        for r in rows:
            score = f"{points_str(r.total)}/{points_str(r.possible)}"
            line = f"{_cut(r.id, id_w):<{id_w}}  {r.status:<8}  {score:>11}  "
            per_q = r.questions
            own = r.possible_per_question
            line += "".join(
                f"{(points_str(per_q.get(q, 0.0)) if q in own else '-'):>{w}} "
                for q, w in zip(qcols, q_ws, strict=True)
            )
            if r.reason and inline:
                line += " " + _cut(one_line(r.reason), width - len(line) - 1)
            elif r.reason:
                notes.append(_cut(f"  {r.id}: {one_line(r.reason)}", width))
            lines.append(line.rstrip())
        if notes:
            lines += ["notes:", *notes]
        counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
        lines.append(
            f"{len(rows)} submission(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
