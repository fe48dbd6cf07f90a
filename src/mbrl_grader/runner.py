"""Trusted test runner: grade one notebook against an otter autograder without trusting it.

The student's code runs only in a sandboxed worker (:mod:`mbrl_grader.sandbox`); the test
cases of ``AUTOGRADER_DIR/tests/*.py`` (otter exception-style files) run here, in the grading
process, with proxies for the student's objects. Nothing from the submission is unpickled; only
the ``.ipynb`` JSON is read.

Command line (used by the batch grader, one subprocess per submission)::

    python -m mbrl_grader.runner NOTEBOOK AUTOGRADER_DIR [--timeout S] [--run-demos] [--json OUT]

prints (or writes to OUT) the :class:`~mbrl_grader.results.SubmissionResult` as JSON (the one
schema, documented in :mod:`mbrl_grader.results`), exit code 0 whenever a result was produced
(whatever the submission did). Limits come as :class:`~mbrl_grader.results.Limits`.

``message`` of a hidden test is its assertion/exception message only, never its source.
Code cells tagged ``demo`` in their cell metadata are skipped (see :func:`grade_notebook`).
"""

from __future__ import annotations

import argparse
import builtins
import glob
import inspect
import json
import os
import re
import shutil
import sys
import tempfile
import time
import types
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mbrl_grader.results import Limits, Status, SubmissionResult, TestOutcome
from mbrl_grader.sandbox import isolation
from mbrl_grader.sandbox.client import (
    NotebookRun,
    StaleProxy,
    WorkerBroken,
    WorkerClient,
    WorkerDied,
    WorkerTimeout,
)
from mbrl_grader.sandbox.proxy import GlobalsView, StudentCodeError

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


# --------------------------------------------------------------------------- inputs


class InvalidNotebook(Exception):
    """The submission is not a readable Jupyter notebook."""


DEMO_TAG = "demo"
"""Cell metadata tag of a master code cell whose output no grade depends on (skipped when grading)."""


def read_code_cells(notebook_path: str | os.PathLike[str]) -> list[tuple[int, str]]:
    """``[(cell_index, source)]`` of the code cells; plain JSON parsing, nothing executed."""
    return [(i, src) for i, src, _tags in read_code_cells_with_tags(notebook_path)]


def demo_cells(notebook_path: str | os.PathLike[str]) -> set[int]:
    """Notebook indices of the code cells tagged ``demo`` in their cell metadata."""
    return {i for i, _src, tags in read_code_cells_with_tags(notebook_path) if DEMO_TAG in tags}


