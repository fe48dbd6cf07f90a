"""`mbrl-course budgets`: measure the solution's own times and write the time budgets.

    mbrl-course budgets [NAME ...] [--runs 3]

grades each built autograder's solution notebook ``--runs`` times with the trusted runner,
keeps the slowest time of every test case and every graded code cell, and writes
``solutions/NN_topic/budgets.json`` (:mod:`mbrl_grader.budgets`). The file is committed; the
build copies it unchanged into ``autograder/NN_topic/`` and the Gradescope zip, so builds stay
byte-identical on every machine. Re-measure after changing a master's tests or solution (a test
in the suite fails while the file does not name exactly the autograder's tests). Measure on a
machine no busier than the graders; the margin (20x) absorbs the rest.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mbrl_grader.budgets import BUDGETS_FILE, Budgets

from ..errors import BuildError
from ..course import Layout, default_layout


def measure(autograder_dir: Path, runs: int = 3) -> Budgets:
    """Grade the solution in `autograder_dir` `runs` times; the slowest time of each test/cell.

    Raises BuildError when the solution does not earn full marks (its times would be wrong).
    """
    from mbrl_grader.results import Limits
    from mbrl_grader.runner import grade_notebook

    notebook = autograder_dir / f"{autograder_dir.name}.ipynb"
    tests: dict[str, float] = {}
    cells: dict[str, float] = {}
    for _ in range(runs):
        profile: dict[str, dict[str, float]] = {}
        limits = Limits(test_timeout_s=600.0, cell_timeout_s=600.0, timeout_s=3600.0)
        result = grade_notebook(notebook, autograder_dir, limits, profile=profile)
        if result.status != "graded" or result.failed_keys():
            raise BuildError(
                f"{autograder_dir.name}: the solution must pass every test to be measured "
                f"(status {result.status}, failed {result.failed_keys()}): {result.reason}"
            )
        for key, seconds in profile.get("tests", {}).items():
            tests[key] = max(tests.get(key, 0.0), seconds)
        for key, seconds in profile.get("cells", {}).items():
            cells[key] = max(cells.get(key, 0.0), seconds)
    return Budgets(tests=tests, cells=cells)


def write_budgets(layout: Layout, names: Sequence[str] = (), runs: int = 3) -> list[Path]:
    """Measure the named (default: all built) assignments; write their budgets; return the files."""
    built = sorted(p.name for p in layout.autograder.iterdir() if p.is_dir())
    unknown = sorted(set(names) - set(built))
    if unknown:
        raise BuildError(f"not built: {', '.join(unknown)} (run `mbrl-course build` first)")
    written = []
    for name in names or built:
        budgets = measure(layout.autograder / name, runs)
        path = layout.solutions / name / BUDGETS_FILE
        path.write_text(budgets.to_json(), encoding="utf-8")
        slowest = max(budgets.tests.values(), default=0.0)
        print(
            f"{name}: {len(budgets.tests)} tests (slowest {slowest:.2f} s), "
            f"{len(budgets.cells)} cells -> {path}",
            file=sys.stderr,
        )
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="mbrl-course budgets", description=__doc__)
    ap.add_argument("names", nargs="*", help="assignments to measure (default: all built)")
    ap.add_argument("--runs", type=int, default=3, help="gradings per assignment (slowest kept)")
    ap.add_argument("--root", type=Path, default=None, help="course folder")
    ns = ap.parse_args(argv)
    try:
        write_budgets(default_layout(ns.root), ns.names, max(1, ns.runs))
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
