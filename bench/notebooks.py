"""Benchmark: per notebook, how long the solution takes to execute and to grade.

Targets (issue 3): each solution notebook executes top to bottom in at most 60 s on a 2-core
machine, and grading one submission of it (all tests, trusted runner) takes at most 90 s.
Also times the untouched student notebook, which must run top to bottom quickly.
Prints a table; asserts nothing.

    .venv/bin/python bench/notebooks.py [NAME ...]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from mbrl_course.layout import default_layout
from mbrl_course.validate import execute_notebook, grade

EXEC_TARGET_S, GRADE_TARGET_S = 60.0, 90.0


def bench(name: str) -> tuple[float, float, float, str]:
    """Return (solution exec s, blank exec s, solution grading s, score) for one assignment."""
    layout = default_layout()
    student_dir, ag_dir = layout.assignments / name, layout.autograder / name
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        work = Path(shutil.copytree(student_dir, Path(tmp) / "solution"))
        shutil.copyfile(ag_dir / f"{name}.ipynb", work / f"{name}.ipynb")
        solution_s = execute_notebook(work / f"{name}.ipynb", work)
        blank = Path(shutil.copytree(student_dir, Path(tmp) / "blank"))
        blank_s = execute_notebook(blank / f"{name}.ipynb", blank)
    result = grade(ag_dir / f"{name}.ipynb", ag_dir, "trusted")
    return solution_s, blank_s, result.seconds, f"{result.score:g}/{result.possible:g}"


def main(argv: list[str]) -> None:
    """Benchmark the named assignments (default: every built one) and print a table."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    layout = default_layout()
    names = argv or sorted(p.name for p in layout.autograder.iterdir() if p.is_dir())
    print(
        f"{'notebook':<20} {'solution exec s':>16} {'blank exec s':>13} {'grade s':>9} "
        f"{'score':>8}  within targets ({EXEC_TARGET_S:.0f} s / {GRADE_TARGET_S:.0f} s)"
    )
    for name in names:
        solution_s, blank_s, grade_s, score = bench(name)
        ok = solution_s <= EXEC_TARGET_S and grade_s <= GRADE_TARGET_S
        print(
            f"{name:<20} {solution_s:>16.1f} {blank_s:>13.1f} {grade_s:>9.1f} {score:>8}  "
            f"{'yes' if ok else 'NO'}",
            flush=True,
        )
    print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main(sys.argv[1:])
