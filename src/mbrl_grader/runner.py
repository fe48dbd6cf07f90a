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
import inspect
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mbrl_grader.budgets import Budgets, load_budgets
from mbrl_grader.results import Limits, Status, SubmissionResult, TestOutcome
from mbrl_grader.sandbox import affinity, isolation
from mbrl_grader.sandbox.client import (
    StackFrame,
    StaleProxy,
    WorkerBroken,
    WorkerDied,
    WorkerTimeout,
)
from mbrl_grader.sandbox.proxy import GlobalsView, StudentCodeError
from mbrl_grader.session import Session
from mbrl_grader.staging import copy_mpl_cache, stage_support_files
from mbrl_grader.testfiles import TestCase, load_tests, resolve_points, test_case  # noqa: F401

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
TIMEOUT_GRACE_S = 1.0
"""After a test's budget the worker interrupts the student's code itself; the grader waits this
much longer before it takes the worker for hung (code that swallows the interruption) and
restarts it."""


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


# --------------------------------------------------------------------------- grading


def _seed_for(case: TestCase) -> int:
    return zlib.crc32(f"{case.question}/{case.name}".encode())


def _failure_kind(e: BaseException) -> str:
    """The :attr:`TestOutcome.failure` of an exception a test case raised."""
    if isinstance(e, AssertionError):
        return "assertion"
    if isinstance(e, WorkerTimeout):
        return "timeout"
    if isinstance(e, (WorkerDied, WorkerBroken)):
        return "crash"
    return "error"


def _failure_text(e: BaseException, case: TestCase) -> str:
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
        where = getattr(e, "where", "")
        if where:
            msg = f"This test ran out of time in {where} (an infinite loop, or much too slow)."
    elif isinstance(e, WorkerBroken):
        msg = "Your code interfered with the grader's communication channel."
    else:
        msg = f"{type(e).__name__}: {str(e)[:1000]}"
    if case.failure_message:
        msg = f"{case.failure_message}\n{msg}"
    return msg


