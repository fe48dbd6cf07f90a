"""Benchmark of batch grading: time per submission, parallel speed-up, overhead beyond execution.

    python bench/grading.py [--only NAME] [--jobs 2] [--repeat 1]

Grades the sample corpus (regenerated into a temporary folder; the repository is not touched)
with `--jobs 1` and with `--jobs N` (default 2), and executes every sample notebook once plainly
(one fresh Python process, cells exec'd in order, otter stubbed, errors ignored; no sandbox, no
tests) to measure what executing the notebook itself costs. Prints:

* wall time per submission at --jobs 1 and --jobs N;
* parallel speed-up = wall(jobs 1) / wall(jobs N)      (target >= 1.7x on 2 cores);
* overhead per submission = grading time (jobs 1) - plain execution time  (target <= 5 s):
  sandbox start, validation, running the tests through proxies, process start-up.

Only samples expected to be `graded` are used (the loop sample measures its time limit, and
invalid ones are rejected in milliseconds). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mbrl_course.autograder import find_autograders
from mbrl_course.corpus import samples
from mbrl_course.course import course_root
from mbrl_course.grading.batch import Settings, grade_batch
from mbrl_grader.results import Limits

PLAIN_EXEC = r"""
import io, json, os, sys, types, contextlib
nb = json.load(open(sys.argv[1], encoding="utf-8"))
otter = types.ModuleType("otter")
class Notebook:
    def __init__(self, *a, **k): pass
    def __getattr__(self, name): return lambda *a, **k: None
otter.Notebook = Notebook
sys.modules["otter"] = otter
g = {"__name__": "__main__"}
sink = io.StringIO()
for cell in nb["cells"]:
    if cell["cell_type"] != "code":
        continue
    src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            exec(compile(src, "<cell>", "exec"), g)
    except BaseException:
        pass
    sink.seek(0); sink.truncate()
"""


def plain_execution_seconds(nb_path: Path, assignment_dir: Path, limit: float) -> float | None:
    """Seconds to execute the notebook's code cells in a fresh Python (None if it exceeds `limit`)."""
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as tmp:
        work = Path(tmp) / "work"
        shutil.copytree(assignment_dir, work)
        nb = work / "_bench.ipynb"
        if str(nb_path).endswith(".zip"):
            import zipfile

            with zipfile.ZipFile(nb_path) as zf:
                member = next(n for n in zf.namelist() if n.endswith(".ipynb"))
                nb.write_bytes(zf.read(member))
        else:
            shutil.copy(nb_path, nb)
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
        t0 = time.perf_counter()
        try:
            subprocess.run(
                [sys.executable, "-c", PLAIN_EXEC, str(nb)],
                cwd=work,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        return time.perf_counter() - t0


def _load() -> str:
    """The 1/5/15-minute load averages, to judge how busy the machine was."""
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--root", type=Path, default=None)
    ap.add_argument("--only", action="append", metavar="NAME")
    ap.add_argument("--jobs", type=int, default=2, help="parallel jobs to compare with 1")
    ap.add_argument("--timeout", type=float, default=Limits().timeout_s)
    args = ap.parse_args()
    root = (args.root or course_root()).resolve()
    with tempfile.TemporaryDirectory(prefix="bench-samples-") as tmp:
        corpora = samples.generate(root, only=args.only, out_root=Path(tmp))
        jobs = [
            j
            for j in samples.jobs_for(corpora, exclude_status=("invalid", "timeout"))
            if j.submission.path.name not in samples.MALFORMED
        ]
        if not jobs:
            print("no gradable samples: build the assignments first (mbrl-course build)")
            return 1
        settings = Settings(
            autograders=find_autograders(root / "autograder"), limits=Limits(timeout_s=args.timeout)
        )
        settings.prepare(
            list(corpora)
        )  # one-time cost (question tables, digests) outside the timings
        n = len(jobs)
        print(f"{n} gradable samples from {', '.join(corpora)}; {os.cpu_count()} cores")
        print(f"load average before: {_load()} (other processes skew every figure below)\n")

        # --jobs 1, one submission at a time, each right after its plain execution so that both
        # see the same machine load (this machine may be shared)
        print("plain execution and grading (--jobs 1), submission by submission ...", flush=True)
        plain: dict[str, float | None] = {}
        per_sub: dict[int, dict[str, float]] = {1: {}}
        runner_total: dict[str, float | None] = {}
        tool: list[float] = []
        walls: dict[int, float] = {1: 0.0}
        settings.jobs = 1
        for j in jobs:
            name = j.submission.id.split("/")[0]
            plain[j.submission.id] = plain_execution_seconds(
                j.submission.path, root / "assignments" / name, args.timeout
            )
            t0 = time.perf_counter()
            (rec,) = grade_batch([j], settings, progress=False)
            walls[1] += time.perf_counter() - t0
            per_sub[1][rec.id] = rec.seconds
            runner_total[rec.id] = rec.result.duration_s
            if rec.result.duration_s:
                tool.append(rec.seconds - rec.result.duration_s)
            if rec.status != "graded":
                print(f"  not graded: {rec.id}: {rec.status} {rec.reason}")

        settings.jobs = args.jobs
        print(f"grading with --jobs {args.jobs} ... (load average {_load()})", flush=True)
        t0 = time.perf_counter()
        recs = grade_batch(jobs, settings, progress=False)
        walls[args.jobs] = time.perf_counter() - t0
        bad = [f"{r.id}: {r.status} {r.reason}" for r in recs if r.status != "graded"]
        if bad:
            print("  not graded: " + "; ".join(bad))

    print(f"load average after: {_load()}")
    print()
    print(
        f"{'submission':<40} {'plain exec':>10} {'graded (j=1)':>13} {'runner':>8} {'overhead':>9}"
    )
    overheads = []
    for sid in sorted(per_sub[1]):
        ex = plain.get(sid)
        g = per_sub[1][sid]
        ov = None if ex is None else g - ex
        if ov is not None:
            overheads.append(ov)
        print(
            f"{sid[-40:]:<40} {('-' if ex is None else f'{ex:.1f} s'):>10} {g:>11.1f} s "
            f"{(runner_total.get(sid) or 0):>6.1f} s {('-' if ov is None else f'{ov:.1f} s'):>9}"
        )
    print()
    for k, w in walls.items():
        print(f"--jobs {k}: {w:.1f} s wall for {n} submissions = {w / n:.1f} s per submission")
    speedup = walls[1] / walls[args.jobs] if walls[args.jobs] > 0 else float("nan")
    print(
        f"parallel speed-up (--jobs {args.jobs} vs 1): {speedup:.2f}x   (target >= 1.7x on 2 cores)"
    )
    if overheads:
        print(
            f"overhead beyond executing the notebook: median {statistics.median(overheads):.1f} s, "
            f"mean {statistics.mean(overheads):.1f} s, max {max(overheads):.1f} s per submission"
            "   (target <= 5 s)"
        )
    if tool:
        print(
            f"of which outside the runner's own timing (process start and imports, validation, "
            f"result parsing): "
            f"mean {statistics.mean(tool):.2f} s per submission"
        )
    print(
        json.dumps(
            {
                "walls": walls,
                "speedup": speedup,
                "overhead_mean": statistics.mean(overheads) if overheads else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