def read_code_cells_with_tags(
    notebook_path: str | os.PathLike[str],
) -> list[tuple[int, str, frozenset[str]]]:
    """``[(cell_index, source, tags)]`` of the code cells; malformed tags count as no tags."""
    p = Path(notebook_path)
    try:
        if p.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise InvalidNotebook(f"notebook larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
        nb = json.loads(p.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError) as e:
        raise InvalidNotebook(f"cannot read the notebook as JSON: {str(e)[:200]}") from e
    if type(nb) is not dict or type(nb.get("cells")) is not list:
        raise InvalidNotebook("not a Jupyter notebook (no cells list)")
    cells = []
    for i, c in enumerate(nb["cells"]):
        if type(c) is not dict or c.get("cell_type") != "code":
            continue
        src = c.get("source", "")
        if type(src) is list:
            src = "".join(s for s in src if type(s) is str)
        if type(src) is not str:
            raise InvalidNotebook(f"cell {i} has an invalid source")
        meta = c.get("metadata")
        tags = meta.get("tags") if type(meta) is dict else None
        tags = frozenset(t for t in tags if type(t) is str) if type(tags) is list else frozenset()
        cells.append((i, src, tags))
    return cells


@dataclass
class _Case:
    question: str
    name: str
    hidden: bool
    max_points: float
    func: Any
    failure_message: str | None
    all_or_nothing: bool


class test_case:  # noqa: N801 - same name and signature as otter.test_files.test_case
    """Light stand-in for otter's ``test_case`` decorator (importing otter costs seconds)."""

    def __init__(
        self,
        name: str | None = None,
        points: float | None = None,
        hidden: bool = False,
        success_message: str | None = None,
        failure_message: str | None = None,
    ) -> None:
        self.name, self.points, self.hidden = name, points, hidden
        self.success_message, self.failure_message = success_message, failure_message
        self.test_func: Any = None

    def __call__(self, func: Any) -> test_case:
        self.test_func = func
        return self


def _importer(real: Any) -> Any:
    fake = types.ModuleType("otter.test_files")
    fake.test_case = test_case  # type: ignore[attr-defined]

    def __import__(
        name: str,
        globals: Any = None,
        locals: Any = None,  # noqa: A002, N807
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        if name in ("otter.test_files", "otter.test_files.exception_test") and fromlist:
            return fake
        return real(name, globals, locals, fromlist, level)

    return __import__


def resolve_points(total: Any, declared: list[float | None]) -> list[float]:
    """Otter 7's point rules: explicit case points; the file's ``points`` split over the rest."""
    if isinstance(total, list):
        if len(total) != len(declared):
            raise ValueError("points list length differs from the number of test cases")
        declared, total = [float(p) for p in total], None
    pre = sum(p for p in declared if p is not None)
    n_none = sum(p is None for p in declared)
    if total is not None:
        if pre > total:
            raise ValueError("more points in test cases than allowed for the question")
        rest = (total - pre) / n_none if n_none else 0.0
    elif pre == 0 and all(p in (0, None) for p in declared):
        rest = 1 / n_none if n_none else 0.0
    else:
        rest = 0.0
    return [float(p) if p is not None else float(rest) for p in declared]


def load_tests(autograder_dir: str | os.PathLike[str]) -> list[_Case]:
    """Parse ``tests/*.py`` (instructor-trusted otter exception-style files) in this process."""
    cases: list[_Case] = []
    for path in sorted(glob.glob(os.path.join(os.fspath(autograder_dir), "tests", "*.py"))):
        src = Path(path).read_text()
        bi = dict(vars(builtins))
        bi["__import__"] = _importer(builtins.__import__)
        env: dict[str, Any] = {
            "__name__": f"_mbrl_test_{Path(path).stem}",
            "__file__": path,
            "__builtins__": bi,
        }
        exec(compile(src, path, "exec"), env)
        if "name" not in env:
            raise ValueError(f"test file {path} does not define 'name'")
        qname = str(env["name"])
        tcs = [v for v in env.values() if isinstance(v, test_case)]
        for i, tc in enumerate(tcs):
            if tc.name is None:
                tc.name = f"{qname} - {i + 1}"
        pts = resolve_points(env.get("points"), [tc.points for tc in tcs])
        for tc, p in zip(tcs, pts, strict=True):
            cases.append(
                _Case(
                    question=qname,
                    name=str(tc.name),
                    hidden=bool(tc.hidden),
                    max_points=p,
                    func=tc.test_func,
                    failure_message=tc.failure_message,
                    all_or_nothing=bool(env.get("all_or_nothing", False)),
                )
            )
    return cases


def stage_support_files(autograder_dir: Path, dest: Path, names: Sequence[str]) -> None:
    """Copy the public support files (``files:`` of the assignment) into the worker's directory."""
    zips = sorted(autograder_dir.glob("*.zip"))
    for name in names:
        src = autograder_dir / name
        if not src.exists() and (autograder_dir / "files" / name).exists():
            src = autograder_dir / "files" / name  # Gradescope layout
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, dest / name)
        else:
            for z in zips:
                _extract_from_zip(z, f"files/{name}", dest / name)


def _extract_from_zip(zpath: Path, prefix: str, dest: Path) -> None:
    with zipfile.ZipFile(zpath) as zf:
        for info in zf.infolist():
            n = info.filename
            if not (n == prefix or n.startswith(prefix + "/")) or info.is_dir():
                continue
            rel = Path(n[len(prefix) :].lstrip("/"))
            if rel.is_absolute() or ".." in rel.parts:
                continue
            target = dest / rel if str(rel) not in ("", ".") else dest
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as fin, open(target, "wb") as fout:
                shutil.copyfileobj(fin, fout)


def _copy_mpl_cache(dest: Path) -> None:
    src = Path(os.environ.get("MPLCONFIGDIR", Path.home() / ".cache" / "matplotlib"))
    (dest).mkdir(exist_ok=True)
    for f in glob.glob(str(src / "fontlist-*.json")):
        shutil.copy2(f, dest)


# --------------------------------------------------------------------------- grading


def _seed_for(case: _Case) -> int:
    return zlib.crc32(f"{case.question}/{case.name}".encode())


def _failure_text(e: BaseException, case: _Case) -> str:
    if isinstance(e, AssertionError):
        msg = str(e).strip() or ("A hidden test failed." if case.hidden else "A test failed.")
    elif isinstance(e, StudentCodeError):
        msg = str(e)
    elif isinstance(e, WorkerDied):
        msg = (
            "Your code ended the notebook's process while this test ran (os._exit, a crash, "
            "or the memory limit)."
        )
    elif isinstance(e, WorkerTimeout):
        msg = "This test ran out of time (an infinite loop, or much too slow)."
    elif isinstance(e, WorkerBroken):
        msg = "Your code interfered with the grader's communication channel."
    else:
        msg = f"{type(e).__name__}: {str(e)[:1000]}"
    if case.failure_message:
        msg = f"{case.failure_message}\n{msg}"
    return msg


class _Session:
    """Runs the notebook in a worker and restarts it (bounded) when the student's code kills it."""

    def __init__(
        self,
        *,
        cells: list[tuple[int, str]],
        workdir: Path,
        hidden: list[str],
        keep: list[str],
        probes: list[str],
        memory_mb: int,
        cell_timeout: float,
        output_limit: int,
        cpu_seconds: int,
        stderr_path: str,
        deadline: float,
        max_restarts: int,
    ) -> None:
        self.kw = dict(
            cells=cells,
            workdir=str(workdir),
            hidden=hidden,
            keep=keep,
            probes=probes,
            memory_mb=memory_mb,
            cell_timeout=cell_timeout,
            output_limit=output_limit,
            cpu_seconds=cpu_seconds,
            stderr_path=stderr_path,
        )
        self.deadline, self.max_restarts = deadline, max_restarts
        self.skip: set[int] = set()
        self.notes: list[str] = []
        self.restarts = 0
        self.client: WorkerClient | None = None
        self.run: NotebookRun | None = None
        self.first_run: NotebookRun | None = None

    def start(self) -> NotebookRun:
        """Start a worker and execute the notebook, skipping cells that killed earlier workers."""
        while True:
            client = WorkerClient(skip=self.skip, **self.kw)  # type: ignore[arg-type]
            client.start()
            run = client.run_notebook(self.deadline)
            if self.first_run is None:
                self.first_run = run
            if run.ready or run.timed_out:
                self.client, self.run = client, run
                return run
            bad = run.died_in_cell if run.died_in_cell is not None else run.hung_in_cell
            if bad is None or self.restarts >= self.max_restarts or not run.report:
                self.client, self.run = client, run
                return run
            what = "ended the process" if run.died_in_cell is not None else "hung past its limit"
            self.notes.append(f"cell {bad} {what} and was skipped")
            self.skip.add(bad)
            self.restarts += 1

    def restart(self) -> bool:
        """Restart after a test killed the worker; False when out of restarts or time."""
        if self.client is not None:
            self.client.kill()
        if self.restarts >= self.max_restarts or time.monotonic() >= self.deadline:
            self.client = None
            return False
        self.restarts += 1
        run = self.start()
        return run.ready


def grade_notebook(
    notebook_path: str | os.PathLike[str],
    autograder_dir: str | os.PathLike[str],
    limits: Limits | None = None,
    *,
    support_files: Sequence[str] = ("mbrl_envs",),
    hide_paths: Sequence[str | os.PathLike[str]] = (),
    run_demos: bool = False,
) -> SubmissionResult:
    """Grade one notebook: run it in the sandbox, then run every test case here with proxies.

    ``limits.timeout_s`` bounds everything (status ``timeout`` when exceeded); ``cell_timeout_s``
    bounds each notebook cell; each test case gets ``limits.effective_test_timeout()``, after
    which the worker is restarted so the remaining tests still run.

    Code cells tagged ``demo`` (cell metadata) are not run unless ``run_demos``: no grade depends
    on them (``validate`` proves it for the solution), and a student's broken code inside a demo
    would otherwise cost minutes per submission. A cell whose tag the student removed runs under
    the normal limits.
    """
    limits = limits or Limits()
    t0 = time.monotonic()
    deadline = t0 + limits.timeout_s
    nb_path = Path(notebook_path).resolve()
    ag_dir = Path(autograder_dir).resolve()
    try:
        tagged = read_code_cells_with_tags(nb_path)
    except InvalidNotebook as e:
        return SubmissionResult(Status.INVALID, str(e), duration_s=time.monotonic() - t0)
    cells = [(i, src) for i, src, _tags in tagged]
    demos = set() if run_demos else {i for i, _src, tags in tagged if DEMO_TAG in tags}
    try:
        cases = load_tests(ag_dir)
    except Exception as e:
        return SubmissionResult(
            Status.ERROR, f"cannot load the autograder tests: {e}", duration_s=time.monotonic() - t0
        )
    if not cases:
        return SubmissionResult(
            Status.ERROR, f"no tests found in {ag_dir / 'tests'}", duration_s=time.monotonic() - t0
        )

    with tempfile.TemporaryDirectory(prefix="mbrl-grade-") as tmp:
        private = Path(tmp)
        workdir = private / "work"
        workdir.mkdir()
        os.chmod(tmp, 0o711)
        shutil.copy2(nb_path, workdir / nb_path.name)
        stage_support_files(ag_dir, workdir, support_files)
        _copy_mpl_cache(workdir / ".mpl")
        hidden = isolation.default_hidden_paths([ag_dir, nb_path.parent, *hide_paths])
        import mbrl_grader
        import mbrl_ref

        probes = [str(ag_dir / "tests"), str(nb_path), mbrl_ref.__file__, mbrl_grader.__file__]
        session = _Session(
            cells=cells,
            workdir=workdir,
            hidden=hidden,
            keep=isolation.default_keep_paths(),
            probes=probes,
            memory_mb=limits.memory_mb,
            cell_timeout=limits.cell_timeout_s,
            output_limit=limits.output_limit_chars,
            cpu_seconds=int(limits.timeout_s) + 5,
            stderr_path=str(private / "worker.stderr"),
            deadline=deadline,
            max_restarts=limits.max_restarts,
        )
        session.skip |= demos
        try:
            return _grade(session, cases, cells, t0, deadline, limits)
        finally:
            if session.client is not None:
                session.client.close()


def code_cell_label(cells: Sequence[tuple[int, str]], cell_index: int) -> str:
    """Name a notebook cell as the student sees it: its number among code cells, its first line.

    ``cells`` are the ``(notebook index, source)`` pairs of the code cells; ``cell_index`` is a
    notebook index (markdown cells included), which a student cannot find in Jupyter.
    """
    for number, (index, source) in enumerate(cells, start=1):
        if index == cell_index:
            first = next((line.strip() for line in source.splitlines() if line.strip()), "")
            first = first if len(first) <= 60 else first[:57] + "..."
            return f'code cell {number} ("{first}")' if first else f"code cell {number} (empty)"
    return f"cell {cell_index}"


def _describe_cell_errors(errors: list[dict[str, Any]], cells: Sequence[tuple[int, str]]) -> None:
    """Add the student-visible code cell number and first line to each cell error, in place."""
    numbers = {index: number for number, (index, _src) in enumerate(cells, start=1)}
    for err in errors:
        index = err.get("cell")
        if isinstance(index, int):
            err["code_cell"] = numbers.get(index)
            err["label"] = code_cell_label(cells, index)


def _grade(
    session: _Session,
    cases: list[_Case],
    cells: Sequence[tuple[int, str]],
    t0: float,
    deadline: float,
    limits: Limits,
) -> SubmissionResult:
    t_exec = time.monotonic()
    demos_skipped = len(session.skip)
    run = session.start()
    timings = {"execute_s": time.monotonic() - t_exec, "demo_cells_skipped": float(demos_skipped)}
    first = session.first_run or run
    report = dict(first.report)
    if first.report.get("problems"):
        session.client and session.client.kill()
        return SubmissionResult(
            Status.ERROR,
            "sandbox isolation failed: " + "; ".join(map(str, report["problems"]))[:500],
            isolation=report,
            duration_s=time.monotonic() - t0,
        )
    if not first.report:
        return SubmissionResult(
            Status.ERROR,
            "the sandbox worker failed to start: " + (first.detail or "no details")[-300:],
            duration_s=time.monotonic() - t0,
        )
    notes = [_relabel(note, cells) for note in session.notes]
    status = Status.GRADED
    outcomes: list[TestOutcome] = []
    if run.timed_out:
        status = Status.TIMEOUT
        notes.append("the notebook did not finish within the time limit")
    elif not run.ready:
        notes.append("the notebook's process ended early; no tests could run")
        if session.client is not None:
            session.client.kill()
        session.client = None
    errors = [dict(e) for e in (run.errors or first.errors)]
    _describe_cell_errors(errors, cells)
    timeouts = [e for e in errors if e.get("type") == "CellTimeout"]
    if timeouts:
        labels = ", ".join(e.get("label", str(e.get("cell"))) for e in timeouts)
        notes.append(
            f"{labels} exceeded the per-cell time limit and {'was' if len(timeouts) == 1 else 'were'} stopped"
        )
    if run.output_chars > limits.output_limit_chars:
        notes.append(f"output truncated ({run.output_chars} characters printed)")

    t_tests = time.monotonic()
    rpc_calls = 0
    test_timeout = limits.effective_test_timeout()
    for case in cases:
        client = session.client
        if status == Status.TIMEOUT or client is None or time.monotonic() >= deadline:
            if time.monotonic() >= deadline and status != Status.TIMEOUT:
                status = Status.TIMEOUT
                notes.append("grading time limit reached before all tests ran")
            why = (
                "time limit reached." if status == Status.TIMEOUT else "the notebook could not run."
            )
            outcomes.append(_outcome(case, False, "Not run: " + why))
            continue
        client.begin_test(min(deadline, time.monotonic() + test_timeout))
        before = client.rpc_count
        try:
            client.reseed(_seed_for(case))
            params = list(inspect.signature(case.func).parameters)
            kwargs = {p: (GlobalsView(client) if p == "env" else client.lookup(p)) for p in params}
            case.func(**kwargs)
        except (WorkerDied, WorkerTimeout, WorkerBroken) as e:
            rpc_calls += client.rpc_count - before
            outcomes.append(_outcome(case, False, _failure_text(e, case)))
            what = {
                "WorkerDied": "ended the process",
                "WorkerTimeout": "timed out",
                "WorkerBroken": "corrupted the channel",
            }[type(e).__name__]
            if session.restart():
                notes.append(f"test {case.name} {what}; the notebook was re-run")
            else:
                notes.append(f"test {case.name} {what}; no restarts left")
            continue
        except StaleProxy as e:
            outcomes.append(_outcome(case, False, f"StaleProxy: {e}"))
        except Exception as e:
            outcomes.append(_outcome(case, False, _failure_text(e, case)))
        else:
            outcomes.append(_outcome(case, True, ""))
        rpc_calls += client.rpc_count - before
    timings["tests_s"] = time.monotonic() - t_tests
    timings["rpc_calls"] = float(rpc_calls)

    _apply_all_or_nothing(outcomes, cases)
    raised = [e for e in errors if e.get("type") != "CellTimeout"]
    if raised:
        shown = "; ".join(f"{e.get('label', e.get('cell'))}: {e.get('type')}" for e in raised[:5])
        more = f" and {len(raised) - 5} more" if len(raised) > 5 else ""
        notes.append(f"errors while running the notebook: {shown}{more}")
    if first.detail and not run.ready:
        notes.append(first.detail.splitlines()[-1][:200] if first.detail.splitlines() else "")
    return SubmissionResult(
        status,
        "; ".join(n for n in notes if n),
        outcomes,
        cell_errors=errors,
        isolation=report,
        duration_s=time.monotonic() - t0,
        timings=timings,
    )


def _relabel(note: str, cells: Sequence[tuple[int, str]]) -> str:
    """Rewrite a session note's ``cell N`` (notebook index) into the student's code cell label."""
    match = re.match(r"cell (\d+) (.*)", note)
    if not match:
        return note
    return f"{code_cell_label(cells, int(match.group(1)))} {match.group(2)}"


def _outcome(case: _Case, passed: bool, message: str) -> TestOutcome:
    return TestOutcome(
        question=case.question,
        name=case.name,
        hidden=case.hidden,
        points=case.max_points if passed else 0.0,
        max_points=case.max_points,
        passed=passed,
        message=message,
        test=getattr(case.func, "__name__", ""),
    )


def _apply_all_or_nothing(outcomes: list[TestOutcome], cases: list[_Case]) -> None:
    by_q: dict[str, list[int]] = {}
    for i, c in enumerate(cases):
        if c.all_or_nothing:
            by_q.setdefault(c.question, []).append(i)
    for idx in by_q.values():
        if not all(outcomes[i].passed for i in idx):
            for i in idx:
                outcomes[i].points = 0.0


def main(argv: list[str] | None = None) -> int:
    """CLI: grade one notebook and print/write the result JSON."""
    ap = argparse.ArgumentParser(
        prog="python -m mbrl_grader.runner",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("notebook")
    ap.add_argument("autograder_dir")
    defaults = Limits()
    ap.add_argument("--timeout", type=float, default=defaults.timeout_s)
    ap.add_argument("--cell-timeout", type=float, default=defaults.cell_timeout_s)
    ap.add_argument("--test-timeout", type=float, default=defaults.test_timeout_s)
    ap.add_argument("--memory-mb", type=int, default=defaults.memory_mb)
    ap.add_argument("--output-limit", type=int, default=defaults.output_limit_chars)
    ap.add_argument("--max-restarts", type=int, default=defaults.max_restarts)
    ap.add_argument("--hide", action="append", default=[], help="extra path to hide")
    ap.add_argument(
        "--run-demos",
        action="store_true",
        help="also run the cells tagged demo (skipped by default)",
    )
    ap.add_argument("--json", dest="json_out", default=None)
    ns = ap.parse_args(argv)
    limits = Limits(
        timeout_s=ns.timeout,
        cell_timeout_s=ns.cell_timeout,
        test_timeout_s=ns.test_timeout,
        memory_mb=ns.memory_mb,
        output_limit_chars=ns.output_limit,
        max_restarts=ns.max_restarts,
    )
    try:
        result = grade_notebook(
            ns.notebook, ns.autograder_dir, limits, hide_paths=ns.hide, run_demos=ns.run_demos
        )
    except Exception as e:  # the tool itself failed: still produce a row
        result = SubmissionResult(Status.ERROR, f"grader failure: {type(e).__name__}: {e}"[:500])
    text = json.dumps(result.to_dict(), indent=1)
    if ns.json_out:
        Path(ns.json_out).write_text(text)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
