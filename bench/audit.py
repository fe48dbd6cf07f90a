"""Benchmark of the mutation audit: mutants per notebook, mutants per minute with 1 and N jobs.

    python bench/audit.py [--assignment NN] [--sample 12] [--jobs 2]

For each assignment: counts its mutants (all graded definitions), then grades a fixed sample of
them (every k-th mutant, deterministic) with ``--jobs 1`` and ``--jobs N`` and prints mutants
per minute and the projected time of the full audit at N jobs. Also prints the per-submission
overhead of normal grading: the trusted runner on a notebook with one trivial cell (sandbox
start, Python and numpy start-up, loading the tests) versus the same notebook with every
solution cell, and the audit's trimmed notebook for one question, which is how the audit avoids
most of a submission's cost. No warm-worker change was made to the runner (the sandbox starts a
fresh worker per submission), so the overhead is the same before and after this tool.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from mbrl_course.audit.cli import auditor_for, select
from mbrl_course.audit.grading import Job, run_job
from mbrl_course.course import course_root


def _grade_seconds(nb: nbformat.NotebookNode, ag: Path, name: str, repeat: int = 2) -> float:
    """Median wall time of grading `nb` with the trusted runner (all of the autograder's tests)."""
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        path = Path(tmp) / f"{name}.ipynb"
        nbformat.write(nb, path)
        for _ in range(repeat):
            t0 = time.monotonic()
            run_job(Job("bench", str(path), str(ag), (), {"timeout_s": 600.0}))
            times.append(time.monotonic() - t0)
    return sorted(times)[len(times) // 2]


def overhead(root: Path, name: str) -> None:
    """Print the grading time of a trivial, a whole and a trimmed notebook of one assignment."""
    auditor = auditor_for(root, name)
    ag = root / "autograder" / name
    whole = auditor.nb.trimmed(None)
    trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    first = auditor.nb.definitions[0]
    trimmed = auditor.nb.trimmed(first.owners)
    print(f"{name}: grading a one-cell notebook (per-submission overhead, all tests fail fast):")
    print(f"  {_grade_seconds(trivial, ag, name):.1f} s")
    print(
        f"  whole solution (demo cells included unless tagged): {_grade_seconds(whole, ag, name):.1f} s"
    )
    print(
        f"  trimmed for {', '.join(first.owners)} ({len(trimmed.cells)} cells; other questions fail fast): "
        f"{_grade_seconds(trimmed, ag, name):.1f} s"
    )


def rate(root: Path, name: str, sample: int, jobs: int) -> None:
    """Count the mutants and grade a sample of them with 1 and `jobs` jobs."""
    auditor = auditor_for(root, name)
    ids = sorted(m.id for d in auditor.nb.definitions for m in auditor.nb.mutants(d))
    step = max(1, len(ids) // sample)
    chosen = set(ids[::step][:sample])
    print(f"{name}: {len(ids)} mutants; grading {len(chosen)} of them")
    per_min = {}
    for n_jobs in sorted({1, jobs}):
        t0 = time.monotonic()
        auditor.run(n_jobs, corpus=False, mutant_ids=chosen)
        elapsed = time.monotonic() - t0
        per_min[n_jobs] = 60.0 * len(chosen) / elapsed
        print(
            f"  --jobs {n_jobs}: {per_min[n_jobs]:.1f} mutants/min ({elapsed:.0f} s, baseline included)"
        )
    print(f"  projected full audit at --jobs {jobs}: {len(ids) / per_min[jobs]:.1f} min")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--assignment", action="append")
    ap.add_argument("--sample", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-overhead", action="store_true")
    ns = ap.parse_args(argv)
    root = course_root()
    names = select(root, ns.assignment)
    if not ns.no_overhead:
        overhead(root, names[0])
    for name in names:
        rate(root, name, ns.sample, ns.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
