"""Batch grading: `mbrl-course grade` and the `make run` pipeline (`mbrl-course run`).

Why this exists: otter's `otter grade` needs Docker and `otter run` grades one notebook with no
time limit, so one looping or crashing submission stops a batch. Here every submission is graded
by the trusted runner (:mod:`mbrl_grader.runner`) in its OWN subprocess, in its own session,
under a wall-clock limit, `--jobs` at a time. Whatever a submission does (raise, loop, print
gigabytes, `os._exit`, crash the grader), the outcome is one gradebook row with a status and the
batch goes on. The tool exits 0 whenever the batch completes; non-zero only when it cannot work
at all (unknown assignment, no autograder built, unusable paths).

Inputs are only read. Notebooks are validated and rebuilt in the trusted process
(:mod:`.submissions`) and written to a private scratch folder for the runner; outputs go only
under `--out`, which must not be inside a submissions folder, and which is refused if it exists
and was not made by this tool.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import math
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

from .feedback import CodeScrubber, write_feedback
from .gradebook import (
    STATUSES,
    GradeRecord,
    TestRecord,
    format_table,
    one_line,
    write_csv,
    write_json,
)
from .layout import course_root
from .submissions import (
    InputError,
    InvalidSubmission,
    Submission,
    discover,
    read_submission,
    resolve_assignment,
    safe_filename,
    write_notebook,
)

#: Default wall-clock limit per submission (s): generous for an honest but slow solution
#: (reference notebooks execute in <= 60 s and grade in <= 90 s on a 2-core laptop).
DEFAULT_TIMEOUT = 300.0
#: Extra time the runner gets beyond `--timeout` to report a timeout itself before it is killed.
KILL_GRACE = 15.0
#: Largest runner result file read (bytes).
MAX_RESULT_BYTES = 20 * 1024 * 1024
#: Marker file that says "this output folder was made by mbrl-course grade".
OUT_MARKER = ".mbrl-course-grades"
RUNNER_MODULE = "mbrl_grader.runner"
#: The command that grades one notebook (tests replace it with a fake runner).
DEFAULT_RUNNER_CMD = [sys.executable, "-m", RUNNER_MODULE]


def cpu_count() -> int:
    """Cores this process may use (affinity-aware), the default for --jobs."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class ToolError(Exception):
    """The grading tool itself cannot work (bad --assignment, no autograder, unsafe --out)."""


# --------------------------------------------------------------------------------------------
# autograders


