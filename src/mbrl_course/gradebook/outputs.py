"""Outputs of grading: the safe output folder, and grades.csv / grades.json / feedback/*.md as
exports of the gradebook database.

Outputs go only under `--out`, which must not be inside a submissions folder, and which is
refused if it exists and was not made by this tool (marker file :data:`OUT_MARKER`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mbrl_grader.scrub import CodeScrubber

from ..errors import ToolError
from ..grading.submissions import safe_filename
from .assignment_info import AssignmentInfo
from .db import GradebookDB
from .feedback import write_feedback
from .rows import GradeRecord, records_from_db, write_csv, write_json

#: Marker file that says "this output folder was made by mbrl-course grade".
OUT_MARKER = ".mbrl-course-grades"


def _is_within(child: Path, parent: Path) -> bool:
    """Whether `child` is `parent` or inside it (both resolved)."""
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def check_out_dir(out: Path, inputs: Sequence[Path]) -> None:
    """Refuse an output folder that could touch the instructor's files; raise ToolError."""
    for p in inputs:
        folder = p if p.is_dir() else p.parent
        if _is_within(out, folder) and (p.is_dir() or out.resolve() == folder.resolve()):
            raise ToolError(
                f"--out {out} is inside the submissions folder {folder}; choose a folder elsewhere "
                "(inputs are never modified)"
            )
    if out.exists():
        if not out.is_dir():
            raise ToolError(f"--out {out} exists and is not a folder")
        if any(out.iterdir()) and not (out / OUT_MARKER).exists():
            raise ToolError(
                f"--out {out} already holds files not written by `mbrl-course grade`; "
                "choose an empty or new folder"
            )


def claim_out_dir(out: Path) -> None:
    """Create `out` (checked by :func:`check_out_dir`) and mark it as ours before anything is
    written into it, so a run interrupted before its exports can be resumed into it."""
    out.mkdir(parents=True, exist_ok=True)
    (out / OUT_MARKER).write_text(
        "This folder is written by `mbrl-course`; its files are replaced on each run.\n",
        encoding="utf-8",
    )


class Scrubbers:
    """Per assignment, one :class:`CodeScrubber` (hidden test code never reaches students) and
    the :class:`AssignmentInfo` the feedback shows (test purposes, rubric texts, visibility)."""

    def __init__(self, autograders: dict[str, Path]) -> None:
        self.autograders = autograders
        self._by_name: dict[str, CodeScrubber] = {}
        self._info: dict[str, AssignmentInfo] = {}

    def __call__(self, assignment: str | None) -> CodeScrubber:
        """The scrubber of `assignment` (a generic one when it has no autograder)."""
        key = assignment or ""
        if key not in self._by_name:
            self._by_name[key] = CodeScrubber(self.autograders.get(key))
        return self._by_name[key]

    def info(self, assignment: str | None) -> AssignmentInfo:
        """Test purposes, rubrics and hidden visibility of `assignment` (read once)."""
        key = assignment or ""
        if key not in self._info:
            self._info[key] = AssignmentInfo.load(self.autograders.get(key))
        return self._info[key]

    def scrub_record(self, record: GradeRecord) -> None:
        """Scrub the test messages and the reason of `record` in place (before it is stored)."""
        scrub = self(record.assignment)
        for t in record.tests:
            t.message = scrub(t.message)


def write_outputs(
    records: list[GradeRecord], out: Path, scrubbers: Scrubbers | None = None
) -> dict[str, Path]:
    """Write grades.csv, grades.json and feedback/*.md for `records` under `out`."""
    scrubbers = scrubbers or Scrubbers({})
    claim_out_dir(out)
    fb_dir = out / "feedback"
    if fb_dir.is_dir():  # our own folder (marker checked): drop feedback of earlier batches
        for old in fb_dir.glob("*.md"):
            old.unlink()
    used: set[str] = set()
    for r in records:
        base = safe_filename(r.id)
        name, k = base, 1
        while name.lower() in used:
            k += 1
            name = f"{base}~{k}"
        used.add(name.lower())
        scrubbers.scrub_record(r)
        info = scrubbers.info(r.assignment)
        write_feedback(r, fb_dir / f"{name}.md", scrubbers(r.assignment), info)
        r.feedback = f"feedback/{name}.md"
    return {
        "csv": write_csv(records, out / "grades.csv"),
        "json": write_json(records, out / "grades.json"),
        "feedback": fb_dir,
    }


def export_db(
    db: GradebookDB, out: Path, scrubbers: Scrubbers | None = None
) -> tuple[list[GradeRecord], dict[str, Path]]:
    """Export the whole gradebook database under `out`; return its rows and the files' paths."""
    records = records_from_db(db)
    return records, write_outputs(records, out, scrubbers)
