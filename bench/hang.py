"""Benchmark of a hang: what a never-ending function costs, locally and in Gradescope's layout.

    python bench/hang.py [--variant NN_topic/bug_hang_run_episodes]

Injects the variant (default: 02's `run_episodes` with `while not done:` and `done` never set)
into the student notebook, then grades it with DEFAULT limits twice:

* locally, `mbrl-course grade DIR --assignment NN --out OUT --db OUT/gradebook.sqlite`;
* as Gradescope runs it: the autograder zip unpacked under a temporary `AUTOGRADER_ROOT`
  (`source/`, `submission/`, `results/`), `run_autograder` started with this virtualenv's
  python (MBRL_AUTOGRADER_PYTHON; the clean-environment run is tests/course/test_gradescope_zip).

Prints the score, the status, the reason and the wall time of each (target for the default
variant: 30/42 in at most 60 s on a quiet machine; Gradescope stops a run at 600 s). Figures are
printed, never asserted. The repository is not touched.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

from mbrl_course.corpus.inject import make_submission
from mbrl_course.course import course_root


def _local(root: Path, name: str, nb_path: Path, out: Path) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "mbrl_course.cli", "--root", str(root), "grade"]
    cmd += [str(nb_path.parent), "--assignment", name, "--out", str(out)]
    cmd += ["--db", str(out / "gradebook.sqlite"), "--no-progress", "--jobs", "1"]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.monotonic() - t0
    rows = json.loads((out / "grades.json").read_text())
    rows = rows.get("submissions", rows) if isinstance(rows, dict) else rows
    return wall, rows[0]


def _gradescope(zip_path: Path, nb_path: Path, gs: Path) -> tuple[float, dict]:
    for sub in ("source", "submission", "results"):
        (gs / sub).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(gs / "source")
    (gs / "submission_metadata.json").write_text("{}")
    shutil.copyfile(nb_path, gs / "submission" / nb_path.name)
    runner = gs / "run_autograder"
    shutil.copyfile(gs / "source" / "run_autograder", runner)
    runner.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUTOGRADER_ROOT")}
    env.update(AUTOGRADER_ROOT=str(gs), MBRL_AUTOGRADER_PYTHON=sys.executable)
    t0 = time.monotonic()
    subprocess.run([str(runner)], cwd=gs, env=env, capture_output=True, text=True, timeout=900)
    wall = time.monotonic() - t0
    return wall, json.loads((gs / "results" / "results.json").read_text())


def main() -> None:
    """Grade the hanging variant both ways and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", default="02_dyna/bug_hang_run_episodes")
    ns = ap.parse_args()
    root = course_root()
    name, variant = ns.variant.split("/")
    blank = nbformat.read(root / "assignments" / name / f"{name}.ipynb", as_version=4)
    source = (root / "tests" / "submissions" / name / f"{variant}.py").read_text()
    with tempfile.TemporaryDirectory(prefix="mbrl-bench-hang-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        nb_path = subs / f"{name}.ipynb"
        nbformat.write(make_submission(blank, source), nb_path)

        wall, row = _local(root, name, nb_path, Path(tmp) / "out")
        print(f"{ns.variant}, default limits")
        print(
            f"  mbrl-course grade: auto {row.get('auto')} (possible {row.get('possible')}, written "
            f"answers included) status {row.get('status')} in {wall:.1f} s wall"
        )
        print(f"    reason: {row.get('reason')}")

        zip_path = root / "autograder" / name / f"{name}-autograder.zip"
        wall, res = _gradescope(zip_path, nb_path, Path(tmp) / "gs")
        total = sum(t.get("max_score", 0.0) for t in res.get("tests", []))
        print(f"  Gradescope layout: {res.get('score')}/{total:g} in {wall:.1f} s wall")
        print(f"    output: {' '.join(str(res.get('output', '')).split())[:300]}")
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