def grade_notebook(
    notebook_path: str | os.PathLike[str],
    autograder_dir: str | os.PathLike[str],
    limits: Limits | None = None,
    *,
    support_files: Sequence[str] = ("mbrl_envs",),
    hide_paths: Sequence[str | os.PathLike[str]] = (),
    run_demos: bool = False,
    profile: dict[str, dict[str, float]] | None = None,
) -> SubmissionResult:
    """Grade one notebook: run it in the sandbox, then run every test case here with proxies.

    ``limits.timeout_s`` bounds everything; each graded cell and each test case gets its time
    budget (``autograder_dir/budgets.json``, :mod:`mbrl_grader.budgets`; ``test_timeout_s``
    replaces the test budgets by a flat limit). A test that runs out of time is reported with
    where the student's code was, the worker is restarted (cells stopped by their budget are
    skipped on the re-run) and the remaining tests still run; status ``timeout`` says that
    something was stopped, the score stands for everything that ran.

    ``profile``, when given, is filled with the seconds each test case (``{"tests": {key: s}}``)
    and each executed code cell (``{"cells": {code cell number: s}}``) took: the measurement
    behind the budgets (``mbrl-course budgets``).

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
    budgets = load_budgets(ag_dir)

    with tempfile.TemporaryDirectory(prefix="mbrl-grade-") as tmp:
        private = Path(tmp)
        workdir = private / "work"
        workdir.mkdir()
        os.chmod(tmp, 0o711)
        shutil.copy2(nb_path, workdir / nb_path.name)
        stage_support_files(ag_dir, workdir, support_files)
        copy_mpl_cache(workdir / ".mpl")
        hidden = isolation.default_hidden_paths([ag_dir, nb_path.parent, *hide_paths])
        import mbrl_grader
        import mbrl_ref

        probes = [str(ag_dir / "tests"), str(nb_path), mbrl_ref.__file__, mbrl_grader.__file__]
        session = Session(
            cells=cells,
            workdir=workdir,
            hidden=hidden,
            keep=isolation.default_keep_paths(),
            probes=probes,
            limits=limits,
            stderr_path=str(private / "worker.stderr"),
            deadline=deadline,
            cell_timeout=budgets.cell_limit(limits.cell_timeout_s),
        )
        session.skip |= demos
        with affinity.one_cpu():  # the grader and its worker take turns: one CPU for both
            try:
                return _grade(session, cases, cells, t0, deadline, limits, budgets, profile)
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
    session: Session,
    cases: list[TestCase],
    cells: Sequence[tuple[int, str]],
    t0: float,
    deadline: float,
    limits: Limits,
    budgets: Budgets,
    profile: dict[str, dict[str, float]] | None = None,
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
    if profile is not None:
        numbers = {index: n for n, (index, _src) in enumerate(cells, start=1)}
        profile["cells"] = {str(numbers[i]): t for i, t in run.cell_times.items() if i in numbers}
        profile["tests"] = {}
    notes = [_relabel(note, cells) for note in session.notes]
    status = Status.GRADED
    outcomes: list[TestOutcome] = []
    not_run = "the notebook could not run."
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
    if session.hung_cells:
        status = Status.TIMEOUT
    if timeouts:
        status = Status.TIMEOUT
        for e in timeouts:
            where = _cell_error_function(e)
            notes.append(
                f"{e.get('label', e.get('cell'))} exceeded the per-cell time limit"
                + (f" in `{where}`" if where else "")
                + " and was stopped (skipped when the notebook is re-run)"
            )
    if run.output_chars > limits.output_limit_chars:
        notes.append(f"output truncated ({run.output_chars} characters printed)")

    t_tests = time.monotonic()
    rpc_calls = 0
    stopped: dict[str, list[StackFrame | None]] = {}  # question -> where each timeout stopped
    deadline_noted = run.timed_out
    for case in cases:
        client = session.client
        out_of_time = run.timed_out or time.monotonic() >= deadline
        if out_of_time or client is None:
            if out_of_time and not deadline_noted:
                notes.append("grading time limit reached before all tests ran")
                deadline_noted, status = True, Status.TIMEOUT
            why = "time limit reached." if out_of_time else not_run
            outcomes.append(_outcome(case, False, "Not run: " + why, "not_run"))
            continue
        key = f"{case.question}:{getattr(case.func, '__name__', case.name)}"
        budget = (
            float(limits.test_timeout_s)
            if limits.test_timeout_s is not None
            else budgets.test_limit(key)
        )
        client.begin_test(min(deadline, time.monotonic() + budget + TIMEOUT_GRACE_S))
        before = client.rpc_count
        t_case = time.monotonic()
        try:
            client.reseed(_seed_for(case), min(budget, deadline - time.monotonic()))
            params = list(inspect.signature(case.func).parameters)
            kwargs = {p: (GlobalsView(client) if p == "env" else client.lookup(p)) for p in params}
            case.func(**kwargs)
        except (WorkerDied, WorkerTimeout, WorkerBroken) as e:
            rpc_calls += client.rpc_count - before
            if isinstance(e, WorkerTimeout):
                frame = client.stopped_at
                stopped.setdefault(case.question, []).append(frame)
                e.where = _frame_text(frame, cells)  # type: ignore[attr-defined]
            outcomes.append(_outcome(case, False, _failure_text(e, case), _failure_kind(e)))
            what = {
                "WorkerDied": "ended the process",
                "WorkerTimeout": "timed out",
                "WorkerBroken": "corrupted the channel",
            }[type(e).__name__]
            if not session.restart():
                notes.append(f"test {case.name} {what}; the notebook could not be re-run")
                not_run = "the notebook's process could not be restarted after an earlier test."
            elif not isinstance(e, WorkerTimeout):
                notes.append(f"test {case.name} {what}; the notebook was re-run")
            continue
        except StaleProxy as e:
            outcomes.append(_outcome(case, False, f"StaleProxy: {e}", "error"))
        except Exception as e:
            outcomes.append(_outcome(case, False, _failure_text(e, case), _failure_kind(e)))
        else:
            outcomes.append(_outcome(case, True, ""))
        rpc_calls += client.rpc_count - before
        if client.timed_out:  # the worker interrupted the student's code at the budget
            frame = client.stopped_at
            stopped.setdefault(case.question, []).append(frame)
            stop = WorkerTimeout("the test ran out of time")
            stop.where = _frame_text(frame, cells)  # type: ignore[attr-defined]
            outcomes[-1] = _outcome(case, False, _failure_text(stop, case), "timeout")
        if profile is not None:
            profile["tests"][key] = time.monotonic() - t_case
    timings["tests_s"] = time.monotonic() - t_tests
    timings["rpc_calls"] = float(rpc_calls)
    if stopped:
        status = Status.TIMEOUT
        notes += _timeout_notes(stopped, cells, outcomes)

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


def _frame_text(
    frame: StackFrame | None, cells: Sequence[tuple[int, str]], line: bool = True
) -> str:
    """```run_episodes` (code cell 7, line 4)``: a stopped frame as the student finds it
    (``""`` when unknown; without the line number when ``line`` is false)."""
    if frame is None:
        return ""
    numbers = {index: n for n, (index, _src) in enumerate(cells, start=1)}
    where = f"code cell {numbers[frame.cell]}" if frame.cell in numbers else f"cell {frame.cell}"
    name = "the cell's own code" if frame.function == "<module>" else f"`{frame.function}`"
    return f"{name} ({where}, line {frame.line})" if line else f"{name} ({where})"


def _timeout_notes(
    stopped: dict[str, list[StackFrame | None]],
    cells: Sequence[tuple[int, str]],
    outcomes: list[TestOutcome],
) -> list[str]:
    """One note per question whose tests timed out: where, how often, and what else ran."""
    notes = []
    for question, frames in stopped.items():
        places = sorted({_frame_text(f, cells, line=False) for f in frames if f})
        where = f" in {', '.join(places)}" if places else ""
        n = len(frames)
        notes.append(f"{question} timed out{where} in {n} test{'s' if n != 1 else ''}")
    not_run = any(o.failure == "not_run" for o in outcomes)
    notes.append(
        "the tests that had not run when time ran out earned nothing"
        if not_run
        else "every other question was graded"
    )
    return notes


_CELL_WHERE = re.compile(r"cell \d+, line \d+, in ([A-Za-z_][A-Za-z0-9_<>]*)")


def _cell_error_function(error: dict[str, Any]) -> str:
    """The function a cell error's innermost cell frame was in ("" for the cell's own code)."""
    m = _CELL_WHERE.match(str(error.get("where", "")))
    return m.group(1) if m and m.group(1) != "<module>" else ""


def _relabel(note: str, cells: Sequence[tuple[int, str]]) -> str:
    """Rewrite a session note's ``cell N`` (notebook index) into the student's code cell label."""
    match = re.match(r"cell (\d+) (.*)", note)
    if not match:
        return note
    return f"{code_cell_label(cells, int(match.group(1)))} {match.group(2)}"


def _outcome(case: TestCase, passed: bool, message: str, failure: str = "") -> TestOutcome:
    return TestOutcome(
        question=case.question,
        name=case.name,
        hidden=case.hidden,
        points=case.max_points if passed else 0.0,
        max_points=case.max_points,
        passed=passed,
        message=message,
        test=getattr(case.func, "__name__", ""),
        failure="" if passed else failure,
    )


def _apply_all_or_nothing(outcomes: list[TestOutcome], cases: list[TestCase]) -> None:
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
