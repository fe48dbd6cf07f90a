"""The `mbrl-course` command: build, validate, grade and run the course assignments.

    mbrl-course build [--only NAME] [--check]   regenerate assignments/ and autograder/
    mbrl-course validate [NAME ...]             solution 100 %, blank 0, no leaks, timings
    mbrl-course grade ...                       batch grading (mbrl_course.grading.grade:main)
    mbrl-course run ...                         `make run` pipeline (mbrl_course.grading.run:main)
    mbrl-course merge SHARD_OUT... --db DB      merge sharded gradebooks (mbrl_course.gradebook.merge:main)
    mbrl-course export --format canvas|csv      LMS export (mbrl_course.gradebook.export:main)
    mbrl-course backup [--db DB] DEST           consistent gradebook copy (mbrl_course.gradebook.backup:main)
    mbrl-course samples [--only NAME]           regenerate samples/ (mbrl_course.corpus.samples:main)
    mbrl-course review [--assignment NN]        rubric grading page (mbrl_course.review.cli:main)
    mbrl-course written-pdf SUBS --assignment NN --out DIR   PDFs for Gradescope
    mbrl-course similarity SUBS --assignment NN copy check of graded code (mbrl_course.similarity)
    mbrl-course audit [--assignment NN] ...     mutation audit (mbrl_course.audit.cli:main)
    mbrl-course report --assignment NN          class report (mbrl_course.report.cli:main)

`grade`, `run`, `merge`, `export`, `backup` and `samples` are dispatched, with their arguments untouched, to modules imported lazily so
that `build` and `validate` work on their own.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

DISPATCHED = {
    "grade": (
        "mbrl_course.grading.grade",
        "main",
        "grade submissions in batch (see `grade --help`)",
    ),
    "run": ("mbrl_course.grading.run", "main", "build, grade the samples, print the gradebook"),
    "merge": (
        "mbrl_course.gradebook.merge",
        "main",
        "merge the gradebooks of `grade --shard` runs",
    ),
    "export": (
        "mbrl_course.gradebook.export",
        "main",
        "export the gradebook for an LMS (Canvas) or as CSV",
    ),
    "backup": (
        "mbrl_course.gradebook.backup",
        "main",
        "consistent copy of the gradebook (safe while in use)",
    ),
    "samples": ("mbrl_course.corpus.samples", "main", "regenerate samples/ from tests/submissions"),
    "review": ("mbrl_course.review.cli", "main", "grade written answers in the browser (rubrics)"),
    "written-pdf": ("mbrl_course.written.pdf", "main", "one PDF of written answers per submission"),
    "corpus-report": (
        "mbrl_course.corpus.report",
        "main",
        "share of the mistake corpus the public checks flag, per notebook",
    ),
    "similarity": (
        "mbrl_course.similarity",
        "main",
        "pairwise similarity of graded code (copy check), table + CSV + HTML",
    ),
    "audit": (
        "mbrl_course.audit.cli",
        "main",
        "mutation-test the hidden tests (see `audit --help`)",
    ),
    "report": (
        "mbrl_course.report.cli",
        "main",
        "class report of one assignment: scores, failed tests, rubric items (HTML + summary)",
    ),
}
ACCEPTS_ROOT = {
    "run", "samples", "corpus-report", "review", "written-pdf", "similarity", "audit", "report"
}  # fmt: skip
"""Dispatched commands with their own --root option: a global --root is handed on to them."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mbrl-course", description="Instructor tooling for the model-based RL assignments."
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="repository root holding solutions/, assignments/, autograder/ (default: this repo)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_build = sub.add_parser("build", help="regenerate assignments/ and autograder/ from masters")
    p_build.add_argument(
        "--only", action="append", metavar="NAME", help="build only this master (repeatable)"
    )
    p_build.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary folder and list differences with the committed tree; "
        "exit 1 if anything is stale",
    )

    p_val = sub.add_parser("validate", help="check solutions, blank notebooks, leaks and timings")
    p_val.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    p_val.add_argument(
        "--engine",
        choices=("trusted", "otter"),
        default="trusted",
        help="grading engine: our trusted runner (default) or otter's own `otter run`",
    )
    p_val.add_argument("--no-leaks", dest="leaks", action="store_false", help="skip the leak scan")

    for name, (_, _, help_text) in DISPATCHED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _dispatch(command: str, argv: list[str]) -> int:
    module_name, func_name, _ = DISPATCHED[command]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        print(f"mbrl-course {command}: not available ({exc})", file=sys.stderr)
        return 2
    result = getattr(module, func_name)(argv)
    return int(result or 0)


def _build(args: argparse.Namespace) -> int:
    from . import build
    from .course import default_layout

    layout = default_layout(args.root)
    try:
        if args.check:
            problems = build.check(layout, args.only)
            if problems:
                print("The generated tree is stale; run `mbrl-course build` and commit:")
                for line in problems:
                    print(f"  {line}")
                return 1
            names = build.select_masters(layout, args.only)
            print(f"Up to date: {', '.join(names) or 'no masters'}")
            return 0
        names = build.build(layout, args.only)
    except build.BuildError as exc:
        print(f"mbrl-course build: {exc}", file=sys.stderr)
        return 2
    for name in names:
        print(f"built assignments/{name}/ and autograder/{name}/{name}-autograder.zip")
    if not names:
        print(f"no masters found under {layout.solutions}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from . import validate
    from .course import default_layout

    layout = default_layout(args.root)
    try:
        reports = validate.validate_all(
            layout, args.names or None, engine=args.engine, leaks=args.leaks, progress=print
        )
    except validate.ValidationError as exc:
        print(f"mbrl-course validate: {exc}", file=sys.stderr)
        return 2
    print(validate.format_reports(reports))
    return 0 if all(r.ok for r in reports) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run `mbrl-course` with `argv` (default: sys.argv[1:]); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # grade/run own their options: hand everything after the command to them untouched.
    index = 0
    root: list[str] = []
    while index < len(argv):
        token = argv[index]
        if token in DISPATCHED:
            forwarded = root if token in ACCEPTS_ROOT else []
            return _dispatch(token, forwarded + argv[index + 1 :])
        if token == "--root":
            root = ["--root", *argv[index + 1 : index + 2]]
            index += 2
        elif token.startswith("--root="):
            root = ["--root", token.split("=", 1)[1]]
            index += 1
        else:
            break
    args = _parser().parse_args(argv)
    if args.command == "build":
        return _build(args)
    if args.command == "validate":
        return _validate(args)
    return _dispatch(args.command, [])


if __name__ == "__main__":
    sys.exit(main())
