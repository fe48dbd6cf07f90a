"""The `mbrl-course` command: the one parser tree of the instructor tooling.

    mbrl-course [--root DIR] COMMAND [options]      (--root may also follow COMMAND)

    build [--only NN] [--check]        regenerate assignments/ and autograder/    build/
    validate [NN ...]                  solution 100 %, blank 0, no leaks, timings  validate/
    grade SUBMISSION... [-a NN]        batch grading into the gradebook            grading/grade.py
    run [--quick] [--only NN]          `make run`: build, samples, grade, compare  grading/run.py
    merge SHARD_OUT...                 merge the gradebooks of `grade --shard`     gradebook/merge.py
    export --format canvas|csv         LMS export of the gradebook                 gradebook/export.py
    backup DEST                        consistent copy of the gradebook            gradebook/backup.py
    samples [--only NN]                regenerate samples/                         corpus/samples.py
    corpus-report [NN ...]             share of the mistake corpus the checks flag corpus/report.py
    review [-a NN]                     rubric grading page                         review/cli.py
    written-pdf SUBMISSION... -a NN    one PDF of written answers per submission   written/pdf.py
    similarity SUBMISSION... -a NN     copy check of graded code                   similarity/
    audit [--assignment NN]            mutation audit of the hidden tests          audit/cli.py
    report -a NN                       class report of one assignment              report/cli.py
    budgets [NN ...] [--runs 3]        measure the solution, write time budgets    build/measure.py

Each command module has ``add_arguments(parser)`` and ``run(args) -> int``; this module builds
the tree, declares the shared options once (:mod:`mbrl_course.options`), resolves ``02`` to
``02_dyna`` with one rule, and turns the tool's errors (:mod:`mbrl_course.errors`) into one
message and exit status 2. A command's module is imported only when that command runs, so that
`build` and `validate` work without the review page's or the PDF writer's dependencies.

Exit status, every command: 0 done; 1 done, but something failed (named in the output: a stale
tree for ``build --check``, a failed check for ``validate``, an incomplete export, PDFs that
could not be written...); 2 the tool cannot work (bad arguments, unknown assignment, no
gradebook, unwritable output, a missing dependency); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .errors import BuildError, CourseConfigError, ExportError, InputError, ToolError
from .options import add_root

#: command -> (module with add_arguments/run, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("", "regenerate assignments/ and autograder/ from the masters"),
    "validate": ("", "check solutions, blank notebooks, leaks and timings"),
    "grade": ("mbrl_course.grading.grade", "grade submissions in batch into the gradebook"),
    "run": ("mbrl_course.grading.run", "build, grade the samples, print the gradebook"),
    "merge": ("mbrl_course.gradebook.merge", "merge the gradebooks of `grade --shard` runs"),
    "export": ("mbrl_course.gradebook.export", "export the gradebook for an LMS (Canvas) or CSV"),
    "backup": ("mbrl_course.gradebook.backup", "consistent copy of the gradebook (safe in use)"),
    "samples": ("mbrl_course.corpus.samples", "regenerate samples/ from tests/submissions"),
    "corpus-report": (
        "mbrl_course.corpus.report",
        "share of the mistake corpus the public checks flag, per notebook",
    ),
    "review": ("mbrl_course.review.cli", "grade written answers in the browser (rubrics)"),
    "written-pdf": ("mbrl_course.written.pdf", "one PDF of written answers per submission"),
    "similarity": (
        "mbrl_course.similarity",
        "pairwise similarity of graded code (copy check): table, CSV, HTML",
    ),
    "audit": ("mbrl_course.audit.cli", "mutation-test the hidden tests"),
    "report": ("mbrl_course.report.cli", "class report of one assignment (HTML + summary)"),
    "budgets": (
        "mbrl_course.build.measure",
        "measure the solution's times and write solutions/NN/budgets.json (time budgets)",
    ),
}
INTERMIXED = {"grade"}
"""Commands whose positional inputs may come after options (`grade a.ipynb --out o b.ipynb`)."""
OWN_PARSER = {"audit", "budgets"}
"""Commands that still parse their own options (`main(argv)`); --root is handed on to them."""
TOOL_ERRORS = (ToolError, InputError, ExportError, CourseConfigError, BuildError)
"""The errors that mean "the tool cannot work": one message line, exit status 2."""


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named in `argv` (after the top-level options), if any."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in COMMANDS:
            return token
        if token == "--root":
            index += 2
        elif token.startswith("--root="):
            index += 1
        else:
            return None
    return None


def _add_build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--only", action="append", metavar="NN", help="build only this master (repeatable)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary folder and list differences with the committed tree; "
        "exit 1 if anything is stale",
    )


def _add_validate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NN", help="assignments (default: all)")
    p.add_argument(
        "--engine",
        choices=("trusted", "otter"),
        default="trusted",
        help="grading engine: our trusted runner (default) or otter's own `otter run`",
    )
    p.add_argument("--no-leaks", dest="leaks", action="store_false", help="skip the leak scan")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser tree; the options of `command` are declared (its module imported) only when it
    is the one to run, so that `mbrl-course --help` and `build` import nothing else."""
    return _tree(command)[0]


