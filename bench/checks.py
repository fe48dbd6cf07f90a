"""Benchmark: how long each `grader.check(...)` call takes in the solution notebooks.

Target (issue 11): every public check returns within 2 s for a correct solution on a 2-core
machine. Executes each solution notebook once with nbclient (which records per-cell timing) and
prints, per notebook, the slowest check cells. Asserts nothing.

    .venv/bin/python bench/checks.py [NAME ...]
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import nbformat

from mbrl_course.course import default_layout
from mbrl_course.validate import execute_notebook

TARGET_S = 2.0
_CHECK = re.compile(r"grader\.check\(\s*[\"'](q\d+_\d+)[\"']")


def _seconds(cell: nbformat.NotebookNode) -> float:
    """Wall time nbclient recorded for one executed cell."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not start or not end:
        return float("nan")
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def check_times(name: str) -> list[tuple[str, float]]:
    """[(question, seconds)] of the solution's grader.check cells, in notebook order."""
    layout = default_layout()
    with tempfile.TemporaryDirectory(prefix=f"bench-checks-{name}-") as tmp:
        work = Path(shutil.copytree(layout.assignments / name, Path(tmp) / "work"))
        shutil.copyfile(layout.autograder / name / f"{name}.ipynb", work / f"{name}.ipynb")
        out = work / "executed.ipynb"
        execute_notebook(work / f"{name}.ipynb", work, out_path=out)
        nb = nbformat.read(out, as_version=4)
    times = []
    for cell in nb.cells:
        match = _CHECK.search(cell.source) if cell.cell_type == "code" else None
        if match and cell.source.strip().startswith("grader.check("):
            times.append((match.group(1), _seconds(cell)))
    return times


def main(argv: list[str]) -> None:
    """Time the check cells of the named assignments (default: all) and print a summary."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    layout = default_layout()
    names = argv or sorted(p.name for p in layout.autograder.iterdir() if p.is_dir())
    print(
        f"{'notebook':<20} {'checks':>6} {'median s':>9} {'max s':>7}  slowest  (target {TARGET_S:g} s)"
    )
    for name in names:
        times = check_times(name)
        ordered = sorted(t for _, t in times)
        median = ordered[len(ordered) // 2] if ordered else float("nan")
        slowest = max(times, key=lambda qt: qt[1]) if times else ("-", float("nan"))
        print(
            f"{name:<20} {len(times):>6} {median:>9.2f} {slowest[1]:>7.2f}  {slowest[0]}"
            f"  {'ok' if slowest[1] <= TARGET_S else 'SLOW'}",
            flush=True,
        )
    print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main(sys.argv[1:])
