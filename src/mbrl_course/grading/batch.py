"""Batch scheduling: grade many submissions, each in its own runner subprocess, a few at a time.

Why: otter's `otter grade` needs Docker and `otter run` grades one notebook with no time limit,
so one looping or crashing submission stops a batch. Here every submission is graded by the
trusted runner (:mod:`mbrl_grader.runner`) in its OWN subprocess and session, under the
wall-clock limit of its :class:`~mbrl_grader.results.Limits`, `jobs` at a time. Whatever a
submission does (raise, loop, print gigabytes, `os._exit`, crash the grader), the outcome is one
:class:`~.gradebook.GradeRecord` holding a :class:`~mbrl_grader.results.SubmissionResult`, and
the batch goes on. Notebooks are validated and rebuilt in the trusted process
(:mod:`.submissions`) and written to a private scratch folder for the runner.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mbrl_grader.results import Limits, Status, SubmissionResult

from ..autograder import (
    Autograder,
    extract_written,
    file_sha256,
)
from ..gradebook.rows import GradeRecord, one_line
from .submissions import (
    InvalidSubmission,
    Submission,
    read_submission,
    resolve_assignment,
    safe_filename,
    write_notebook,
)

#: Extra time the runner gets beyond its wall-clock limit to report a timeout itself before
#: it is killed.
KILL_GRACE = 15.0
#: Largest runner result file read (bytes).
MAX_RESULT_BYTES = 20 * 1024 * 1024
RUNNER_MODULE = "mbrl_grader.runner"
#: The command that grades one notebook (tests replace it with a fake runner).
DEFAULT_RUNNER_CMD = [sys.executable, "-m", RUNNER_MODULE]


def cpu_count() -> int:
    """Cores this process may use (affinity-aware), the default for --jobs."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass
class Job:
    """A submission to grade, with an optional forced assignment and wall-clock limit."""

    submission: Submission
    assignment: str | None = None
    timeout: float | None = None
    """Overrides ``Limits.timeout_s`` for this job (samples that loop on purpose)."""


#: ``skip(submission_id, content_sha256, autograder_digest)``: True to skip (``--resume``).
SkipRule = Callable[[str, str, str], bool]


@dataclass
class Settings:
    """How to grade: where the autograders are, limits, parallelism, and the runner command."""

    autograders: dict[str, Path]
    limits: Limits = field(default_factory=Limits)
    jobs: int = field(default_factory=cpu_count)
    runner_cmd: list[str] = field(default_factory=lambda: list(DEFAULT_RUNNER_CMD))
    kill_grace: float = field(default_factory=lambda: KILL_GRACE)
    hide: list[Path] = field(default_factory=list)
    skip: SkipRule | None = None
    _models: dict[str, Autograder] = field(default_factory=dict, repr=False)

    def autograder(self, name: str) -> Autograder:
        """The built autograder of assignment `name` (its facts are read once)."""
        if name not in self._models:
            self._models[name] = Autograder(name, self.autograders[name])
        return self._models[name]

    def prepare(self, names: Sequence[str | None]) -> None:
        """Compute tables and digests up front, in one thread, for the assignments named."""
        for name in {n for n in names if n in self.autograders}:
            ag = self.autograder(name)
            ag.points, ag.written, ag.digest  # noqa: B018 - read now, in one thread


def _tail(path: Path, limit: int = 4000) -> str:
    """The last non-empty line of a (possibly huge) log file, for one-line reasons."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - limit))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()


def _kill_all_live() -> None:
    """Kill every runner still running (on Ctrl-C: they live in their own sessions)."""
    _STOPPING.set()
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the runner and everything it started (it runs in its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()


def read_result(data: object) -> SubmissionResult:
    """The runner's JSON as a SubmissionResult; an unreadable one becomes an ``error`` result."""
    if not isinstance(data, dict):
        return SubmissionResult(Status.ERROR, "the grader returned no result object")
    try:
        return SubmissionResult.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        return SubmissionResult(
            Status.ERROR, f"the grader returned an unreadable result: {type(exc).__name__}: {exc}"
        )


def grade_one(job: Job, settings: Settings, scratch: Path) -> GradeRecord:
    """Grade one submission in a runner subprocess; never raises, always returns a record."""
    sub = job.submission
    t0 = time.monotonic()
    record = GradeRecord(
        id=sub.id,
        source=str(sub.path),
        assignment=job.assignment,
        result=SubmissionResult(Status.ERROR, "not graded"),
    )
    try:
        record.content_sha256 = file_sha256(sub.path)
        _grade_into(job, settings, scratch, record)
    except KeyboardInterrupt:
        raise
    except InvalidSubmission as exc:
        record.result = SubmissionResult(Status.INVALID, str(exc))
    except Exception as exc:  # noqa: BLE001 - a tool bug on one submission must not stop the batch
        record.result = SubmissionResult(
            Status.ERROR, f"internal grading error: {type(exc).__name__}: {exc}"
        )
    if record.assignment in settings.autograders:
        try:
            record.question_max = settings.autograder(record.assignment).points
            record.manual_max = settings.autograder(record.assignment).manual_points
        except Exception:  # noqa: BLE001
            pass
    record.result.reason = one_line(record.result.reason)
    record.seconds = time.monotonic() - t0
    return record


