"""The options several `mbrl-course` commands share, declared once: --root, --assignment, --db,
--autograders and the grading limits; and the one rule that turns ``02`` into ``02_dyna``.

Why: each command used to declare these itself, with different help texts and different rules
(``grade -a 02`` was refused where ``similarity -a 02`` was accepted, and ``--root`` given before
the command was silently dropped by three of them). :mod:`mbrl_course.cli` builds the one parser
tree from these helpers; a command reads the parsed values, never re-declares them.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

from mbrl_grader.results import Limits

from .errors import ToolError

ROOT_HELP = (
    "course folder holding solutions/, assignments/, autograder/ (default: the current folder "
    "if it holds one of them, else this checkout)"
)
DB_HELP = "gradebook database (default: the course's, see README 'Where the gradebook lives')"


def add_root(p: argparse.ArgumentParser, *, top_level: bool) -> None:
    """`--root DIR`: on the top-level parser and (without overriding it) on every command."""
    p.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        default=None if top_level else argparse.SUPPRESS,
        help=ROOT_HELP,
    )


def add_assignment(
    p: argparse.ArgumentParser, *, required: bool = False, default_help: str = ""
) -> None:
    """`--assignment/-a NN`: ``02`` or ``02_dyna`` (see :func:`resolve_assignment`)."""
    suffix = f" (default: {default_help})" if default_help else ""
    p.add_argument(
        "--assignment",
        "-a",
        required=required,
        default=None,
        metavar="NN",
        help=f"assignment, by name (02_dyna) or number (02){suffix}",
    )


def add_db(p: argparse.ArgumentParser, *, extra: str = "") -> None:
    """`--db PATH`: the gradebook (one help text, one default rule: course.gradebook_path)."""
    help_text = DB_HELP if not extra else DB_HELP[:-1] + f"; {extra})"
    p.add_argument("--db", type=Path, default=None, metavar="PATH", help=help_text)


def add_autograders(p: argparse.ArgumentParser, *, purpose: str = "") -> None:
    """`--autograders DIR`: the built autograders (default ROOT/autograder)."""
    what = f" {purpose}" if purpose else ""
    p.add_argument(
        "--autograders",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"folder of built autograders NAME/tests/*.py{what} (default: ROOT/autograder)",
    )


def resolve_assignment(wanted: str, known: Iterable[str]) -> str:
    """The assignment `wanted` names among `known`: exact (``02_dyna``), by number (``02``) or
    by a prefix only one name has; ToolError listing the known ones otherwise."""
    names = sorted(known)
    if wanted in names:
        return wanted
    matches = [n for n in names if n.split("_", 1)[0] == wanted] or [
        n for n in names if n.startswith(wanted)
    ]
    if len(matches) != 1:
        why = "matches several" if matches else "matches none"
        raise ToolError(
            f"assignment {wanted!r} {why} of those known here ({', '.join(names) or 'none'}); "
            "give its name (02_dyna) or number (02)"
        )
    return matches[0]


# ---- grading limits: one declaration of the Limits options (grade, run)


def positive_float(text: str) -> float:
    """argparse type: a positive, finite number."""
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def positive_int(text: str) -> int:
    """argparse type: a positive integer."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


#: --option -> (Limits field, argparse type, unit shown in help and as the metavar)
LIMIT_OPTIONS = {
    "--timeout": ("timeout_s", positive_float, "s"),
    "--cell-timeout": ("cell_timeout_s", positive_float, "s"),
    "--test-timeout": ("test_timeout_s", positive_float, "s"),
    "--memory-mb": ("memory_mb", positive_int, "MB"),
    "--output-limit": ("output_limit_chars", positive_int, "chars"),
    "--max-restarts": ("max_restarts", non_negative_int, "N"),
}
_LIMIT_HELP = {
    "timeout_s": "wall-clock limit per submission",
    "cell_timeout_s": "upper bound of a graded cell's budget (20x the solution's slowest cell, "
    "at least 10 s; a stopped cell is skipped on re-runs, the rest is graded)",
    "test_timeout_s": "a flat limit for every test case instead of its measured budget",
    "memory_mb": "memory limit of the student's process",
    "output_limit_chars": "printed output kept from the notebook",
    "max_restarts": "re-runs of the notebook after the student's code killed or hung the worker",
}


def add_limits(p: argparse.ArgumentParser) -> None:
    """One option per :class:`Limits` field, its default shown in the help."""
    defaults = Limits()
    for option, (name, kind, unit) in LIMIT_OPTIONS.items():
        value = getattr(defaults, name)
        if value is None:
            shown = "the measured budgets: 20x the solution's time, at least 2 s"
        elif unit == "N":
            shown = str(value)
        else:
            shown = f"{value:g} {unit}" if isinstance(value, float) else f"{value} {unit}"
        p.add_argument(option, dest=name, type=kind, default=value, metavar=unit.upper(),
                       help=f"{_LIMIT_HELP[name]} (default {shown})")  # fmt: skip


def limits_from_args(args: argparse.Namespace) -> Limits:
    """The one Limits object of this run, from the parsed options."""
    return Limits(
        **{f.name: getattr(args, f.name) for f in fields(Limits) if hasattr(args, f.name)}
    )
