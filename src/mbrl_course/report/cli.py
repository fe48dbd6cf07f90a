"""`mbrl-course report --assignment NN [--db PATH] [--out DIR] [--similarity CSV]`.

Prints the class summary and writes ``DIR/report-NN_topic.html`` (self-contained: open it from
disk or mail it). The review page serves the same report at ``/report/NN_topic``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..course import CourseConfigError, default_layout, gradebook_path
from ..gradebook.db import GradebookDB, SchemaError
from ..written.answers import load_rubrics
from .collect import collect
from .html import report_html
from .terminal import summary


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="mbrl-course report", description=__doc__.split("\n")[0])
    ap.add_argument("--assignment", required=True, metavar="NN", help="e.g. 02 or 02_dyna")
    ap.add_argument("--root", type=Path, default=None, help="course folder (default: this one)")
    ap.add_argument(
        "--db", type=Path, default=None, help="gradebook (default: the course's, see README)"
    )
    ap.add_argument("--out", type=Path, default=Path("."), help="folder for the HTML page")
    ap.add_argument(
        "--similarity",
        type=Path,
        default=None,
        help="similarity.csv of `mbrl-course similarity` (default: similarity/similarity.csv "
        "next to the gradebook, if any)",
    )
    ap.add_argument("--top", type=int, default=8, help="lines per list in the terminal")
    ns = ap.parse_args(argv)
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
        matches = [a for a in known if ns.assignment in (a, a.split("_", 1)[0])]
        if len(matches) != 1:
            print(f"mbrl-course report: no single assignment matches {ns.assignment!r} in "
                  f"{db_path} (known: {', '.join(known) or 'none'})", file=sys.stderr)  # fmt: skip
            return 2
        name = matches[0]
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