def _tree(command: str | None) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """:func:`build_parser` and its subparsers action."""
    parser = argparse.ArgumentParser(
        prog="mbrl-course",
        description="Instructor tooling for the model-based RL assignments. Exit status: 0 done; "
        "1 done, but something failed (named in the output); 2 the tool cannot work.",
    )
    add_root(parser, top_level=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name != command or name in OWN_PARSER:
            continue
        add_root(p, top_level=False)
        if name == "build":
            _add_build_arguments(p)
        elif name == "validate":
            _add_validate_arguments(p)
        else:
            importlib.import_module(module_name).add_arguments(p)
    return parser, sub


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse `argv` with the tree; a command in INTERMIXED takes inputs between options."""
    argv = list(argv)
    command = _command_of(argv)
    if command in OWN_PARSER:  # the top-level options here, the rest for the command's parser
        at = argv.index(command)
        args = build_parser(None).parse_args(argv[: at + 1])
        args.argv = argv[at + 1 :]
        return args
    parser, sub = _tree(command)
    args, extras = parser.parse_known_args(argv)
    if extras:
        if command not in INTERMIXED:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        rest = argv[argv.index(command) + 1 :]
        base = argparse.Namespace(root=args.root, command=command)
        args = sub.choices[command].parse_intermixed_args(rest, namespace=base)
    return args


def _resolve_names(args: argparse.Namespace) -> None:
    """``02`` -> ``02_dyna`` in the NN lists of build, run, samples, validate and corpus-report
    (against the masters and built autograders of the course), with the one rule of options."""
    field = {"build": "only", "run": "only", "samples": "only"}.get(args.command)
    if args.command in ("validate", "corpus-report"):
        field = "names"
    if field is None or not getattr(args, field, None):
        return
    from .course import course_root
    from .options import resolve_assignment

    root = course_root(args.root)
    known = {p.name for kind in ("solutions", "autograder") if (root / kind).is_dir()
             for p in (root / kind).iterdir() if p.is_dir() and p.name[:2].isdigit()}  # fmt: skip
    setattr(args, field, [resolve_assignment(n, known) for n in getattr(args, field)])


def _build(args: argparse.Namespace) -> int:
    from . import build
    from .course import default_layout

    layout = default_layout(args.root)
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
        raise ToolError(str(exc)) from None
    print(validate.format_reports(reports))
    return 0 if all(r.ok for r in reports) else 1


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; the tool's errors become one line on stderr and exit status 2."""
    if args.command == "build":
        return _build(args)
    if args.command == "validate":
        return _validate(args)
    module = importlib.import_module(COMMANDS[args.command][0])
    if args.command in OWN_PARSER:
        root = ["--root", str(args.root)] if args.root is not None else []
        return int(module.main(root + list(args.argv)) or 0)
    return int(module.run(args) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `mbrl-course` with `argv` (default: sys.argv[1:]); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_args(argv)
    except ImportError as exc:
        print(f"mbrl-course {_command_of(argv)}: not available ({exc})", file=sys.stderr)
        return 2
    try:
        _resolve_names(args)
        return _run(args)
    except ImportError as exc:
        print(f"mbrl-course {args.command}: not available ({exc})", file=sys.stderr)
        return 2
    except TOOL_ERRORS as exc:
        print(f"mbrl-course {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
