"""One grading pipeline for `grade` and `run`: the options they share, then grade a batch into
the gradebook (each result scrubbed once and stored as it finishes) and export the gradebook.

Why: `run` used to import five helpers from the `grade` command and repeat its pipeline; both now
call :func:`grade_into_db`, so a change to storing or exporting reaches both.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..autograder import find_autograders
from ..errors import ToolError
from ..gradebook.db import GradebookDB, SchemaError
from ..gradebook.outputs import Scrubbers, export_db
from ..gradebook.rows import STATUSES, GradeRecord
from ..options import add_autograders, add_limits, limits_from_args, positive_int
from .batch import Job, Settings, cpu_count, grade_batch


def add_common_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `grade` and `run`: parallelism, the Limits, where the autograders are."""
    jobs = cpu_count()
    p.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=jobs,
        help=f"submissions graded in parallel (default: number of cores = {jobs})",
    )
    add_limits(p)
    add_autograders(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def settings_from_args(args: argparse.Namespace, autograder_root: Path) -> Settings:
    """Settings from parsed options; ToolError when no autograder is built at all."""
    autograders = find_autograders(autograder_root)
    if not autograders:
        raise ToolError(
            f"no autograder built in {autograder_root}; run `mbrl-course build` first "
            "(or pass --autograders DIR)"
        )
    return Settings(autograders=autograders, limits=limits_from_args(args), jobs=args.jobs)


def summary(records: Sequence[GradeRecord]) -> str:
    """One line counting the records per status."""
    counts = {s: sum(r.status == s for r in records) for s in STATUSES}
    return f"{len(records)} submission(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def open_db(path: Path) -> GradebookDB:
    """Open the gradebook or raise ToolError with the reason."""
    try:
        return GradebookDB.open(path)
    except (SchemaError, OSError) as exc:
        raise ToolError(f"cannot open the gradebook {path}: {exc}") from None


def store(
    db: GradebookDB, settings: Settings, scrubbers: Scrubbers
) -> Callable[[GradeRecord], None]:
    """The on_done callback: scrub and store one finished record (one transaction)."""

    def on_done(rec: GradeRecord) -> None:
        if rec.skipped:
            return
        scrubbers.scrub_record(rec)
        known = rec.assignment in settings.autograders
        db.record_result(
            rec.id,
            rec.assignment or "",
            content_sha256=rec.content_sha256,
            autograder_digest=settings.autograder(rec.assignment).digest if known else "",
            result=rec.result,
            written=rec.written,
            source=rec.source,
            seconds=rec.seconds,
        )

    return on_done


def grade_into_db(
    jobs: Sequence[Job],
    settings: Settings,
    db: GradebookDB,
    out: Path,
    *,
    assignments: Iterable[str],
    progress: bool,
) -> tuple[list[GradeRecord], list[GradeRecord], dict[str, Path]]:
    """Grade `jobs` into `db` and export it to `out`; return (the batch's records, every row of
    the gradebook, the paths written).

    The question tables of `assignments` are stored first; each result is scrubbed and stored as
    it finishes (an interrupted batch keeps what finished). KeyboardInterrupt and sqlite3.Error
    reach the caller, which says what is kept.
    """
    scrubbers = Scrubbers(settings.autograders)
    for name in assignments:
        if name in settings.autograders:
            ag = settings.autograder(name)
            db.set_questions(name, ag.points, ag.manual_points)
    records = grade_batch(jobs, settings, progress=progress, on_done=store(db, settings, scrubbers))
    rows, paths = export_db(db, out, scrubbers)
    return records, rows, paths