def find_autograders(root: Path) -> dict[str, Path]:
    """Built autograders under `root` (`NAME/tests/*.py`), by assignment name."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    for d in sorted(root.iterdir()):
        if d.is_dir() and not d.name.startswith(".") and any((d / "tests").glob("*.py")):
            found[d.name] = d
    return found


def question_table(autograder_dir: Path) -> dict[str, float]:
    """Points available per question, read from the autograder's test files with otter's rules.

    The test files are the instructor's own (trusted); otter's parser resolves per-case points
    exactly as otter and our runner do. Used for rows that could not be graded (they still show
    what was possible) and as a cross-check.
    """
    from otter.test_files.exception_test import ExceptionTestFile

    table: dict[str, float] = {}
    for f in sorted(Path(autograder_dir).glob("tests/*.py")):
        try:
            tf = ExceptionTestFile.from_file(str(f))
        except Exception:  # noqa: BLE001 - a broken test file shows up when grading, not here
            continue
        table[tf.name] = round(sum(float(tc.points or 0) for tc in tf.test_cases), 4)
    return table


# --------------------------------------------------------------------------------------------
# one submission


@dataclass
class Job:
    """A submission to grade, with an optional forced assignment and time limit."""

    submission: Submission
    assignment: str | None = None
    timeout: float | None = None


@dataclass
class Settings:
    """How to grade: where the autograders are, limits, parallelism, and the runner command."""

    autograders: dict[str, Path]
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = field(default_factory=cpu_count)
    memory_mb: int | None = None
    cell_timeout: float | None = None
    runner_cmd: list[str] = field(default_factory=lambda: list(DEFAULT_RUNNER_CMD))
    kill_grace: float = field(default_factory=lambda: KILL_GRACE)
    hide: list[Path] = field(default_factory=list)
    tables: dict[str, dict[str, float]] = field(default_factory=dict)

    def table(self, name: str) -> dict[str, float]:
        """The question table of assignment `name` (computed once)."""
        if name not in self.tables:
            self.tables[name] = question_table(self.autograders[name])
        return self.tables[name]


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


def _parse_result(data: dict, record: GradeRecord) -> None:
    """Fill `record` from the runner's JSON (SubmissionResult as a dict)."""
    status = data.get("status")
    record.status = status if status in STATUSES else "error"
    record.reason = str(data.get("reason") or "")
    if status not in STATUSES:
        record.reason = f"the grader returned an unknown status {status!r}"
    tests = []
    for o in data.get("outcomes") or []:
        if not isinstance(o, dict):
            continue
        tests.append(
            TestRecord(
                question=str(o.get("question", "?")),
                name=str(o.get("name", "?")),
                hidden=bool(o.get("hidden", False)),
                points=float(o.get("points") or 0.0),
                max_points=float(o.get("max_points") or 0.0),
                passed=bool(o.get("passed", False)),
                message=str(o.get("message") or ""),
                test=str(o.get("test") or ""),
            )
        )
    record.tests = tests
    timings = data.get("timings")
    exec_s = None
    if isinstance(timings, dict):
        for key in ("execute_s", "execute", "execution", "notebook", "run_notebook", "worker"):
            if isinstance(timings.get(key), int | float):
                exec_s = float(timings[key])
                break
    if exec_s is None:
        for key in ("execution_seconds", "execute_seconds"):
            if isinstance(data.get(key), int | float):
                exec_s = float(data[key])
    record.execution_seconds = exec_s
    if isinstance(data.get("duration_s"), int | float):
        record.runner_seconds = float(data["duration_s"])


def grade_one(job: Job, settings: Settings, scratch: Path) -> GradeRecord:
    """Grade one submission in a runner subprocess; never raises, always returns a record."""
    sub = job.submission
    t0 = time.monotonic()
    record = GradeRecord(id=sub.id, source=str(sub.path), assignment=job.assignment, status="error")
    try:
        _grade_into(job, settings, scratch, record)
    except KeyboardInterrupt:
        raise
    except InvalidSubmission as exc:
        record.status, record.reason = "invalid", str(exc)
    except Exception as exc:  # noqa: BLE001 - a tool bug on one submission must not stop the batch
        record.status, record.reason = (
            "error",
            f"internal grading error: {type(exc).__name__}: {exc}",
        )
    if record.assignment in settings.autograders and not record.question_max:
        try:
            record.question_max = settings.table(record.assignment)
        except Exception:  # noqa: BLE001
            pass
    record.reason = one_line(record.reason)
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
    agdir = settings.autograders[name]
    record.question_max = settings.table(name)
    work = Path(tempfile.mkdtemp(prefix=safe_filename(sub.id)[:40] + "-", dir=scratch))
    try:
        nb_path = write_notebook(prepared.notebook, work / f"{name}.ipynb")
        out_json = work / "result.json"
        timeout = job.timeout if job.timeout is not None else settings.timeout
        cmd = [
            *settings.runner_cmd,
            str(nb_path),
            str(agdir.resolve()),
            "--timeout",
            f"{timeout:g}",
            "--json",
            str(out_json),
        ]
        if settings.memory_mb is not None:
            cmd += ["--memory-mb", str(settings.memory_mb)]
        if settings.cell_timeout is not None:
            cmd += ["--cell-timeout", f"{settings.cell_timeout:g}"]
        for p in settings.hide:  # the instructor's folders: other submissions stay unreadable
            cmd += ["--hide", str(p)]
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
                rc = proc.wait(timeout=timeout + settings.kill_grace)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                record.status = "timeout"
                record.reason = (
                    f"grading did not finish within the {timeout:g} s time limit (stopped)"
                )
                return
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
            record.status = "error"
            record.reason = f"the grading process failed ({how}) without a result: {why}"
            return
        _parse_result(data, record)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# batch


