"""Benchmark of `mbrl-course backup`: copy a gradebook of N synthetic submissions (30 outcomes
each, one graded written answer each) with SQLite's online backup API.

    .venv/bin/python bench/backup.py [--n 1500] [--repeat 5]

Prints the gradebook's size and the seconds per backup (median and worst of --repeat runs), once
with the database checkpointed and once with the last 1500 manual scores still in the -wal file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gradebook import synthetic  # noqa: E402 - the gradebook bench's synthetic results

from mbrl_course.gradebook.backup import backup  # noqa: E402
from mbrl_course.gradebook.db import GradebookDB  # noqa: E402


def _fill(db: GradebookDB, n: int) -> None:
    """Store `n` synthetic submissions, each with a written answer."""
    db.set_questions("02_dyna", {f"q{q}": 5.0 for q in range(6)}, {"q9": 3.0})
    for k in range(n):
        db.record_result(
            f"student{k:05d}/02_dyna.ipynb", "02_dyna", content_sha256=f"{k:064x}",
            autograder_digest="d" * 64, result=synthetic(k),
            written={"q9": ("ok", "Planning replays model transitions. " * 20)},
        )  # fmt: skip


def _time_backups(db_path: Path, out: Path, repeat: int) -> list[float]:
    """Seconds of `repeat` backups of `db_path` into `out`."""
    times = []
    for r in range(repeat):
        start = time.perf_counter()
        backup(db_path, out / f"copy-{r}.sqlite")
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    """Build the gradebook, time the backups, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        path = Path(tmp) / "gradebook.sqlite"
        with GradebookDB.open(path) as db:
            _fill(db, args.n)
        checkpointed = _time_backups(path, Path(tmp), args.repeat)
        with GradebookDB.open(path) as db:
            db._con.execute("PRAGMA wal_autocheckpoint=0")
            for k in range(args.n):
                db.set_manual_score(
                    f"student{k:05d}/02_dyna.ipynb", "02_dyna", "q9", items=["1"], points=1.0,
                    comment="", grader="bench", expected_version=0,
                )  # fmt: skip
            wal = path.with_name(path.name + "-wal").stat().st_size
            in_wal = _time_backups(path, Path(tmp) / "wal", args.repeat)
        size = path.stat().st_size
    print(f"{args.n} submissions x 30 outcomes: gradebook {size / 1e6:.1f} MB")
    for label, times in (("checkpointed", checkpointed), (f"{wal / 1e6:.1f} MB in -wal", in_wal)):
        print(
            f"backup ({label}): median {statistics.median(times):.3f} s, "
            f"worst {max(times):.3f} s (n={len(times)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
