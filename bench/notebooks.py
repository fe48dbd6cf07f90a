"""Benchmark: per notebook, how long the solution takes to execute and to grade.

Targets (issue 3): each solution notebook executes top to bottom in at most 60 s on a 2-core
machine, and grading one submission of it (all tests, trusted runner) takes at most 90 s.
Also times the untouched student notebook, which must run top to bottom quickly.
Prints a table; asserts nothing.

    .venv/bin/python bench/notebooks.py [NAME ...]
    .venv/bin/python bench/notebooks.py --cells [NAME ...]

``--cells`` executes each solution once with nbclient and prints its slowest code cells (demo
cells marked), the graded cells' total, and the grading time split into notebook execution and
tests: the figures behind the generous limits in ``mbrl_grader.results.Limits`` (a correct
solution 10x slower than ours on a grader 2x slower must keep full marks: 20x the measured times
must fit the per-cell, per-test and per-submission limits; see docs/design.md).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from mbrl_course.course import default_layout
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


SLOWDOWN = 20.0
"""A correct solution 10x slower than ours, on a grader 2x slower than this machine."""


def cell_times(name: str) -> list[tuple[int, float, bool, str]]:
    """Execute the solution once; return (code cell number, seconds, is demo, first line)."""
    from nbclient import NotebookClient

    layout = default_layout()
    student_dir, ag_dir = layout.assignments / name, layout.autograder / name
    with tempfile.TemporaryDirectory(prefix=f"bench-cells-{name}-") as tmp:
        work = Path(shutil.copytree(student_dir, Path(tmp) / "solution"))
        nb = nbformat.read(ag_dir / f"{name}.ipynb", as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True)
        os.environ.update(MBRL_STATIC="1", MPLBACKEND="Agg")
        client.execute(cwd=str(work))
    out = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        timing = cell.metadata.get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        seconds = (_ts(end) - _ts(start)) if start and end else 0.0
        first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")[:50]
        out.append((number, seconds, "demo" in cell.metadata.get("tags", []), first))
    return out


def _ts(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def cells_report(names: list[str]) -> None:
    """Print per-cell times and the limits they call for (20x the measured times)."""
    from mbrl_grader.results import Limits

    limits = Limits()
    print(
        f"limits now: cell <= {limits.cell_timeout_s:g} s, tests: measured budgets, "
        f"submission {limits.timeout_s:g} s; slowdown allowed {SLOWDOWN:g}x"
    )
    for name in names:
        cells = cell_times(name)
        graded = [c for c in cells if not c[2]]
        from mbrl_grader.runner import grade_notebook

        ag = default_layout().autograder / name
        result = grade_notebook(ag / f"{name}.ipynb", ag)
        slowest = sorted(graded, key=lambda c: -c[1])[:3]
        print(
            f"{name}: graded cells total {sum(c[1] for c in graded):.1f} s, "
            f"demo cells total {sum(c[1] for c in cells if c[2]):.1f} s, "
            f"grading {result.duration_s:.1f} s (notebook {result.timings.get('execute_s', 0):.1f} s, "
            f"tests {result.timings.get('tests_s', 0):.1f} s; {result.score:g}/{result.possible:g})"
        )
        for number, seconds, _demo, first in slowest:
            print(
                f"   code cell {number:>3} {seconds:6.2f} s  x{SLOWDOWN:g} = "
                f"{seconds * SLOWDOWN:6.1f} s   {first}"
            )
    print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main(argv: list[str]) -> None:
    """Benchmark the named assignments (default: every built one) and print a table."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    layout = default_layout()
    if argv[:1] == ["--cells"]:
        cells_report(argv[1:] or sorted(p.name for p in layout.autograder.iterdir() if p.is_dir()))
        return
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