def grade_batch(
    jobs: Sequence[Job],
    settings: Settings,
    progress: bool = True,
    on_done: Callable[[GradeRecord], None] | None = None,
) -> list[GradeRecord]:
    """Grade `jobs` with `settings.jobs` runner processes at a time; records sorted by id."""
    records: list[GradeRecord] = []
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="mbrl-grade-") as tmp:
        scratch = Path(tmp)
        # question tables are read once, up front, not concurrently in the workers
        for job in jobs:
            if job.assignment in settings.autograders:
                settings.table(job.assignment)
        bar = _progress_bar(len(jobs), progress)
        workers = max(1, int(settings.jobs))
        _STOPPING.clear()
        pool = cf.ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(grade_one, job, settings, scratch) for job in jobs]
            for fut in cf.as_completed(futures):
                rec = fut.result()
                with lock:
                    records.append(rec)
                    if bar is not None:
                        bar.set_postfix_str(f"{rec.id[-30:]}: {rec.status}", refresh=False)
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


# --------------------------------------------------------------------------------------------
# outputs


def _is_within(child: Path, parent: Path) -> bool:
    """Whether `child` is `parent` or inside it (both resolved)."""
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def check_out_dir(out: Path, inputs: Sequence[Path]) -> None:
    """Refuse an output folder that could touch the instructor's files; raise ToolError."""
    for p in inputs:
        folder = p if p.is_dir() else p.parent
        if _is_within(out, folder) and (p.is_dir() or out.resolve() == folder.resolve()):
            raise ToolError(
                f"--out {out} is inside the submissions folder {folder}; choose a folder elsewhere "
                "(inputs are never modified)"
            )
    if out.exists():
        if not out.is_dir():
            raise ToolError(f"--out {out} exists and is not a folder")
        if any(out.iterdir()) and not (out / OUT_MARKER).exists():
            raise ToolError(
                f"--out {out} already holds files not written by `mbrl-course grade`; "
                "choose an empty or new folder"
            )


