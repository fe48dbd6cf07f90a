"""Benchmark of `mbrl-course report` on a synthetic class (issue 20: "in seconds" for 300).

    python bench/report.py [--submissions 300] [--repeat 3]

Builds a class from samples/02_dyna (``mbrl_course.report.synthetic``: each student copies one
sample's status and failed tests, about two thirds have rubric scores) in a temporary gradebook,
then times the report's parts: reading the gradebook (``collect``), the figures and HTML page
(``report_html``), and the terminal summary; plus the whole command in a fresh process (Python and
matplotlib start-up included). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.report.collect import collect
from mbrl_course.report.html import report_html
from mbrl_course.report.synthetic import populate_class
from mbrl_course.report.terminal import summary
from mbrl_course.written.rubrics import load_rubrics

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "02_dyna"


def _median(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    """Build the class, time the report's parts and the command, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    autograder = ROOT / "autograder" / ASSIGNMENT
    rubrics = load_rubrics(autograder)
    with tempfile.TemporaryDirectory(prefix="mbrl-bench-report-") as tmp:
        path = Path(tmp) / "gradebook.sqlite"
        with GradebookDB.open(path) as db:
            start = time.perf_counter()
            populate_class(db, args.submissions, root=ROOT, rng=np.random.default_rng(0))
            built = time.perf_counter() - start
            read, data = _median(
                lambda: collect(db, ASSIGNMENT, rubrics=rubrics, autograder_dir=autograder),
                args.repeat,
            )
            page_s, page = _median(lambda: report_html(data), args.repeat)
            text_s, _ = _median(lambda: summary(data), args.repeat)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mbrl_course.cli", "--root", str(ROOT), "report",
             "--assignment", ASSIGNMENT, "--db", str(path), "--out", tmp],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        command = time.perf_counter() - start
    n = args.submissions
    print(f"report bench: {n} synthetic submissions of {ASSIGNMENT} (median of {args.repeat})")
    print(f"  build the synthetic gradebook      {built:7.2f} s (not part of the report)")
    print(f"  collect (read the gradebook)       {read:7.2f} s")
    print(f"  figures + HTML page ({len(page) // 1024} KiB)     {page_s:7.2f} s")
    print(f"  terminal summary                   {text_s * 1000:7.1f} ms")
    print(f"  `mbrl-course report` end to end    {command:7.2f} s (fresh process)")


if __name__ == "__main__":
    main()