def _grade_into(job: Job, settings: Settings, scratch: Path, record: GradeRecord) -> None:
    """Validate, resolve the assignment, run the runner and fill `record`."""
    sub = job.submission
    prepared = read_submission(sub, job.assignment)
    name = resolve_assignment(prepared, job.assignment, sorted(settings.autograders))
    record.assignment = name
    if name not in settings.autograders:
        raise InvalidSubmission(f"no autograder for assignment '{name}'")
    if settings.skip is not None and settings.skip(
        sub.id, record.content_sha256, settings.autograder(name).digest
    ):
        record.skipped = True
        return
    agdir = settings.autograders[name]
    record.written = extract_written(prepared.notebook, settings.autograder(name).written)
    limits = settings.limits
    if job.timeout is not None:
        limits = dataclasses.replace(limits, timeout_s=float(job.timeout))
    work = Path(tempfile.mkdtemp(prefix=safe_filename(sub.id)[:40] + "-", dir=scratch))
    try:
        nb_path = write_notebook(prepared.notebook, work / f"{name}.ipynb")
        out_json = work / "result.json"
        cmd = [*settings.runner_cmd, str(nb_path), str(agdir.resolve()), *limits.cli_args()]
        cmd += ["--json", str(out_json)]
        for p in settings.hide:  # the instructor's folders: other submissions stay unreadable
            cmd += ["--hide", str(p)]
        record.result = _run_runner(cmd, work, limits.timeout_s, settings.kill_grace, out_json)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_runner(
    cmd: list[str], work: Path, timeout: float, grace: float, out_json: Path
) -> SubmissionResult:
    """Start the runner in its own session, wait at most `timeout + grace`, read its result."""
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    with (work / "stdout.log").open("wb") as out, (work / "stderr.log").open("wb") as err:
        if _STOPPING.is_set():
            raise KeyboardInterrupt
        proc = subprocess.Popen(
            cmd,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        with _LIVE_LOCK:
            _LIVE.add(proc)
        try:
            rc = proc.wait(timeout=timeout + grace)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return SubmissionResult(
                Status.TIMEOUT,
                f"grading did not finish within the {timeout:g} s time limit (stopped)",
            )
        finally:
            if proc.poll() is None:
                _kill_group(proc)
            with _LIVE_LOCK:
                _LIVE.discard(proc)
        try:  # the runner is done; make sure nothing it started lingers
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    data = None
    if out_json.is_file() and out_json.stat().st_size <= MAX_RESULT_BYTES:
        try:
            data = json.loads(out_json.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
    if not isinstance(data, dict):
        why = _tail(work / "stderr.log") or _tail(work / "stdout.log") or "no output"
        how = f"killed by signal {-rc}" if rc < 0 else f"exit code {rc}"
        return SubmissionResult(
            Status.ERROR, f"the grading process failed ({how}) without a result: {why}"
        )
    return read_result(data)


def grade_batch(
    jobs: Sequence[Job],
    settings: Settings,
    progress: bool = True,
    on_done: Callable[[GradeRecord], None] | None = None,
) -> list[GradeRecord]:
    """Grade `jobs` with `settings.jobs` runner processes at a time; records sorted by id.

    `on_done` is called in the calling thread for each record as it finishes (the gradebook
    database is written there, one transaction per submission, so Ctrl-C keeps what finished).
    """
    records: list[GradeRecord] = []
    with tempfile.TemporaryDirectory(prefix="mbrl-grade-") as tmp:
        scratch = Path(tmp)
        settings.prepare([job.assignment for job in jobs])
        bar = _progress_bar(len(jobs), progress)
        _STOPPING.clear()
        pool = cf.ThreadPoolExecutor(max_workers=max(1, int(settings.jobs)))
        try:
            futures = [pool.submit(grade_one, job, settings, scratch) for job in jobs]
            for fut in cf.as_completed(futures):
                rec = fut.result()
                records.append(rec)
                if bar is not None:
                    status = "skipped" if rec.skipped else rec.status.value
                    bar.set_postfix_str(f"{rec.id[-30:]}: {status}", refresh=False)
                    bar.update(1)
                if on_done is not None:
                    on_done(rec)
        except BaseException:  # Ctrl-C: stop every runner (own sessions: they got no SIGINT)
            _kill_all_live()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        if bar is not None:
            bar.close()
    records.sort(key=lambda r: r.id)
    return records


def _progress_bar(total: int, enabled: bool):
    """A tqdm progress bar on stderr (or None when disabled or tqdm is missing)."""
    if not enabled or total == 0:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    # disable=None: shown on a terminal, silent in logs and pipes
    return tqdm(
        total=total, unit="sub", desc="grading", file=sys.stderr, dynamic_ncols=True, disable=None
    )
