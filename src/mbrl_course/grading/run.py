"""`mbrl-course run` (what `make run` calls): build, regenerate the samples, grade them, print the
gradebook and check every sample graded as its expected.json says.

The samples are graded into their own database, ``OUT/gradebook.sqlite``, recreated on each run,
so the demo never mixes with the course's real gradebook.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..course import course_root
from ..errors import InputError, ToolError
from ..gradebook.db import DEFAULT_DB_NAME
from ..gradebook.outputs import check_out_dir
from ..gradebook.rows import format_table
from .pipeline import add_common_options, grade_into_db, open_db, settings_from_args, summary


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course run` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = (
        "The main job on the bundled defaults: build the assignments from the masters, "
        "regenerate the sample submissions (samples/), grade them all, print the gradebook "
        "and check every sample graded as expected."
    )
    p.add_argument(
        "--out", "-o", type=Path, default=None, help="output folder (default ROOT/build/grades)"
    )
    p.add_argument(
        "--no-build", action="store_true", help="skip `mbrl-course build` (use the built tree)"
    )
    p.add_argument(
        "--only", action="append", metavar="NAME", help="only this assignment (repeatable)"
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="grade a representative handful per assignment (one correct, one buggy, one "
        "malformed, one hostile sample; what `make run` does) instead of every sample",
    )
    add_common_options(p)


def run(args: argparse.Namespace) -> int:
    """`mbrl-course run`: build, generate samples, grade them, print the gradebook and where it is."""
    from ..corpus import samples as samples_mod

    root = course_root(args.root)
    out = args.out or root / "build" / "grades"
    t0 = time.monotonic()
    try:
        if not args.no_build:
            from .. import build as build_mod
            from ..course import default_layout

            print("building assignments and autograders from solutions/ ...", flush=True)
            try:
                built = build_mod.build(default_layout(root), args.only)
            except build_mod.BuildError as exc:
                raise ToolError(f"build failed: {exc}") from None
            print(f"  built: {', '.join(built) or 'nothing'}")
        corpus = samples_mod.generate(root, only=args.only)
        if not corpus:
            raise ToolError(
                f"no assignments to sample under {root / 'assignments'}; run `mbrl-course build`"
            )
        total = sum(len(c.expected) for c in corpus.values())
        if args.quick:
            corpus = samples_mod.quick_selection(corpus)
        print(
            f"samples: {sum(len(c.expected) for c in corpus.values())} of {total} submissions "
            f"in {root / 'samples'}/"
            + (" (--quick: a handful per assignment)" if args.quick else "")
        )
        settings = settings_from_args(args, args.autograders or root / "autograder")
        missing = sorted(set(corpus) - set(settings.autograders))
        if missing:
            raise ToolError(
                f"no autograder built for {', '.join(missing)}; run `mbrl-course build`"
            )
        jobs = samples_mod.jobs_for(corpus)
        settings.hide = [(root / "samples").resolve(), out.resolve()]
        check_out_dir(out, [root / "samples"])
        out.mkdir(parents=True, exist_ok=True)
        (out / DEFAULT_DB_NAME).unlink(missing_ok=True)
        db = open_db(out / DEFAULT_DB_NAME)
    except (ToolError, InputError) as exc:
        print(f"mbrl-course run: {exc}", file=sys.stderr)
        return 2
    try:
        records, rows, paths = grade_into_db(
            jobs, settings, db, out, assignments=corpus, progress=not args.no_progress
        )
    except KeyboardInterrupt:
        print("\nmbrl-course run: interrupted", file=sys.stderr)
        return 130
    finally:
        db.close()
    print(format_table(rows))
    if len({r.assignment for r in rows}) > 1:
        print(summary(rows))
    problems = samples_mod.compare(records, corpus)
    if problems:
        print(f"\n{len(problems)} sample(s) did NOT grade as expected:")
        for line in problems:
            print(f"  {line}")
    else:
        print(f"all {len(records)} samples graded exactly as expected (samples/*/expected.json)")
    print(f"\ngradebook: {paths['csv']}  (and {paths['json']})")
    print(f"feedback:  {paths['feedback']}/ (one Markdown file per submission)")
    print(f"done in {time.monotonic() - t0:.0f} s")
    return 1 if problems else 0
