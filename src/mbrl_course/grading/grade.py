"""`mbrl-course grade`: grade a batch of submissions into the gradebook database, then export it.

Flow: find the submissions (:mod:`.submissions`), keep this run's shard (:mod:`.inputs`), grade
them (:mod:`.batch`), store each one in the database as it finishes (:mod:`.gradebook_db`, one
transaction per submission, manual scores untouched), and export the database as grades.csv,
grades.json and feedback/*.md under `--out` (:mod:`.outputs`). The tool exits 0 whenever the
batch completes; 2 when it cannot work at all (unknown assignment, no autograder built,
unusable paths, an `--only-id` no input has); 130 on Ctrl-C (what finished is kept: rerun with
`--resume`).

Two ways to grade less than everything: `--resume` skips what is already graded from the same
file with the same autograder (see :data:`RESUME_HELP`), and `--only-status`/`--only-id` regrade
just the stored rows chosen (:class:`~.inputs.Selection`), under their ids, keeping every manual
score and leaving every other row as it is.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from mbrl_grader.results import Status

from ..course import course_root, gradebook_path
from ..errors import CourseConfigError, InputError, ToolError
from ..gradebook.db import DEFAULT_DB_NAME, GradebookDB
from ..gradebook.outputs import check_out_dir, claim_out_dir
from ..gradebook.rows import format_table
from ..options import (
    add_assignment,
    add_db,
    resolve_assignment,
)
from .batch import Job, Settings
from .pipeline import add_common_options, grade_into_db, open_db, settings_from_args, summary
from .shards import (
    Selection,
    SelectionError,
    Shard,
    corpus_digest,
    read_id_file,
    shard_arg,
    status_list,
)
from .submissions import Submission, discover

RESUME_HELP = (
    "skip each submission whose stored row was graded from the same file (sha256) with the same "
    "autograder (tests, rubrics and grading code) and has status graded, timeout or invalid; "
    "new and changed files, and rows with status error, are graded. A timeout is not retried "
    "(its limit was the result): regrade those with --only-status timeout and a longer --timeout"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course grade` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = (
        "Grade notebooks, otter export zips and folders of them with the trusted runner, "
        "without Docker, into the gradebook database; then export it as OUT/grades.csv, "
        "OUT/grades.json and OUT/feedback/*.md. Regrading keeps manual scores. "
        "Exit status 0 whenever the batch completes, whatever the submissions were; "
        "2 when the tool cannot work (unknown assignment, no autograder built, bad paths)."
    )
    p.add_argument("inputs", nargs="+", metavar="SUBMISSION_OR_FOLDER")
    add_assignment(p, default_help="each notebook's metadata.otter.assignment_name")
    p.add_argument(
        "--out", "-o", type=Path, default=Path("grades"), help="output folder (default ./grades)"
    )
    add_db(p, extra=f"with --shard OUT/{DEFAULT_DB_NAME}")
    p.add_argument("--resume", action="store_true", help=RESUME_HELP)
    p.add_argument(
        "--only-status",
        type=status_list(s.value for s in Status),
        action="append",
        default=[],
        metavar="S[,S]",
        help="regrade only the stored rows with one of these statuses (e.g. timeout,error), "
        "under their ids and keeping their manual scores; other rows stay as they are",
    )
    p.add_argument(
        "--only-id",
        action="append",
        default=[],
        metavar="ID",
        help="regrade only this submission id (as in grades.csv; repeatable; combined with "
        "--only-status, a row matching either is regraded)",
    )
    p.add_argument(
        "--only-ids-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="like --only-id for every id in FILE (one per line; # comments)",
    )
    p.add_argument(
        "--shard",
        type=shard_arg,
        default=None,
        metavar="i/N",
        help="grade only slice i of N (0 <= i < N, by a hash of the submission id); "
        "combine the shards with `mbrl-course merge`",
    )
    add_common_options(p)


def resume_summary(skipped: Sequence[str], stored: dict[str, str]) -> str:
    """The --resume line: how many were skipped, by stored status, and why."""
    if not skipped:
        return "--resume: nothing skipped (every submission is new, changed or had an error)"
    counts = {s.value: sum(stored.get(i) == s.value for i in skipped) for s in Status}
    by_status = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return (
        f"--resume: {len(skipped)} submission(s) already graded from the same file with the same "
        f"autograder, skipped ({by_status}); rows with status error are always regraded"
    )


def _claim_shard(db: GradebookDB, shard: Shard | None, corpus: str) -> None:
    """Record which shard of which corpus `db` holds; refuse mixing shards in one file."""
    if shard is None:
        return
    held = db.get_meta("shard")
    if held is not None and held != str(shard):
        raise ToolError(f"{db.path} already holds shard {held}; use one database per shard")
    db.set_meta("shard", str(shard))
    db.set_meta("corpus", corpus)


def _selection(args: argparse.Namespace) -> Selection:
    """The --only-status / --only-id / --only-ids-file choice (ToolError when unusable)."""
    ids = set(args.only_id)
    if args.only_ids_file is not None:
        try:
            from_file = read_id_file(args.only_ids_file)
        except ValueError as exc:
            raise ToolError(str(exc)) from None
        if not from_file:
            raise ToolError(f"--only-ids-file {args.only_ids_file}: no submission id in it")
        ids |= from_file
    selection = Selection(frozenset().union(*args.only_status), frozenset(ids))
    if selection and args.resume:
        raise ToolError(
            f"{selection.describe()} regrades exactly the rows chosen; --resume would skip them "
            "(drop --resume: a selective run can simply be repeated)"
        )
    return selection


def run(args: argparse.Namespace) -> int:
    """`mbrl-course grade SUBMISSION_OR_FOLDER... [options]` (see --help)."""
    db = None
    try:
        selection = _selection(args)
        root = course_root(args.root)
        ag_root = args.autograders or root / "autograder"
        settings = settings_from_args(args, ag_root)
        if args.assignment:
            args.assignment = resolve_assignment(args.assignment, settings.autograders)
        inputs = [Path(p) for p in args.inputs]
        subs = discover(inputs)
        check_out_dir(args.out, inputs)
        claim_out_dir(args.out)
        corpus = corpus_digest(subs)
        discovered = subs
        if args.shard is not None:
            subs = [s for s in subs if args.shard.holds(s.id)]
        db_path = (
            args.out / DEFAULT_DB_NAME
            if args.shard and args.db is None
            else gradebook_path(args.db, root)
        )
        db = open_db(db_path)
        _claim_shard(db, args.shard, corpus)
        if selection:
            subs, notes = selection.pick(subs, db.statuses(), discovered)
            for note in notes:
                print(f"mbrl-course grade: note: {note}", file=sys.stderr)
    except (ToolError, InputError, SelectionError, CourseConfigError) as exc:
        if db is not None:
            db.close()
        print(f"mbrl-course grade: {exc}", file=sys.stderr)
        return 2
    try:
        return _grade(args, settings, subs, inputs, db, selection)
    finally:
        db.close()


def _grade(
    args: argparse.Namespace,
    settings: Settings,
    subs: list[Submission],
    inputs: list[Path],
    db: GradebookDB,
    selection: Selection,
) -> int:
    """Grade `subs` into `db`, export, print the table."""
    if not subs and selection:
        print(f"mbrl-course grade: {selection.describe()}: no stored row to regrade among the "
              "inputs; the gradebook is unchanged", file=sys.stderr)  # fmt: skip
    elif not subs:
        print("mbrl-course grade: no submissions (.ipynb or .zip) to grade", file=sys.stderr)
    settings.hide = sorted(
        {(p if p.is_dir() else p.parent).resolve() for p in inputs}
        | {args.out.resolve(), db.path.resolve().parent}
    )
    if args.resume:
        settings.skip = db.is_current
    jobs = [Job(s, args.assignment) for s in subs]
    try:
        records, rows, paths = grade_into_db(
            jobs,
            settings,
            db,
            args.out,
            assignments={j.assignment for j in jobs if j.assignment} | set(settings.autograders),
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        again = "rerun the same command" if selection else "rerun with --resume"
        print(
            f"\nmbrl-course grade: interrupted; every finished submission is stored in {db.path} "
            f"({again} to continue)",
            file=sys.stderr,
        )
        return 130
    except sqlite3.Error as exc:  # disk full, file locked for too long, ...
        print(
            f"mbrl-course grade: cannot write the gradebook {db.path}: {exc}; the submissions "
            "stored before are kept (rerun with --resume once it is writable)",
            file=sys.stderr,
        )
        return 2
    batch_ids = {r.id for r in records}
    shown = [r for r in rows if r.id in batch_ids]
    if shown:
        print(format_table(shown))
    if len({r.assignment for r in shown}) != 1:
        print(summary(shown))
    if args.resume:
        print(resume_summary([r.id for r in records if r.skipped], db.statuses()))
    if selection:
        print(
            f"regraded {len(records)} submission(s) ({selection.describe()}) under their ids, "
            f"manual scores kept; the other {len(rows) - len(records)} row(s) are unchanged"
        )
    print(f"database:  {db.path}")
    print(f"gradebook: {paths['csv']}  (and {paths['json']}; {len(rows)} row(s))")
    print(f"feedback:  {paths['feedback']}/ (one Markdown file per submission)")
    return 0
