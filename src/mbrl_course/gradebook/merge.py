"""`mbrl-course merge SHARD_OUT... [--db DB] [--out DIR]`: one gradebook from `grade --shard` runs.

Each shard run (`mbrl-course grade SUBS --shard i/N --out grades-i`) leaves its own database,
``grades-i/gradebook.sqlite``, which records the shard it holds and a fingerprint of the whole
corpus. Merging checks, before writing anything, that the inputs are exactly the shards
``0/N ... (N-1)/N`` of one corpus (no shard missing, none twice, same N, same corpus) and that
no submission appears in two inputs; any violation is a clear error (exit 2) and no row is
written. The merged rows are stored like a regrade (auto-graded part replaced, manual scores in
the target kept); manual scores found in shard files are copied when the target has none.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..autograder import find_autograders
from ..course import course_root, gradebook_path
from ..errors import CourseConfigError, ToolError
from ..options import add_autograders, add_db
from .db import DEFAULT_DB_NAME, GradebookDB, SchemaError
from .outputs import Scrubbers, check_out_dir, export_db


def _db_path(item: Path) -> Path:
    """A shard database given as the file itself or as the --out folder holding it."""
    path = item / DEFAULT_DB_NAME if item.is_dir() else item
    if not path.is_file():
        raise ToolError(f"{item}: no gradebook database ({DEFAULT_DB_NAME}) there")
    return path


def check_shards(dbs: list[tuple[Path, GradebookDB]]) -> None:
    """Raise ToolError unless `dbs` are all shards of one corpus, each once, with no overlap."""
    specs: list[tuple[Path, tuple[int, int]]] = []
    corpora = set()
    for path, db in dbs:
        spec = db.get_meta("shard")
        if spec is None:
            raise ToolError(f"{path} was not written by `mbrl-course grade --shard`")
        i, n = (int(x) for x in spec.split("/"))
        specs.append((path, (i, n)))
        corpora.add(db.get_meta("corpus"))
    counts = {n for _, (_, n) in specs}
    if len(counts) != 1:
        raise ToolError(
            "the inputs come from different shard counts: "
            + ", ".join(f"{p} is {i}/{n}" for p, (i, n) in specs)
        )
    if len(corpora) != 1:
        raise ToolError("the shards were cut from different sets of submissions (corpus differs)")
    [n] = counts
    seen: dict[int, Path] = {}
    for path, (i, _) in specs:
        if i in seen:
            raise ToolError(f"shard {i}/{n} given twice: {seen[i]} and {path}")
        seen[i] = path
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        raise ToolError(
            f"missing shard(s) {', '.join(f'{i}/{n}' for i in missing)}: merge needs all {n} shards"
        )
    owner: dict[str, Path] = {}
    for path, db in dbs:
        for sid in db.submission_ids():
            if sid in owner:
                raise ToolError(f"submission {sid} is in both {owner[sid]} and {path}")
            owner[sid] = path


def merge(inputs: Sequence[Path], target: GradebookDB) -> int:
    """Merge the shard databases `inputs` into `target`; return the number of submissions."""
    dbs: list[tuple[Path, GradebookDB]] = []
    try:
        for item in inputs:
            path = _db_path(item)
            if path.resolve() == target.path.resolve():
                raise ToolError(f"{path} is the merge target itself")
            try:
                dbs.append((path, GradebookDB.open(path)))
            except SchemaError as exc:
                raise ToolError(str(exc)) from None
        check_shards(dbs)
        total = 0
        for _, db in dbs:
            for name in db.assignments():
                auto, manual = db.questions(name, "auto"), db.questions(name, "manual")
                if auto or manual:
                    target.set_questions(name, auto, manual)
            for s in db.submissions():
                target.record_result(
                    s.submission_id,
                    s.assignment,
                    content_sha256=s.content_sha256,
                    autograder_digest=s.autograder_digest,
                    result=s.result,
                    written=db.written_of(s.submission_id),
                    source=s.source,
                    seconds=s.seconds,
                    graded_at=s.graded_at,
                )
                total += 1
            for name in db.assignments():
                for (sid, q), score in db.manual_scores(name).items():
                    if target.manual_score(sid, q) is None:
                        target.import_manual_score(score)
        return total
    finally:
        for _, db in dbs:
            db.close()


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course merge` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = (
        "Merge the gradebooks of `mbrl-course grade --shard i/N` runs into one "
        "(refuses a missing shard, a shard given twice, or a submission in two shards)."
    )
    p.add_argument(
        "inputs", nargs="+", type=Path, metavar="SHARD_OUT", help="shard --out folders or .sqlite"
    )
    add_db(p, extra="merged into, manual scores kept")
    p.add_argument(
        "--out", "-o", type=Path, default=None, help="also export grades.csv/json and feedback here"
    )
    add_autograders(p, purpose="the feedback reads test purposes and rubrics from")


def run(args: argparse.Namespace) -> int:
    """`mbrl-course merge SHARD_OUT... [--db DB] [--out DIR]`."""
    try:
        db_path = gradebook_path(args.db, course_root(args.root))
        if args.out is not None:
            check_out_dir(args.out, [])
        with GradebookDB.open(db_path) as target:
            n = merge(args.inputs, target)
            print(f"merged {n} submission(s) from {len(args.inputs)} shard(s) into {db_path}")
            if args.out is not None:
                autograders = find_autograders(
                    args.autograders or course_root(args.root) / "autograder"
                )
                rows, paths = export_db(target, args.out, Scrubbers(autograders))
                print(f"gradebook: {paths['csv']}  (and {paths['json']}; {len(rows)} row(s))")
    except (ToolError, SchemaError, CourseConfigError) as exc:
        print(f"mbrl-course merge: {exc}", file=sys.stderr)
        return 2
    return 0
