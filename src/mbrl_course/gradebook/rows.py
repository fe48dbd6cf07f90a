"""The gradebook: one record per submission, written as grades.csv and grades.json, shown as a table.

Schema of `grades.csv` (one row per submission, sorted by submission id):

    submission, assignment, <question columns...>, <written columns...>,
    auto, manual, total, possible, status, reason

* `submission`: unique id (path relative to the folder given to `mbrl-course grade`);
* `assignment`: the assignment graded against (empty if it could not be determined);
* one column per auto-graded question (`q1_1`, ...; in natural order): points earned;
* one column per manual (written) question: the points a human gave (empty until graded in
  `mbrl-course review`);
* column names are unique: when the file covers several assignments, every question column is
  qualified by its assignment (`02_dyna:q1_2`, `03_model_errors:q1_2`), so questions of the same
  name never share or repeat a column; a cell is empty when the row is another assignment's;
* `auto` / `manual`: auto-graded points earned / manual points given so far;
* `total` / `possible`: auto + manual points earned / auto + manual points available;
* `status`: `graded` (tests ran; the score stands), `timeout` (the wall-clock limit was hit),
  `invalid` (the file is not a gradable notebook for this assignment), `error` (grading itself
  failed, e.g. the grading process crashed);
* `reason`: one line saying why the status is not `graded` (empty otherwise, or a note),
  followed by `q9: answer changed since graded` for each written answer whose manual score was
  given for a different answer than the one stored now (the score is kept until re-reviewed).

`grades.json` holds the same plus each test's outcome and message (sanitised like the feedback),
each written answer's status and rubric items, the sandbox isolation report, the timings and the
feedback file of each submission; see :func:`write_json`. Both are exports of the gradebook
database (:mod:`.gradebook_db`): :func:`records_from_db` reads it back as rows.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mbrl_grader.results import Status, SubmissionResult, TestOutcome

from .db import ANSWER_CHANGED, GradebookDB, ManualScore, natural_key

STATUSES = tuple(Status)
JSON_FORMAT = "mbrl-course-grades/1"


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
class GradeRecord:
    """One gradebook row: which submission, for which assignment, and its one result.

    The auto-graded part is the runner's :class:`~mbrl_grader.results.SubmissionResult`
    unchanged; the written part holds each manual question's answer ``(status, text)``, its
    points available and the human's score when one was saved (:mod:`.gradebook_db`).
    """

    id: str
    source: str
    assignment: str | None
    result: SubmissionResult
    question_max: dict[str, float] = field(default_factory=dict)
    """Auto-graded points per question of the assignment (known even when nothing ran)."""
    seconds: float = 0.0
    """Wall time of this submission in the batch (reading, sandbox, runner)."""
    feedback: str | None = None
    written: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Manual question -> (status ok|empty|missing|malformed, Markdown answer)."""
    manual_max: dict[str, float] = field(default_factory=dict)
    """Points available per manual question."""
    manual: dict[str, ManualScore] = field(default_factory=dict)
    """Manual question -> the saved human score."""
    content_sha256: str = ""
    skipped: bool = False
    """True when --resume found this submission already graded (nothing new to store)."""

    @property
    def status(self) -> Status:
        """How grading ended."""
        return self.result.status

    @property
    def reason(self) -> str:
        """Why the status is not ``graded`` (or a note)."""
        return self.result.reason

    @property
    def tests(self) -> list[TestOutcome]:
        """The auto-graded test outcomes."""
        return self.result.outcomes

    @property
    def questions(self) -> dict[str, float]:
        """Auto-graded points earned per question (0 for every question when nothing ran)."""
        earned = {q: 0.0 for q in self.question_max}
        for q, v in self.result.per_question().items():  # the result model's own sums
            earned[q] = v["score"]
        return {
            q: round(v, 4) for q, v in sorted(earned.items(), key=lambda kv: natural_key(kv[0]))
        }

    @property
    def possible_per_question(self) -> dict[str, float]:
        """Auto-graded points available per question (from the outcomes, else the table)."""
        out = dict(self.question_max)
        if self.tests:
            from_tests: dict[str, float] = {}
            for t in self.tests:
                from_tests[t.question] = from_tests.get(t.question, 0.0) + float(t.max_points)
            out.update(from_tests)
        return {q: round(v, 4) for q, v in sorted(out.items(), key=lambda kv: natural_key(kv[0]))}

    @property
    def changed_answers(self) -> list[str]:
        """Manual questions whose saved score was given for another answer than the stored one."""
        return [
            q
            for q, score in sorted(self.manual.items(), key=lambda kv: natural_key(kv[0]))
            if score.answer_changed(self.written.get(q, ("missing", ""))[1])
        ]

    @property
    def notes(self) -> str:
        """The reason, then one note per changed answer (the CSV's `reason` cell)."""
        flags = [f"{q}: {ANSWER_CHANGED}" for q in self.changed_answers]
        return "; ".join([self.reason, *flags] if self.reason else flags)

    @property
    def auto_total(self) -> float:
        """Auto-graded points earned."""
        return round(sum(self.questions.values()), 4)

    @property
    def auto_possible(self) -> float:
        """Auto-graded points available for the assignment."""
        return round(sum(self.possible_per_question.values()), 4)

    @property
    def manual_total(self) -> float:
        """Points of the saved manual scores."""
        return round(sum(s.points for s in self.manual.values()), 4)

    @property
    def manual_possible(self) -> float:
        """Points of the assignment's manual questions."""
        return round(sum(self.manual_max.values()), 4)

    @property
    def total(self) -> float:
        """Auto + manual points earned."""
        return round(self.auto_total + self.manual_total, 4)

    @property
    def possible(self) -> float:
        """Auto + manual points available."""
        return round(self.auto_possible + self.manual_possible, 4)

    def to_json(self) -> dict:
        """JSON-ready dict of this row (see :func:`write_json`)."""
        earned = self.questions
        changed = set(self.changed_answers)
        return {
            "submission": self.id,
            "source": self.source,
            "assignment": self.assignment,
            "status": self.status.value,
            "reason": self.reason,
            "total": self.total,
            "possible": self.possible,
            "auto": self.auto_total,
            "auto_possible": self.auto_possible,
            "manual": self.manual_total,
            "manual_possible": self.manual_possible,
            "questions": {
                q: {"points": earned.get(q, 0.0), "max_points": m}
                for q, m in self.possible_per_question.items()
            },
            "written": {
                q: {
                    "status": self.written.get(q, ("missing", ""))[0],
                    "max_points": m,
                    "points": None if q not in self.manual else self.manual[q].points,
                    "items": [] if q not in self.manual else list(self.manual[q].items),
                    "comment": "" if q not in self.manual else self.manual[q].comment,
                    "grader": "" if q not in self.manual else self.manual[q].grader,
                    "answer_changed": q in changed,
                }
                for q, m in self.manual_max.items()
            },
            "tests": [dict(vars(t)) for t in self.tests],
            "isolation": self.result.isolation,
            "cell_errors": self.result.cell_errors,
            "seconds": round(self.seconds, 3),
            "runner_seconds": round(self.result.duration_s, 3),
            "timings": self.result.timings,
            "feedback": self.feedback,
        }


