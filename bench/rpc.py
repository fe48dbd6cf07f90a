"""Benchmark of the grader-worker conversation: round trips, pinning, a call-heavy grading.

    python bench/rpc.py [--repeat 3] [--notebook 02_dyna]

Prints, never asserts:

* a bare pipe round trip between two processes, on different CPUs and on one CPU;
* a worker round trip with no work (``ping``) and a student method call (``m.f()``), with the
  grader and worker pinned to one CPU (as the runner does) and not;
* the wall time of grading the chosen solution notebook, pinned and with
  ``MBRL_SANDBOX_NO_PIN=1``, best of ``--repeat``, with its request count.

Why: grading is thousands of synchronous round trips; these figures show what each costs and
what :mod:`mbrl_grader.sandbox.affinity` saves (the numbers quoted in docs/design.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mbrl_course.course import course_root
from mbrl_grader.sandbox import affinity, isolation
from mbrl_grader.sandbox.client import WorkerClient

CELLS = [
    (
        0,
        "import numpy as np\nclass M:\n    def __init__(self):\n"
        "        self.rng = np.random.default_rng(0)\n    def f(self):\n"
        "        return (int(self.rng.integers(3)), 1)\nm = M()\n",
    )
]


def pipe_round_trip_us(pin: bool, n: int = 20000) -> float:
    """Microseconds per 1-byte ping-pong between a process and its forked child."""
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    allowed = os.sched_getaffinity(0)
    cpu = min(allowed)
    pid = os.fork()
    if pid == 0:
        if pin:
            os.sched_setaffinity(0, {cpu})
        for _ in range(n):
            os.read(r1, 1)
            os.write(w2, b"y")
        os._exit(0)
    if pin:
        os.sched_setaffinity(0, {cpu})
    t0 = time.perf_counter()
    for _ in range(n):
        os.write(w1, b"x")
        os.read(r2, 1)
    took = time.perf_counter() - t0
    os.waitpid(pid, 0)
    os.sched_setaffinity(0, allowed)
    for fd in (r1, w1, r2, w2):
        os.close(fd)
    return took / n * 1e6


def worker_round_trips_us(pin: bool, n: int = 3000) -> tuple[float, float]:
    """(ping, method call) microseconds through a real sandboxed worker."""
    if not pin:
        os.environ["MBRL_SANDBOX_NO_PIN"] = "1"
    try:
        with tempfile.TemporaryDirectory() as tmp, affinity.one_cpu():
            work = Path(tmp) / "work"
            work.mkdir()
            client = WorkerClient(
                cells=CELLS,
                workdir=str(work),
                hidden=isolation.default_hidden_paths([]),
                keep=isolation.default_keep_paths(),
                probes=[],
                memory_mb=1024,
                cell_timeout=10,
                output_limit=1000,
                cpu_seconds=120,
                skip=set(),
                stderr_path=str(Path(tmp) / "err"),
            )
            client.start()
            client.run_notebook(time.monotonic() + 60)
            client.deadline = time.monotonic() + 300
            t0 = time.perf_counter()
            for _ in range(n):
                client.ping()
            ping = (time.perf_counter() - t0) / n * 1e6
            m = client.lookup("m")
            m.f()
            t0 = time.perf_counter()
            for _ in range(n):
                m.f()
            call = (time.perf_counter() - t0) / n * 1e6
            client.close()
    finally:
        os.environ.pop("MBRL_SANDBOX_NO_PIN", None)
    return ping, call


def grading_seconds(root: Path, name: str, pin: bool, repeat: int) -> tuple[float, float]:
    """Best wall seconds of grading the solution of `name` in a runner process; its requests."""
    ag = root / "autograder" / name
    env = dict(os.environ)
    if not pin:
        env["MBRL_SANDBOX_NO_PIN"] = "1"
    best, calls = float("inf"), 0.0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "mbrl_grader.runner", str(ag / f"{name}.ipynb"), str(ag)]
                + ["--json", str(out)],
                check=True,
                env=env,
            )
            best = min(best, time.perf_counter() - t0)
            calls = json.loads(out.read_text())["timings"].get("rpc_calls", 0.0)
    return best, calls


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--notebook", default="02_dyna")
    args = ap.parse_args()
    print(f"CPUs allowed: {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}")
    for pin in (False, True):
        where = "one CPU" if pin else "free   "
        print(f"pipe round trip, {where}: {pipe_round_trip_us(pin):7.1f} us")
    for pin in (False, True):
        ping, call = worker_round_trips_us(pin)
        where = "pinned  " if pin else "unpinned"
        print(f"worker {where}: ping {ping:6.1f} us, method call {call:6.1f} us")
    root = course_root()
    for pin in (False, True):
        took, calls = grading_seconds(root, args.notebook, pin, args.repeat)
        where = "pinned  " if pin else "unpinned"
        print(f"grading {args.notebook} solution {where}: {took:5.2f} s ({calls:.0f} requests)")


if __name__ == "__main__":
    main()
