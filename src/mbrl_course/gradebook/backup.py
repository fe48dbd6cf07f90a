"""`mbrl-course backup [--db DB] DEST`: a consistent copy of the gradebook, taken while it is in use.

Why: the gradebook runs in WAL mode, so the most recent commits (a review page's saves, a
batch's results) live in ``gradebook.sqlite-wal`` until SQLite checkpoints them; copying the
main file alone loses them, and copying both files while someone writes can pair a main file and
a log from different moments. SQLite's online backup API (:meth:`sqlite3.Connection.backup`)
copies the database as one read transaction sees it: every transaction committed before the
copy starts, none half-done, whoever is writing meanwhile (readers never block writers in WAL).

The copy is written next to DEST under a temporary name, checked (``PRAGMA integrity_check``),
switched to a single self-contained file (journal mode DELETE, no ``-wal`` to forget) and only
then renamed to DEST, so DEST is either the old file or a complete new copy. DEST may be a folder:
the copy is then named ``gradebook-YYYYMMDDTHHMMSSZ.sqlite`` inside it. Restoring is copying a
backup back to the gradebook's path while nothing uses it (README, "Backing up and restoring").
Exit status: 0 copied, 2 nothing copied (no gradebook, DEST exists without --force, I/O error).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..course import course_root, gradebook_path
from ..errors import CourseConfigError
from ..options import add_db


class BackupError(Exception):
    """The copy cannot be made (no gradebook, destination taken, I/O error)."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup copied."""

    path: Path
    submissions: int
    manual_scores: int
    bytes: int
    seconds: float


def _count(con: sqlite3.Connection, table: str) -> int:
    """Rows of `table` (0 when the table does not exist: an empty or very old gradebook)."""
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def destination(dest: Path, now: datetime | None = None) -> Path:
    """The file to write: `dest`, or a time-stamped file inside it when it is a folder."""
    if dest.is_dir():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        return dest / f"gradebook-{stamp}.sqlite"
    return dest


def backup(source: Path, dest: Path, *, force: bool = False) -> BackupReport:
    """Copy the gradebook at `source` to `dest` with SQLite's online backup API (see module doc)."""
    start = time.perf_counter()
    source, target = Path(source), destination(Path(dest))
    if not source.is_file():
        raise BackupError(f"no gradebook at {source}")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; choose another name or pass --force")
    if target.resolve() == source.resolve():
        raise BackupError("the backup cannot replace the gradebook itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30.0)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one read transaction, one moment
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the copy failed its integrity check: {check}")
            report = (_count(dst, "submissions"), _count(dst, "manual_scores"))
        finally:
            dst.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from None
    finally:
        src.close()
        partial.unlink(missing_ok=True)
    size = target.stat().st_size
    return BackupReport(target, *report, size, time.perf_counter() - start)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course backup` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = (
        "Copy the gradebook consistently, even while it is being graded or "
        "reviewed (SQLite's online backup API). Exit 0 copied, 2 nothing copied."
    )
    p.add_argument("dest", type=Path, metavar="DEST", help="backup file, or a folder for a "
                   "time-stamped gradebook-YYYYMMDDTHHMMSSZ.sqlite")  # fmt: skip
    add_db(p)
    p.add_argument("--force", action="store_true", help="replace DEST if it exists")


def run(args: argparse.Namespace) -> int:
    """`mbrl-course backup [--db DB] [--force] DEST`."""
    try:
        report = backup(
            gradebook_path(args.db, course_root(args.root)), args.dest, force=args.force
        )
    except (BackupError, CourseConfigError, OSError) as exc:
        print(f"mbrl-course backup: {exc}", file=sys.stderr)
        return 2
    print(
        f"backed up {report.submissions} submission(s) and {report.manual_scores} manual "
        f"score(s) to {report.path} ({report.bytes / 1e6:.1f} MB, {report.seconds:.2f} s)"
    )
    return 0