def question_columns(records: list[GradeRecord]) -> list[str]:
    """All auto-graded question names of the batch, in natural order."""
    names: set[str] = set()
    for r in records:
        names.update(r.possible_per_question)
    return sorted(names, key=natural_key)


def written_columns(records: list[GradeRecord]) -> list[str]:
    """All manual (written) question names of the batch, in natural order."""
    names: set[str] = set()
    for r in records:
        names.update(r.manual_max)
    return sorted(names, key=natural_key)


CSV_TAIL = ["auto", "manual", "total", "possible", "status", "reason"]
QUALIFIER = ":"
"""Separates assignment and question in a qualified column name (`02_dyna:q1_2`)."""


def _columns(records: list[GradeRecord]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(auto, written) question columns as ``(assignment, question)`` pairs, in order.

    With one assignment the assignment part is ``""`` (plain names); with several, every column
    belongs to one assignment, so no name is shared or repeated.
    """
    names = sorted({r.assignment or "" for r in records}, key=natural_key)
    if len(names) <= 1:
        return [("", q) for q in question_columns(records)], [
            ("", q) for q in written_columns(records)
        ]
    auto: list[tuple[str, str]] = []
    manual: list[tuple[str, str]] = []
    for name in names:
        mine = [r for r in records if (r.assignment or "") == name]
        auto += [(name, q) for q in question_columns(mine)]
        manual += [(name, q) for q in written_columns(mine)]
    return auto, manual


def column_name(assignment: str, question: str) -> str:
    """The CSV header of a question column (qualified when `assignment` is given)."""
    return f"{assignment}{QUALIFIER}{question}" if assignment else question


def csv_text(records: list[GradeRecord]) -> str:
    """grades.csv as text (schema in the module docstring)."""
    qcols, wcols = _columns(records)
    header = ["submission", "assignment", *(column_name(a, q) for a, q in qcols + wcols), *CSV_TAIL]
    if len(set(header)) != len(header):  # a question named like a fixed column: never silently
        raise ValueError(f"grades.csv would repeat a column name: {header}")
    fh = io.StringIO()
    w = csv.writer(fh)
    w.writerow(header)
    for r in sorted(records, key=lambda r: natural_key(r.id)):
        per_q = r.questions
        own = r.possible_per_question
        mine = r.assignment or ""
        w.writerow(
            [
                r.id,
                mine,
                *[
                    points_str(per_q.get(q, 0.0)) if q in own and a in ("", mine) else ""
                    for a, q in qcols
                ],
                *[
                    points_str(r.manual[q].points) if q in r.manual and a in ("", mine) else ""
                    for a, q in wcols
                ],
                points_str(r.auto_total),
                points_str(r.manual_total),
                points_str(r.total),
                points_str(r.possible),
                r.status.value,
                one_line(r.notes, limit=600),
            ]
        )
    return fh.getvalue()


def write_csv(records: list[GradeRecord], path: Path) -> Path:
    """Write grades.csv (schema in the module docstring)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write(csv_text(records))
    return path


def write_json(records: list[GradeRecord], path: Path) -> Path:
    """Write grades.json: ``{"format", "assignments": {name: {"questions", "written",
    "possible"}}, "submissions": [GradeRecord.to_json(), ...]}``."""
    assignments: dict[str, dict] = {}
    for r in records:
        if r.assignment and (r.possible_per_question or r.manual_max):
            entry = assignments.setdefault(
                r.assignment, {"questions": {}, "written": {}, "possible": 0.0}
            )
            if r.status == Status.GRADED or not entry["questions"]:
                entry["questions"] = r.possible_per_question
                entry["written"] = dict(sorted(r.manual_max.items()))
                entry["possible"] = r.possible
    doc = {
        "format": JSON_FORMAT,
        "assignments": dict(sorted(assignments.items())),
        "submissions": [r.to_json() for r in sorted(records, key=lambda r: natural_key(r.id))],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def records_from_db(db: GradebookDB, assignment: str | None = None) -> list[GradeRecord]:
    """Every stored submission (of `assignment`) as a gradebook row, manual scores included."""
    rows: list[GradeRecord] = []
    tables: dict[str, tuple[dict[str, float], dict[str, float], dict]] = {}
    for s in db.submissions(assignment):
        if s.assignment not in tables:
            tables[s.assignment] = (
                db.questions(s.assignment, "auto"),
                db.questions(s.assignment, "manual"),
                db.manual_scores(s.assignment),
            )
        auto, manual, scores = tables[s.assignment]
        rows.append(
            GradeRecord(
                id=s.submission_id,
                source=s.source,
                assignment=s.assignment or None,
                result=s.result,
                question_max=dict(auto),
                seconds=s.seconds,
                written=db.written_of(s.submission_id),
                manual_max=dict(manual),
                manual={q: sc for (sid, q), sc in scores.items() if sid == s.submission_id},
                content_sha256=s.content_sha256,
            )
        )
    return rows


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` characters (with an ellipsis when cut)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def format_table(records: list[GradeRecord], width: int | None = None) -> str:
    """The gradebook as a plain-text table, one block per assignment, fitted to `width`.

    `score` is the auto-graded score; a `written` column (when the assignment has written
    questions) shows the manual points so far, ``?`` while some are not graded. Per-question
    columns are shown when they fit; reasons (and "answer changed since graded" notes) go in the
    last column when at least 40 characters remain for them, otherwise in a list of notes under
    the table.
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
        has_written = any(r.manual_max for r in rows)
        fixed = id_w + 2 + 8 + 2 + 11 + 2 + (9 if has_written else 0)
        if fixed + sum(w + 1 for w in q_ws) > width:  # too wide: drop per-question columns
            qcols, q_ws = [], []
        used = fixed + sum(w + 1 for w in q_ws)
        inline = width - used - 1 >= 40
        head = f"{'submission':<{id_w}}  {'status':<8}  {'score':>11}  "
        head += f"{'written':>7}  " if has_written else ""
        head += "".join(f"{q:>{w}} " for q, w in zip(qcols, q_ws, strict=True))
        head += " reason" if inline else ""
        lines = [f"== {name} ==", head.rstrip(), "-" * min(width, max(len(head), used))]
        notes = []
        for r in rows:
            score = f"{points_str(r.auto_total)}/{points_str(r.auto_possible)}"
            line = f"{_cut(r.id, id_w):<{id_w}}  {r.status:<8}  {score:>11}  "
            if has_written:
                done = len(r.manual) >= len(r.manual_max)
                got = points_str(r.manual_total) if done else "?"
                line += f"{got + '/' + points_str(r.manual_possible):>7}  "
            per_q = r.questions
            own = r.possible_per_question
            line += "".join(
                f"{(points_str(per_q.get(q, 0.0)) if q in own else '-'):>{w}} "
                for q, w in zip(qcols, q_ws, strict=True)
            )
            if r.notes and inline:
                line += " " + _cut(one_line(r.notes), width - len(line) - 1)
            elif r.notes:
                notes.append(_cut(f"  {r.id}: {one_line(r.notes)}", width))
            lines.append(line.rstrip())
        if notes:
            lines += ["notes:", *notes]
        counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
        lines.append(
            f"{len(rows)} submission(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
