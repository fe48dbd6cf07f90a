"""Benchmark of the README's Slurm recipe on a throwaway single-node cluster (needs root).

    python bench/slurm.py [--shards 3] [--samples 8]

Starts the cluster of ``deploy/slurm/test-cluster.sh`` in a scratch folder, submits
``deploy/slurm/grade-array.sbatch`` as an array of ``--shards`` tasks (one core each) over the
first ``--samples`` 02_dyna samples that ``tests/course/grading/test_slurm.py`` uses, merges the shards,
grades the same files once with ``--jobs 2``, and stops the cluster. Prints: cluster start time,
array job wall time (sbatch to the last task leaving squeue) and each task's run time as Slurm
recorded it, merge time, one-shot time, stop time. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "course"))
from test_slurm import ASSIGNMENT, CLI, CLUSTER, LOGIN_ENV, SAMPLES, SCRIPT, _free_ports  # noqa: E402


def _timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `cmd` (checked) and return its wall time and result."""
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return time.monotonic() - t0, r


def main() -> None:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shards", type=int, default=3)
    p.add_argument("--samples", type=int, default=len(SAMPLES))
    args = p.parse_args()
    if os.geteuid() != 0 or not shutil.which("slurmctld"):
        print("bench/slurm.py: skipped (needs root and Debian's slurm-wlm and munge)")
        return
    work = Path(tempfile.mkdtemp(prefix="mbrl-slurm-bench-"))
    folder = Path(tempfile.mkdtemp(prefix="mbrl-slurm-"))  # not in `work`: munged must reach it
    ctld, slurmd = _free_ports(2)
    cluster_env = {**LOGIN_ENV, "SLURMCTLD_PORT": ctld, "SLURMD_PORT": slurmd}
    env = {**LOGIN_ENV, "SLURM_CONF": str(folder / "slurm.conf")}
    try:
        subs = work / "submissions"
        subs.mkdir()
        for name in SAMPLES[: args.samples]:
            shutil.copy(REPO / "samples" / ASSIGNMENT / name, subs / name)
        start_s, _ = _timed([str(CLUSTER), "start", str(folder)], env=cluster_env, timeout=120)
        print(f"cluster start (munged, slurmctld, slurmd, node idle): {start_s:.2f} s")
        settings = f"COURSE={REPO},ASSIGNMENT={ASSIGNMENT},SUBMISSIONS={subs}"
        settings += f",SHARD_OUT={work / 'shards'}"
        t0 = time.monotonic()
        _, r = _timed(
            ["sbatch", "--parsable", f"--array=0-{args.shards - 1}", "--cpus-per-task=1",
             f"--export=ALL,{settings}", str(SCRIPT)],
            env=env, cwd=work, timeout=60,
        )  # fmt: skip
        job = r.stdout.strip().split(";")[0]
        while subprocess.run(
            ["squeue", "--noheader", f"--jobs={job}"], env=env, capture_output=True, text=True
        ).stdout.strip():
            time.sleep(0.2)
        job_s = time.monotonic() - t0
        shown = subprocess.run(
            ["scontrol", "--oneliner", "show", "job", job], env=env, capture_output=True,
            text=True,
        ).stdout  # fmt: skip
        runs = sorted(re.findall(r"ArrayTaskId=(\d+) .*?JobState=(\w+) .*?RunTime=(\S+)", shown))
        print(
            f"array job of {args.shards} tasks, {args.samples} submissions, 1 core per task: "
            f"{job_s:.1f} s from sbatch to the last task done"
        )
        for task, state, run in runs:
            print(f"  task {task}: {state}, run time {run}")
        shards = sorted(str(p) for p in (work / "shards").iterdir())
        merge_s, _ = _timed(
            [str(CLI), "merge", *shards, "--db", str(work / "m.sqlite"), "--out", str(work / "m")],
            env=LOGIN_ENV, cwd=REPO, timeout=120,
        )  # fmt: skip
        print(f"merge: {merge_s:.1f} s")
        one_s, _ = _timed(
            [str(CLI), "grade", str(subs), "--assignment", ASSIGNMENT, "--no-progress", "--jobs",
             "2", "--db", str(work / "one.sqlite"), "--out", str(work / "one")],
            env=LOGIN_ENV, cwd=REPO, timeout=600,
        )  # fmt: skip
        print(f"one-shot grade of the same files (--jobs 2): {one_s:.1f} s")
    finally:
        t0 = time.monotonic()
        subprocess.run([str(CLUSTER), "stop", str(folder)], env=cluster_env, check=False)
        print(f"cluster stop: {time.monotonic() - t0:.2f} s")
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
