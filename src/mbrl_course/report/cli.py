"""`mbrl-course report --assignment NN [--db PATH] [--out DIR] [--similarity CSV]`.

Prints the class summary and writes ``DIR/report-NN_topic.html`` (self-contained: open it from
disk or mail it). The review page serves the same report at ``/report/NN_topic``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..course import default_layout, gradebook_path
from ..errors import CourseConfigError
from ..gradebook.db import GradebookDB, SchemaError
from ..options import add_assignment, add_db, resolve_assignment
from ..written.rubrics import load_rubrics
from .collect import collect
from .html import report_html
from .terminal import summary


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course report` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = __doc__.split("\n")[0]
    add_assignment(p, required=True)
    add_db(p)
    p.add_argument("--out", type=Path, default=Path("."), help="folder for the HTML page")
    p.add_argument(
        "--similarity",
        type=Path,
        default=None,
        help="similarity.csv of `mbrl-course similarity` (default: similarity/similarity.csv "
        "next to the gradebook, if any)",
    )
    p.add_argument("--top", type=int, default=8, help="lines per list in the terminal")


def run(ns: argparse.Namespace) -> int:
    """`mbrl-course report` (see the module docstring)."""
    layout = default_layout(ns.root)
    try:
        db_path = gradebook_path(ns.db, layout.root)
    except CourseConfigError as exc:
        print(f"mbrl-course report: {exc}", file=sys.stderr)
        return 2
    if not db_path.is_file():
        print(f"mbrl-course report: no gradebook at {db_path}; run `mbrl-course grade` first",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        db = GradebookDB.open(db_path)
    except SchemaError as exc:
        print(f"mbrl-course report: {exc}", file=sys.stderr)
        return 2
    with db:
        known = db.assignments()
        name = resolve_assignment(ns.assignment, known)
        autograder = layout.autograder / name
        rubrics = load_rubrics(autograder) if (autograder / "rubrics.json").is_file() else {}
        data = collect(db, name, rubrics=rubrics, autograder_dir=autograder,
                       similarity_csv=ns.similarity)  # fmt: skip
    ns.out.mkdir(parents=True, exist_ok=True)
    page = ns.out / f"report-{name}.html"
    page.write_text(report_html(data), encoding="utf-8")
    print(summary(data, top=ns.top))
    print(f"wrote {page}")
    return 0
