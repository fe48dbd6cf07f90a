"""Benchmark of the gradebook database: store N synthetic results (one transaction each), resume
checks, and the full export (grades.csv, grades.json, feedback/*.md).

    .venv/bin/python bench/gradebook.py [--n 1500]

Prints seconds per phase; the grading itself (seconds per submission) dwarfs all of them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.gradebook.outputs import export_db
from mbrl_grader.results import Status, SubmissionResult, TestOutcome


def synthetic(k: int) -> SubmissionResult:
    """A result with 30 test outcomes, a third of them failing with a message."""
    outcomes = [
        TestOutcome(f"q{t // 5}", f"q{t // 5} - {t}", t % 2 == 0, float(t % 3 != 0), 1.0,
                    t % 3 != 0, "" if t % 3 else "predict() returned the wrong shape", f"test_{t}")
        for t in range(30)
    ]  # fmt: skip
    return SubmissionResult(Status.GRADED, "", outcomes, isolation={"level": "namespaces"})


def main() -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gradebook-") as tmp:
        db = GradebookDB.open(Path(tmp) / "gradebook.sqlite")
        db.set_questions("02_dyna", {f"q{q}": 5.0 for q in range(6)}, {"q9": 3.0})
        t0 = time.perf_counter()
        for k in range(args.n):
            db.record_result(
                f"student{k:05d}/02_dyna.ipynb", "02_dyna", content_sha256=f"{k:064x}",
                autograder_digest="d" * 64, result=synthetic(k),
                written={"q9": ("ok", "Planning replays model transitions. " * 20)},
            )  # fmt: skip
        t_store = time.perf_counter() - t0
        t0 = time.perf_counter()
        current = sum(
            db.is_current(f"student{k:05d}/02_dyna.ipynb", f"{k:064x}", "d" * 64)
            for k in range(args.n)
        )
        t_resume = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows, _ = export_db(db, Path(tmp) / "out")
        t_export = time.perf_counter() - t0
        db.close()
    print(f"{args.n} submissions x 30 outcomes")
    print(f"store (one transaction each): {t_store:.2f} s ({1000 * t_store / args.n:.1f} ms each)")
    print(f"resume checks:                {t_resume:.2f} s ({current} current)")
    print(f"export csv/json/feedback:     {t_export:.2f} s ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
