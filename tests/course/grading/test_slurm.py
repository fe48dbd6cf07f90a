"""The README's Slurm recipe on a real single-node Slurm cluster (Debian's slurm-wlm and munge).

The cluster is started by ``deploy/slurm/test-cluster.sh`` in a scratch folder; the array job
is ``deploy/slurm/grade-array.sbatch``, the very file the README shows (a fast test here keeps
the two equal). Its tasks grade shards of a few real 02_dyna samples with this checkout's
``.venv`` (what `make setup` gives an instructor's node), in an environment holding only what a
login shell would (no PYTHONPATH, no virtualenv); the shards are merged with `mbrl-course merge`
and compared with a one-shot `mbrl-course grade` of the same files.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mbrl_course.gradebook.db import GradebookDB

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "deploy" / "slurm" / "grade-array.sbatch"
CLUSTER = REPO / "deploy" / "slurm" / "test-cluster.sh"
README = REPO / "README.md"
CLI = REPO / ".venv" / "bin" / "mbrl-course"
ASSIGNMENT = "02_dyna"
N_SHARDS = 3
#: Spread over the 3 shards (3, 2, 3 files): right, buggy, blank, unreadable, a crashing worker
#: (os._exit restarts it) and an otter export zip; about 10 s of grading on one core.
SAMPLES = (
    "correct_vectorised.ipynb",
    "invalid_json.ipynb",
    "bug_wrong_answers.ipynb",
    "bug_greedy_argmin.ipynb",
    "bug_no_model_update.ipynb",
    "blank.ipynb",
    "correct_chapter_style.ipynb",
    "os_exit.ipynb",
)
#: What a login shell on a node has; sbatch (--export=ALL) hands it to the job.
LOGIN_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
JOB_TIMEOUT_S = 300


def readme_block(marker: str) -> str:
    """The fenced block after ``<!-- marker -->`` in the README, as Markdown renders it.

    The block sits in a list item, so its lines carry the fence's indentation; it is removed
    (and must be there on every non-empty line).
    """
    text = README.read_text(encoding="utf-8")
    m = re.search(
        rf"^(?P<ind> *)<!-- {re.escape(marker)} -->\n(?P=ind)```[a-z]*\n(?P<body>.*?)^(?P=ind)```$",
        text,
        re.M | re.S,
    )
    assert m, f"README.md has no fenced block after <!-- {marker} -->"
    indent = m["ind"]
    lines = m["body"].splitlines(keepends=True)
    assert all(line.startswith(indent) or not line.strip() for line in lines)
    return "".join(line[len(indent) :] if line.strip() else line for line in lines)


def test_readme_shows_the_sbatch_script_byte_for_byte():
    """The script the README shows is the file the Slurm test submits, unchanged."""
    assert readme_block(str(SCRIPT.relative_to(REPO))) == SCRIPT.read_text(encoding="utf-8")


def _run_script(tmp_path: Path, **slurm_env: str) -> subprocess.CompletedProcess[str]:
    """Run the sbatch script under bash as a task with `slurm_env` would, with a stub CLI."""
    stub = tmp_path / "mbrl-course"
    stub.write_text('#!/bin/sh\necho "$PWD" "$@"\n')
    stub.chmod(0o755)
    env = {**LOGIN_ENV, "SLURM_SUBMIT_DIR": str(tmp_path), "MBRL_COURSE": str(stub), **slurm_env}
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30
    )


def test_sbatch_script_shards_by_the_array_and_refuses_a_partial_array(tmp_path):
    """Task i of an array 0..N-1 grades shard i/N; a resubmitted task needs SHARDS=N."""
    array = {"SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "9"}
    r = _run_script(tmp_path, SLURM_ARRAY_TASK_ID="3", SLURM_ARRAY_TASK_COUNT="10", **array)
    assert r.returncode == 0, r.stderr
    expected = f"{tmp_path} grade submissions --assignment 02_dyna --no-progress --jobs 1 "
    assert r.stdout == expected + "--shard 3/10 --out grades-shards/3\n"
    # settings by environment (sbatch --export): course folder, assignment, paths, cores
    course = tmp_path / "course"
    course.mkdir()
    r = _run_script(
        tmp_path, COURSE=str(course), ASSIGNMENT="04_modern_methods", SUBMISSIONS="/s",
        SHARD_OUT="/o", SLURM_CPUS_PER_TASK="4", SLURM_ARRAY_TASK_ID="0",
        SLURM_ARRAY_TASK_COUNT="10", **array,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        f"{course} grade /s --assignment 04_modern_methods --no-progress --jobs 4 "
        "--shard 0/10 --out /o/0\n"
    )
    # `sbatch --array=3` to redo one task: the array no longer says how many shards there are
    redo = {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1"}
    redo |= {"SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "3"}
    r = _run_script(tmp_path, **redo)
    assert r.returncode == 2 and r.stdout == ""
    assert "set SHARDS=N" in r.stderr
    r = _run_script(tmp_path, SHARDS="10", **redo)
    assert r.returncode == 0 and "--shard 3/10 --out grades-shards/3\n" in r.stdout


# --- the real cluster ----------------------------------------------------------------------


def _slurm_missing() -> list[str]:
    """The Slurm and munge programs this machine lacks."""
    return [p for p in ("munged", "slurmctld", "slurmd", "sbatch") if not shutil.which(p)]


def _skip_or_fail_without_slurm() -> None:
    """Skip where a cluster cannot be started (not root, no apt) except in CI; else fail."""
    reason = None
    if os.geteuid() != 0:
        reason = "starting slurmd and munged needs root"
    elif not shutil.which("apt-get"):
        reason = "no apt-get: Debian's slurm-wlm and munge cannot be installed here"
    missing = _slurm_missing()
    if os.environ.get("CI") == "true" and (reason or missing):
        pytest.fail(f"CI must run the Slurm test: {reason or f'{missing} missing'}")
    if reason:
        pytest.skip(reason)
    if missing:
        pytest.fail(f"{missing} missing: `make test` installs slurm-wlm and munge")


def _free_ports(n: int) -> list[str]:
    """`n` TCP ports nothing listens on now (so two test runs can have a cluster each)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("", 0))
        return [str(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def _tail(path: Path, lines: int = 40) -> str:
    """The end of a log file, for a failure message."""
    if not path.is_file():
        return ""
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- {path}\n" + "\n".join(text) + "\n"


class Cluster:
    """A running test cluster: its folder and the environment its clients need."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {**LOGIN_ENV, "SLURM_CONF": str(folder / "slurm.conf")}

    def run(self, *cmd: str, **kw) -> subprocess.CompletedProcess[str]:
        """A Slurm client command against this cluster."""
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=60, **kw)

    def logs(self) -> str:
        """The daemons' logs, for a failure message."""
        names = ("munge/munged.log", "log/slurmctld.log", "log/slurmd.log", "log/daemons.out")
        return "".join(_tail(self.folder / n) for n in names)


@pytest.fixture
def slurm_cluster() -> Iterator[Cluster]:
    """A single-node cluster in a scratch folder, stopped (by pid files) and removed after.

    The folder is not under pytest's tmp_path: munged runs as `munge` and must traverse to its
    socket, and pytest's folders are root-only (0700).
    """
    _skip_or_fail_without_slurm()
    folder = Path(tempfile.mkdtemp(prefix="mbrl-slurm-"))
    ctld, slurmd = _free_ports(2)
    env = {**LOGIN_ENV, "SLURMCTLD_PORT": ctld, "SLURMD_PORT": slurmd}
    cluster = Cluster(folder)
    try:
        t0 = time.monotonic()
        r = subprocess.run(
            [str(CLUSTER), "start", str(folder)], env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert r.returncode == 0, f"cluster did not start:\n{r.stdout}{r.stderr}"
        print(f"slurm cluster up in {time.monotonic() - t0:.2f} s")
        yield cluster
    finally:
        subprocess.run([str(CLUSTER), "stop", str(folder)], env=env, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _comparable(db_path: Path) -> dict:
    """Everything a gradebook holds except timings and per-run scratch paths."""
    with GradebookDB.open(db_path) as db:
        rows = {}
        for s in db.submissions():
            d = s.result.to_dict()
            d.pop("duration_s"), d.pop("timings")
            d["isolation"] = {k: d["isolation"].get(k) for k in ("level", "user", "problems")}
            rows[s.submission_id] = (d, s.content_sha256, s.autograder_digest)
            rows[s.submission_id] += (db.written_of(s.submission_id),)
        return {"rows": rows, "questions": db.questions(ASSIGNMENT)}


def _wait_for(cluster: Cluster, job: str, diagnose) -> list[str]:
    """Poll squeue until the array job has left the queue; return its tasks' records."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while cluster.run("squeue", "--noheader", f"--jobs={job}").stdout.strip():
        if time.monotonic() > deadline:
            cluster.run("scancel", job)
            pytest.fail(f"array job {job} still queued after {JOB_TIMEOUT_S} s\n{diagnose()}")
        time.sleep(0.5)
    r = cluster.run("scontrol", "--oneliner", "show", "job", job)
    return [line for line in r.stdout.splitlines() if line.startswith("JobId=")]


@pytest.mark.slow
def test_readme_sbatch_array_merges_into_the_one_shot_gradebook(slurm_cluster, tmp_path):
    """The README's sbatch script, run as an array of 3 on Slurm, grades what one run grades."""
    assert CLI.is_file(), f"{CLI} missing: the course's venv (`make setup`) is what nodes run"
    subs = tmp_path / "submissions"
    subs.mkdir()
    for name in SAMPLES:
        shutil.copy(REPO / "samples" / ASSIGNMENT / name, subs / name)
    shard_out = tmp_path / "grades-shards"
    course = str(REPO)
    settings = f"COURSE={course},ASSIGNMENT={ASSIGNMENT},SUBMISSIONS={subs},SHARD_OUT={shard_out}"

    def diagnose() -> str:
        return "".join(_tail(p) for p in sorted(tmp_path.glob("*.out"))) + slurm_cluster.logs()

    # as the README says, one core per task instead of the script's 4 (a node here has 2)
    t0 = time.monotonic()
    r = slurm_cluster.run(
        "sbatch", "--parsable", f"--array=0-{N_SHARDS - 1}", "--cpus-per-task=1",
        f"--export=ALL,{settings}", str(SCRIPT), cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, f"sbatch failed: {r.stderr}\n{diagnose()}"
    job = r.stdout.strip().split(";")[0]
    tasks = _wait_for(slurm_cluster, job, diagnose)
    print(f"array job {job}: {len(tasks)} tasks done in {time.monotonic() - t0:.1f} s")
    task_ids = sorted(re.search(r"ArrayTaskId=(\d+)", t)[1] for t in tasks)
    assert task_ids == [str(i) for i in range(N_SHARDS)], diagnose()
    for t in tasks:
        assert "JobState=COMPLETED" in t and "ExitCode=0:0" in t, f"{t}\n{diagnose()}"
    logs = sorted(tmp_path.glob(f"mbrl-grade-{job}_*.out"))
    assert len(logs) == N_SHARDS, diagnose()

    shards = sorted(shard_out.iterdir())  # the README's `grades-shards/*`
    assert [p.name for p in shards] == [str(i) for i in range(N_SHARDS)]
    merged_db, merged_out = tmp_path / "merged.sqlite", tmp_path / "merged"
    merge_cmd = [str(CLI), "merge", *map(str, shards), "--db", str(merged_db)]
    r = subprocess.run(
        [*merge_cmd, "--out", str(merged_out)], env=LOGIN_ENV, cwd=REPO, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    one_db, one_out = tmp_path / "one.sqlite", tmp_path / "one"
    r = subprocess.run(
        [str(CLI), "grade", str(subs), "--assignment", ASSIGNMENT, "--no-progress", "--jobs", "2",
         "--db", str(one_db), "--out", str(one_out)],
        env=LOGIN_ENV, cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr

    merged, one_shot = _comparable(merged_db), _comparable(one_db)
    assert sorted(merged["rows"]) == sorted(SAMPLES)
    assert merged == one_shot
    assert (merged_out / "grades.csv").read_bytes() == (one_out / "grades.csv").read_bytes()
    for md in (one_out / "feedback").glob("*.md"):
        assert (merged_out / "feedback" / md.name).read_text() == md.read_text()
    # graded inside the job as outside it: sandboxed, full marks for right work
    rows = merged["rows"]
    for name in ("correct_vectorised.ipynb", "correct_chapter_style.ipynb"):
        result = rows[name][0]
        assert result["status"] == "graded"
        assert result["score"] == result["possible"] == 42, result
    assert rows["invalid_json.ipynb"][0]["status"] == "invalid"
    levels = {rows[n][0]["isolation"]["level"] for n in SAMPLES if n != "invalid_json.ipynb"}
    assert levels == {one_shot["rows"]["blank.ipynb"][0]["isolation"]["level"]}
    print(f"sandbox isolation inside the Slurm jobs: {levels}")