def write_outputs(
    records: list[GradeRecord], out: Path, autograders: dict[str, Path]
) -> dict[str, Path]:
    """Write grades.csv, grades.json and feedback/*.md under `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    (out / OUT_MARKER).write_text(
        "This folder is written by `mbrl-course grade`; its files are replaced on each run.\n",
        encoding="utf-8",
    )
    fb_dir = out / "feedback"
    if fb_dir.is_dir():  # our own folder (marker checked): drop feedback of earlier batches
        for old in fb_dir.glob("*.md"):
            old.unlink()
    scrubbers: dict[str, CodeScrubber] = {}
    used: set[str] = set()
    for r in records:
        base = safe_filename(r.id)
        name, k = base, 1
        while name.lower() in used:
            k += 1
            name = f"{base}~{k}"
        used.add(name.lower())
        if r.assignment not in scrubbers:
            ag = autograders.get(r.assignment or "")
            scrubbers[r.assignment or ""] = CodeScrubber(ag)
        scrub = scrubbers[r.assignment or ""]
        for t in r.tests:
            t.message = scrub(t.message)
        write_feedback(r, fb_dir / f"{name}.md", scrub)
        r.feedback = f"feedback/{name}.md"
    return {
        "csv": write_csv(records, out / "grades.csv"),
        "json": write_json(records, out / "grades.json"),
        "feedback": fb_dir,
    }


# --------------------------------------------------------------------------------------------
# command lines


def _positive_float(text: str) -> float:
    """argparse type: a positive, finite number."""
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _positive_int(text: str) -> int:
    """argparse type: a positive integer."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def _add_common(p: argparse.ArgumentParser, default_jobs: int) -> None:
    """Options shared by `grade` and `run` (parallelism, limits, where the autograders are)."""
    p.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=default_jobs,
        help=f"submissions graded in parallel (default: number of cores = {default_jobs})",
    )
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        help=f"wall-clock limit per submission in seconds (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--cell-timeout",
        type=_positive_float,
        default=None,
        metavar="S",
        help="limit for one notebook cell: a cell that exceeds it is stopped and skipped, the "
        "rest of the notebook is still graded (default: the runner's, 120)",
    )
    p.add_argument(
        "--autograders",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of built autograders NAME/tests/*.py (default: ROOT/autograder)",
    )
    p.add_argument(
        "--memory-mb",
        type=_positive_int,
        default=None,
        help="memory limit of the student's process in MB (default: the runner's, 4096)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _grade_parser() -> argparse.ArgumentParser:
    """The argument parser of `mbrl-course grade`."""
    p = argparse.ArgumentParser(
        prog="mbrl-course grade",
        description=(
            "Grade notebooks, otter export zips and folders of them with the trusted runner, "
            "without Docker. Writes OUT/grades.csv, OUT/grades.json and OUT/feedback/*.md. "
            "Exit status 0 whenever the batch completes, whatever the submissions were; "
            "2 when the tool cannot work (unknown assignment, no autograder built, bad paths)."
        ),
    )
    p.add_argument("inputs", nargs="+", metavar="SUBMISSION_OR_FOLDER")
    p.add_argument(
        "--assignment",
        "-a",
        default=None,
        help="assignment to grade against (default: from each notebook's metadata.otter.assignment_name)",
    )
    p.add_argument(
        "--out", "-o", type=Path, default=Path("grades"), help="output folder (default ./grades)"
    )
    _add_common(p, cpu_count())
    return p


def _settings(args: argparse.Namespace, autograder_root: Path) -> Settings:
    """Settings from parsed options; ToolError when no autograder is built at all."""
    autograders = find_autograders(autograder_root)
    if not autograders:
        raise ToolError(
            f"no autograder built in {autograder_root}; run `mbrl-course build` first "
            "(or pass --autograders DIR)"
        )
    return Settings(
        autograders=autograders,
        timeout=args.timeout,
        jobs=args.jobs,
        memory_mb=args.memory_mb,
        cell_timeout=args.cell_timeout,
    )


def _summary(records: list[GradeRecord]) -> str:
    """One line counting the records per status."""
    counts = {s: sum(r.status == s for r in records) for s in STATUSES}
    return f"{len(records)} submission(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def main(argv: Sequence[str] | None = None) -> int:
    """`mbrl-course grade SUBMISSION_OR_FOLDER... [--assignment NAME] [--out DIR] [--jobs N] [--timeout S]`."""
    args = _grade_parser().parse_intermixed_args(list(sys.argv[1:] if argv is None else argv))
    try:
        ag_root = args.autograders or course_root() / "autograder"
        settings = _settings(args, ag_root)
        if args.assignment and args.assignment not in settings.autograders:
            raise ToolError(
                f"no autograder for assignment '{args.assignment}' in {ag_root} "
                f"(built: {', '.join(settings.autograders)}); run `mbrl-course build`"
            )
        inputs = [Path(p) for p in args.inputs]
        subs = discover(inputs)
        check_out_dir(args.out, inputs)
    except (ToolError, InputError) as exc:
        print(f"mbrl-course grade: {exc}", file=sys.stderr)
        return 2
    if not subs:
        print(
            "mbrl-course grade: no submissions (.ipynb or .zip) found in the inputs",
            file=sys.stderr,
        )
    settings.hide = sorted(
        {(p if p.is_dir() else p.parent).resolve() for p in inputs} | {args.out.resolve()}
    )
    jobs = [Job(s, args.assignment) for s in subs]
    try:
        records = grade_batch(jobs, settings, progress=not args.no_progress)
    except KeyboardInterrupt:
        print("\nmbrl-course grade: interrupted; nothing written", file=sys.stderr)
        return 130
    paths = write_outputs(records, args.out, settings.autograders)
    if records:
        print(format_table(records))
    if len({r.assignment for r in records}) != 1:
        print(_summary(records))
    print(f"gradebook: {paths['csv']}  (and {paths['json']})")
    print(f"feedback:  {paths['feedback']}/ (one Markdown file per submission)")
    return 0


# ---- `mbrl-course run` (what `make run` calls)


def _run_parser() -> argparse.ArgumentParser:
    """The argument parser of `mbrl-course run`."""
    p = argparse.ArgumentParser(
        prog="mbrl-course run",
        description=(
            "The main job on the bundled defaults: build the assignments from the masters, "
            "regenerate the sample submissions (samples/), grade them all, print the gradebook "
            "and check every sample got its expected status and score."
        ),
    )
    p.add_argument("--root", type=Path, default=None, help="repository root (default: this repo)")
    p.add_argument(
        "--out", "-o", type=Path, default=None, help="output folder (default ROOT/build/grades)"
    )
    p.add_argument(
        "--no-build", action="store_true", help="skip `mbrl-course build` (use the built tree)"
    )
    p.add_argument(
        "--only", action="append", metavar="NAME", help="only this assignment (repeatable)"
    )
    _add_common(p, cpu_count())
    return p


def run_main(argv: Sequence[str] | None = None) -> int:
    """`mbrl-course run`: build, generate samples, grade them, print the gradebook and where it is."""
    from . import samples as samples_mod

    args = _run_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    root = (args.root or course_root()).resolve()
    out = args.out or root / "build" / "grades"
    t0 = time.monotonic()
    try:
        if not args.no_build:
            from . import build as build_mod
            from .layout import default_layout

            print("building assignments and autograders from solutions/ ...", flush=True)
            try:
                built = build_mod.build(default_layout(root), args.only)
            except build_mod.BuildError as exc:
                raise ToolError(f"build failed: {exc}") from None
            print(f"  built: {', '.join(built) or 'nothing'}")
        corpus = samples_mod.generate(root, only=args.only)
        if not corpus:
            raise ToolError(
                f"no assignments to sample under {root / 'assignments'}; run `mbrl-course build`"
            )
        print(
            f"samples: {sum(len(c.expected) for c in corpus.values())} submissions in {root / 'samples'}/"
        )
        settings = _settings(args, args.autograders or root / "autograder")
        missing = sorted(set(corpus) - set(settings.autograders))
        if missing:
            raise ToolError(
                f"no autograder built for {', '.join(missing)}; run `mbrl-course build`"
            )
        jobs = samples_mod.jobs_for(corpus)
        settings.hide = [(root / "samples").resolve(), out.resolve()]
        check_out_dir(out, [root / "samples"])
    except (ToolError, InputError) as exc:
        print(f"mbrl-course run: {exc}", file=sys.stderr)
        return 2
    try:
        records = grade_batch(jobs, settings, progress=not args.no_progress)
    except KeyboardInterrupt:
        print("\nmbrl-course run: interrupted; nothing written", file=sys.stderr)
        return 130
    paths = write_outputs(records, out, settings.autograders)
    print(format_table(records))
    if len({r.assignment for r in records}) > 1:
        print(_summary(records))
    problems = samples_mod.compare(records, corpus)
    if problems:
        print(f"\n{len(problems)} sample(s) did NOT grade as expected:")
        for line in problems:
            print(f"  {line}")
    else:
        print(f"all {len(records)} samples graded exactly as expected (samples/*/expected.json)")
    print(f"\ngradebook: {paths['csv']}  (and {paths['json']})")
    print(f"feedback:  {paths['feedback']}/ (one Markdown file per submission)")
    print(f"done in {time.monotonic() - t0:.0f} s")
    return 1 if problems else 0
