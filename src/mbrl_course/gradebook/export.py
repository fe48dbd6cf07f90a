"""`mbrl-course export --format canvas|csv [--roster roster.csv] [--out FILE]`: the gradebook for an LMS.

Canvas's grade import (Gradebook > Import, "CSV file") reads the layout Canvas itself exports:

    Student,ID,SIS User ID,SIS Login ID,Section,02_dyna (1234),03_model_errors
        Points Possible,,,,,20,18
    "Doe, Jane",5501,jd42,jdoe,Section 1,17.5,
    ...

* the first five columns identify the student: ``Student`` (display name, "Last, First"),
  ``ID`` (Canvas user id), ``SIS User ID``, ``SIS Login ID``, ``Section``; Canvas matches rows to
  students by these ids, so they are copied verbatim from the roster (a roster exported from
  the Canvas gradebook has exactly these columns);
* one column per assignment; an existing Canvas assignment is named ``Name (canvas id)``
  (pass ``--canvas-id 02_dyna=1234``), a column without an id creates a new assignment on import;
* the second row is ``Points Possible`` in the Student column (Canvas writes it with four
  leading spaces) and each assignment's points in its column;
* an empty cell leaves the student's grade unchanged on import; a number replaces it.

Scores are the gradebook totals (auto-graded + manual scores saved so far). A row whose grading
failed (status ``error``) or which is ambiguous (two submissions of one student for one
assignment) is left empty and reported. Submissions are matched to roster rows by, in order, a
``Submission`` column of the roster (the submission id), else a Canvas bulk-download name
(``smithalice[_LATE]_5500_123456_02_dyna.ipynb``: the Canvas user id ``5500`` against ``ID``,
then the name against ``Student``, see :mod:`.submission_names`), else the SIS Login ID, SIS User
ID or ID equal to the submission id, its first folder (``jdoe/02_dyna.ipynb``) or its file name
stem (``jdoe.ipynb``; an otter export's time stamp ``_2026_12_01T10_00_00_123456`` dropped).
Roster students without a submission for an assignment stay in the file with empty cells and are
listed; submissions without a roster entry are listed (``csv`` also keeps them as rows). Nothing
is dropped silently.

A written answer whose manual score was given for an earlier version of the answer (regraded
since) keeps its score in the cell and is reported as "answer changed since graded".

Written answers without a saved score count as 0 in the totals, so the export then warns (how
many, and which questions and submissions) and exits 1 although the file is written; pass
``--allow-incomplete`` to accept that (exit 0, the list is still printed). Exit 2: nothing was
exported (no gradebook, unreadable roster, ``canvas`` without a roster).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mbrl_grader.results import Status

from ..course import course_root, gradebook_path
from ..errors import CourseConfigError, ExportError
from ..grading.submission_names import describe, sortable_name_key, submission_keys
from ..options import add_db
from .db import ANSWER_CHANGED, GradebookDB, SchemaError, natural_key
from .rows import GradeRecord, csv_text, points_str, records_from_db

STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"
ID_COLUMNS = ("SIS Login ID", "SIS User ID", "ID")


@dataclass
class Roster:
    """Students in the roster's order, each a dict with at least the five student columns."""

    students: list[dict[str, str]]

    @classmethod
    def read(cls, path: Path) -> Roster:
        """Read a roster CSV (Canvas's own export works; a ``Points Possible`` row is skipped)."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportError(f"cannot read the roster {path}: {exc}") from None
        reader = csv.DictReader(io.StringIO(text))
        columns = [c.strip() for c in reader.fieldnames or []]
        if "Student" not in columns or not any(c in columns for c in (*ID_COLUMNS, "Submission")):
            raise ExportError(
                f"roster {path}: needs a Student column and one of Submission, "
                f"{', '.join(ID_COLUMNS)} (found: {', '.join(columns) or 'nothing'})"
            )
        students = []
        for raw in reader:
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if row.get("Student", "").lower() in {"points possible", ""} and not any(
                row.get(c) for c in ID_COLUMNS
            ):
                continue
            students.append({c: row.get(c, "") for c in STUDENT_COLUMNS} | row)
        return cls(students)

    def keys_of(self, student: dict[str, str]) -> list[tuple[str, str]]:
        """What a submission can match this student by, as ``(kind, value)`` (see
        :func:`.submission_names.submission_keys` for the kinds)."""
        if student.get("Submission"):
            return [("submission", student["Submission"])]
        keys = [("id", student[c]) for c in ID_COLUMNS if student.get(c)]
        if student.get("ID"):
            keys.append(("canvas_id", student["ID"]))
        if sortable_name_key(student.get("Student", "")):
            keys.append(("canvas_name", sortable_name_key(student["Student"])))
        return keys


@dataclass
class Matching:
    """Roster students and gradebook rows, matched."""

    by_student: dict[int, dict[str, list[GradeRecord]]] = field(default_factory=dict)
    unmatched: list[GradeRecord] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


def match(roster: Roster, records: Sequence[GradeRecord]) -> Matching:
    """Assign each record to the roster student it names (by the rules in the module doc)."""
    index: dict[tuple[str, str], set[int]] = {}
    for k, student in enumerate(roster.students):
        for key in roster.keys_of(student):
            index.setdefault(key, set()).add(k)
    m = Matching(by_student={k: {} for k in range(len(roster.students))})
    for rec in records:
        found: set[int] = set()
        for key in submission_keys(rec.id):
            if key in index:
                found = index[key]
                break
        if len(found) == 1:
            [k] = found
            m.by_student[k].setdefault(rec.assignment or "", []).append(rec)
        elif found:
            names = ", ".join(roster.students[k]["Student"] for k in sorted(found))
            m.ambiguous.append(f"{rec.id} matches several roster students ({names})")
            m.unmatched.append(rec)
        else:
            m.unmatched.append(rec)
    return m


def _score(recs: list[GradeRecord], student: str, assignment: str, notes: list[str]) -> str:
    """The cell of one student and assignment ('' when none, ambiguous or failed)."""
    if not recs:
        return ""
    if len(recs) > 1:
        ids = ", ".join(r.id for r in recs)
        notes.append(f"{student}: several submissions for {assignment} ({ids}); cell left empty")
        return ""
    [rec] = recs
    if rec.status == Status.ERROR:
        notes.append(f"{student}: grading of {rec.id} failed ({rec.reason}); cell left empty")
        return ""
    for q in rec.changed_answers:
        notes.append(f"{student}: {rec.id} {q}: {ANSWER_CHANGED} (score kept; review it again)")
    return points_str(rec.total)


def assignment_table(records: Sequence[GradeRecord]) -> dict[str, float]:
    """``{assignment: points possible (auto + manual)}`` in natural order."""
    table: dict[str, float] = {}
    for r in records:
        if r.assignment and (r.status == Status.GRADED or r.assignment not in table):
            table[r.assignment] = r.possible
    return dict(sorted(table.items(), key=lambda kv: natural_key(kv[0])))


def render(
    records: Sequence[GradeRecord],
    roster: Roster | None,
    fmt: str,
    canvas_ids: dict[str, str] | None = None,
) -> tuple[str, list[str]]:
    """The export as CSV text and the report lines (what could not be placed, and why)."""
    if roster is None:
        if fmt == "canvas":
            raise ExportError("--format canvas needs --roster (Canvas matches rows by student id)")
        return csv_text(list(records)), []
    table = assignment_table(records)
    m = match(roster, records)
    notes: list[str] = []
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    names = list(table)
    ids = canvas_ids or {}
    if fmt == "canvas":
        w.writerow(STUDENT_COLUMNS + [f"{a} ({ids[a]})" if a in ids else a for a in names])
        w.writerow([POINTS_POSSIBLE, "", "", "", ""] + [points_str(table[a]) for a in names])
    else:
        w.writerow(STUDENT_COLUMNS + names + ["Submissions"])
    for k, student in enumerate(roster.students):
        mine = m.by_student[k]
        cells = [_score(mine.get(a, []), student["Student"], a, notes) for a in names]
        row = [student[c] for c in STUDENT_COLUMNS] + cells
        if fmt != "canvas":
            row.append(" ".join(r.id for recs in mine.values() for r in recs))
        w.writerow(row)
        missing = [a for a in names if not mine.get(a)]
        if missing:
            who = student["Student"] or student.get("ID") or student.get("SIS Login ID")
            notes.append(f"{who}: no submission for {', '.join(missing)}")
    if fmt != "canvas":
        for rec in m.unmatched:
            cells = [points_str(rec.total) if rec.assignment == a else "" for a in names]
            w.writerow(["", "", "", "", ""] + cells + [rec.id])
    notes += m.ambiguous
    for r in m.unmatched:
        hint = describe(r.id)
        notes.append(f"{r.id} ({r.assignment}): no roster entry" + (f" ({hint})" if hint else ""))
    return out.getvalue(), notes


MAX_LISTED = 5
"""Submissions named per question in the ungraded-answers warning (the rest are counted)."""


def ungraded_answers(records: Sequence[GradeRecord]) -> dict[tuple[str, str], list[str]]:
    """``{(assignment, question): [submission ids]}`` of written answers without a saved score.

    Rows whose grading failed (status ``error``) are left out: the export leaves their cells
    empty anyway.
    """
    found: dict[tuple[str, str], list[str]] = {}
    for r in sorted(records, key=lambda r: natural_key(r.id)):
        if r.status == Status.ERROR:
            continue
        for q in r.manual_max:
            if q not in r.manual:
                found.setdefault((r.assignment or "", q), []).append(r.id)
    return dict(
        sorted(found.items(), key=lambda kv: (natural_key(kv[0][0]), natural_key(kv[0][1])))
    )


def incomplete_report(ungraded: dict[tuple[str, str], list[str]]) -> list[str]:
    """Lines saying how many written answers are ungraded, and where (first few per question)."""
    if not ungraded:
        return []
    total = sum(len(ids) for ids in ungraded.values())
    lines = [
        f"{total} written answer(s) not graded yet; the exported totals count them as 0 "
        "(grade them with `mbrl-course review`):"
    ]
    for (assignment, question), ids in ungraded.items():
        shown = ", ".join(ids[:MAX_LISTED])
        more = f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else ""
        lines.append(f"  {assignment} {question}: {len(ids)} ungraded ({shown}{more})")
    return lines


def _canvas_id(text: str) -> tuple[str, str]:
    """argparse type for ``--canvas-id NAME=ID``."""
    name, sep, value = text.partition("=")
    if not sep or not name or not value.strip().isdigit():
        raise argparse.ArgumentTypeError("expected NAME=ID with a numeric Canvas assignment id")
    return name, value.strip()


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course export` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = (
        "Export the gradebook (auto + manual totals) for an LMS: Canvas's "
        "grade-import CSV, or a plain CSV. Exit 0: exported, complete; 1: exported, but written "
        "answers are not graded yet (listed; --allow-incomplete makes this 0); 2: nothing "
        "exported (no gradebook, unreadable roster, canvas without roster)."
    )
    p.add_argument("--format", choices=("canvas", "csv"), default="csv")
    p.add_argument("--roster", type=Path, default=None, help="roster CSV (Canvas's export works)")
    p.add_argument("--out", "-o", type=Path, default=None, help="output file (default: stdout)")
    add_db(p)
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit 0 even when written answers are not graded yet (they still count as 0 and "
        "are listed)",
    )
    p.add_argument(
        "--canvas-id",
        type=_canvas_id,
        action="append",
        default=[],
        metavar="NAME=ID",
        help="Canvas id of an existing assignment (column `NAME (ID)`); repeatable",
    )


def run(args: argparse.Namespace) -> int:
    """`mbrl-course export --format canvas|csv [--roster R] [--out FILE] [--db DB]`; exit 0 done,
    1 done but written answers ungraded (unless --allow-incomplete), 2 nothing exported."""
    try:
        db_path = gradebook_path(args.db, course_root(args.root))
        if not db_path.is_file():
            raise ExportError(f"no gradebook at {db_path}; run `mbrl-course grade` first")
        with GradebookDB.open(db_path) as db:
            records = records_from_db(db)
        roster = Roster.read(args.roster) if args.roster else None
        text, notes = render(records, roster, args.format, dict(args.canvas_id))
    except (ExportError, SchemaError, CourseConfigError) as exc:
        print(f"mbrl-course export: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(records)} submission(s))", file=sys.stderr)
    for line in notes:
        print(f"note: {line}", file=sys.stderr)
    incomplete = incomplete_report(ungraded_answers(records))
    if incomplete:
        label = "note" if args.allow_incomplete else "warning"
        print(f"{label}: " + "\n".join(incomplete), file=sys.stderr)
        if not args.allow_incomplete:
            print("(exit 1: the export is incomplete; pass --allow-incomplete to accept it)",
                  file=sys.stderr)  # fmt: skip
            return 1
    return 0
