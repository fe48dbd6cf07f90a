"""Validate generated assignments: solution full marks, blank zero, no leaks, timings.

For each assignment ``NN_topic`` (built by ``mbrl-course build``):

(a) the solution notebook ``autograder/NN/NN.ipynb`` earns every autograded point when graded;
(b) the untouched student notebook ``assignments/NN/NN.ipynb`` executes top to bottom without an
    error under nbclient with a real kernel (``MBRL_STATIC=1``, ``MPLBACKEND=Agg``, cwd = a copy of
    the assignment folder) and earns 0 autograded points;
(c) nothing in ``assignments/NN/`` leaks solutions, hidden tests, hidden answers or the reference
    (``scan_leaks``);
(d) the solution's execution time (target <= 60 s) and grading time (target <= 90 s) are reported;
(e) every written (manual) question has an editable answer cell and a rubric adding up to its points
    (``written_checks``).
(f) the solution earns the same with its ``demo`` cells skipped as with them run
    (:mod:`mbrl_course.validate.demo_cells`).
(g) multiple-choice answers cannot be guessed (:mod:`mbrl_course.validate.mc_spread`): no letter is
    the answer of more than 35 % of the course's questions (a problem); a correct option much
    longer than its distractors, or the longest too often, is a warning.

Grading uses the trusted runner ``mbrl_grader.runner.grade_notebook`` (engine ``trusted``, the
default) or ``otter run`` on the autograder zip (engine ``otter``); both give a
:class:`~mbrl_grader.results.SubmissionResult`. The leak scan lives in :mod:`mbrl_course.validate.leaks`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mbrl_grader.results import Status, SubmissionResult, TestOutcome

from ..build import discover_masters
from ..course import Layout
from .answer_leaks import answer_leaks
from .demo_cells import demo_problems
from .leaks import scan_leaks
from .mc_spread import length_warnings, longest_warnings, read_course, spread_problems
from .written_checks import check_written

EXEC_TARGET_S = 60.0
GRADE_TARGET_S = 90.0
NOTEBOOK_ENV = {"MBRL_STATIC": "1", "MPLBACKEND": "Agg"}


class ValidationError(RuntimeError):
    """Validation could not run (no such assignment, nothing built, no grading engine)."""


@dataclass(frozen=True)
class GradingRun:
    """One grading of a notebook: the result (the one result model), the engine and the time."""

    result: SubmissionResult
    engine: str
    seconds: float

    @property
    def score(self) -> float:
        """Points earned."""
        return self.result.score

    @property
    def possible(self) -> float:
        """Points available."""
        return self.result.possible

    def failures(self) -> list[str]:
        """``question:test: message`` of every failed test case."""
        return [f"{o.key}: {o.message[:300]}" for o in self.result.outcomes if not o.passed]


@dataclass
class AssignmentReport:
    """Everything `validate` found out about one assignment."""

    name: str
    expected_possible: float = 0.0
    solution: GradingRun | None = None
    blank: GradingRun | None = None
    solution_exec_s: float | None = None
    blank_exec_s: float | None = None
    leaks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem and no leak was found (timings and warnings are reported only)."""
        return not self.problems and not self.leaks


# --------------------------------------------------------------------------- notebooks


@contextlib.contextmanager
def _environ(extra: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(
    notebook: Path, workdir: Path, timeout: float = 600.0, out_path: Path | None = None
) -> float:
    """Execute `notebook` top to bottom in `workdir` with a python3 kernel; return the seconds.

    Raises nbclient's CellExecutionError (or a timeout error) when a cell fails. With
    `out_path`, the executed notebook (with its outputs) is written there.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=int(timeout),
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    start = time.perf_counter()
    with _environ(NOTEBOOK_ENV):
        client.execute(cwd=str(workdir))
    seconds = time.perf_counter() - start
    if out_path is not None:
        nbformat.write(nb, out_path)
    return seconds


def expected_possible(autograder_dir: Path) -> float:
    """Return the autograded points available according to the autograder's test files."""
    from otter.test_files import ExceptionTestFile

    total = 0.0
    for path in sorted((autograder_dir / "tests").glob("*.py")):
        total += float(ExceptionTestFile.from_file(str(path)).possible)
    return total


# --------------------------------------------------------------------------- grading


def grade(notebook: Path, autograder_dir: Path, engine: str = "trusted") -> GradingRun:
    """Grade `notebook` against `autograder_dir` with the trusted runner or with ``otter run``."""
    start = time.perf_counter()
    if engine == "trusted":
        from mbrl_grader.runner import grade_notebook

        result = grade_notebook(notebook, autograder_dir)
        return GradingRun(result, engine, time.perf_counter() - start)
    if engine == "otter":
        return GradingRun(
            _grade_with_otter(notebook, autograder_dir), "otter", time.perf_counter() - start
        )
    raise ValidationError(f"unknown grading engine {engine!r} (trusted or otter)")


def _grade_with_otter(notebook: Path, autograder_dir: Path) -> SubmissionResult:
    """Grade in otter's own in-kernel way (the `otter grade` path), as a SubmissionResult."""
    from otter.run import main as otter_run

    zips = sorted(autograder_dir.glob("*-autograder.zip"))
    if not zips:
        raise ValidationError(f"no autograder zip in {autograder_dir}")
    log = io.StringIO()
    try:
        with (
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
            _environ(NOTEBOOK_ENV),
        ):
            results = otter_run(
                str(notebook), autograder=str(zips[0]), output_dir=None, no_logo=True
            )
    except Exception as exc:  # otter reports broken notebooks by raising
        return SubmissionResult(Status.ERROR, f"otter run failed: {exc}"[:500])
    outcomes = []
    for question, test_file in sorted(results.results.items()):
        for tcr in test_file.test_case_results:
            case = tcr.test_case
            points = float(case.points or 0.0)
            outcomes.append(
                TestOutcome(
                    question=question,
                    name=case.name,
                    hidden=bool(case.hidden),
                    points=points if tcr.passed else 0.0,
                    max_points=points,
                    passed=bool(tcr.passed),
                    message="" if tcr.passed else str(tcr.message or "")[:1000],
                    test=case.name,
                )
            )
    return SubmissionResult(Status.GRADED, "", outcomes)


# --------------------------------------------------------------------------- validate


def _copy_assignment(student_dir: Path, workdir: Path) -> Path:
    shutil.copytree(student_dir, workdir, dirs_exist_ok=True)
    return workdir


def validate_assignment(
    name: str,
    layout: Layout,
    *,
    engine: str = "trusted",
    leaks: bool = True,
    progress: Callable[[str], None] | None = None,
    execute: Callable[[Path, Path], float] | None = None,
) -> AssignmentReport:
    """Run checks (a)-(d) on one built assignment and return the report.

    ``execute(notebook, workdir)`` runs a notebook top to bottom and returns its seconds
    (default :func:`execute_notebook`; the test suite passes one that runs each notebook once
    per test run and shares the result).
    """
    execute = execute or execute_notebook
    say = progress or (lambda _msg: None)
    student_dir = layout.assignments / name
    ag_dir = layout.autograder / name
    report = AssignmentReport(name)
    for path in (student_dir / f"{name}.ipynb", ag_dir / f"{name}.ipynb"):
        if not path.is_file():
            raise ValidationError(f"{path} does not exist: run `mbrl-course build` first")
    report.expected_possible = expected_possible(ag_dir)
    if report.expected_possible <= 0:
        report.problems.append("the autograder has no autograded points")
    master = layout.solutions / name / f"{name}.ipynb"
    report.problems += check_written(master, student_dir / f"{name}.ipynb")  # issue 12
    course = read_course(layout.solutions)  # issue 21.3: answers that cannot be guessed
    report.problems += spread_problems(course, name)
    report.warnings += length_warnings([c for c in course if c.assignment == name])
    report.warnings += longest_warnings(course, name)

    with tempfile.TemporaryDirectory(prefix=f"mbrl-validate-{name}-") as tmp:
        tmp_path = Path(tmp)
        say(f"[{name}] executing the solution notebook")
        work = _copy_assignment(student_dir, tmp_path / "solution")
        solution_nb = work / f"{name}.ipynb"
        shutil.copyfile(ag_dir / f"{name}.ipynb", solution_nb)
        try:
            report.solution_exec_s = execute(solution_nb, work)
        except Exception as exc:
            report.problems.append(f"the solution notebook fails to execute: {_short(exc)}")

        say(f"[{name}] executing the blank student notebook")
        work = _copy_assignment(student_dir, tmp_path / "blank")
        try:
            report.blank_exec_s = execute(work / f"{name}.ipynb", work)
        except Exception as exc:
            report.problems.append(f"the blank student notebook fails to execute: {_short(exc)}")

    say(f"[{name}] grading the solution")
    report.solution = grade(ag_dir / f"{name}.ipynb", ag_dir, engine)
    report.problems += solution_problems(report.solution, report.expected_possible)
    if report.solution.engine == "trusted":
        say(f"[{name}] grading the solution with its demo cells run")
        report.problems += demo_problems(
            ag_dir / f"{name}.ipynb", ag_dir, skipped=report.solution.result
        )
    say(f"[{name}] grading the blank student notebook")
    report.blank = grade(student_dir / f"{name}.ipynb", ag_dir, engine)
    report.problems += blank_problems(report.blank)

    if leaks:
        master = layout.solutions / name / f"{name}.ipynb"
        report.leaks = scan_leaks(student_dir, ag_dir, master if master.is_file() else None)
        report.leaks += answer_leaks(layout, name)  # another notebook's graded answer (issue 13.4)
    return report


def solution_problems(run: GradingRun, expected_possible: float) -> list[str]:
    """Why the solution's grading is not full marks (empty when it is)."""
    result = run.result
    if result.status != Status.GRADED:
        return [f"solution not graded: {result.status} {result.reason}"]
    if result.cell_errors:
        cells = "; ".join(
            f"{e.get('label', e.get('cell'))}: {e.get('type')}" for e in result.cell_errors[:5]
        )
        return [f"the solution raises errors while it is graded: {cells}"]
    if run.score != expected_possible or run.possible != expected_possible:
        return [
            f"solution earns {run.score:g}/{run.possible:g}, expected "
            f"{expected_possible:g}/{expected_possible:g}; failed: "
            + "; ".join(run.failures() or ["(no failed test reported)"])
            + (f"; reason: {result.reason}" if result.reason else "")
        ]
    return []


def blank_problems(run: GradingRun) -> list[str]:
    """Why the blank notebook's grading is not a clean zero (a grading error is not a zero)."""
    result = run.result
    if result.status != Status.GRADED:
        return [f"the blank notebook was not graded: {result.status} {result.reason}".strip()]
    if not result.outcomes:
        return ["the blank notebook was graded without running any test"]
    if run.score != 0:
        return [f"the blank notebook earns {run.score:g} points, not 0"]
    return []


def _short(exc: BaseException, limit: int = 1500) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[:limit] + " ..."


def validate_all(
    layout: Layout,
    names: Sequence[str] | None = None,
    *,
    engine: str = "trusted",
    leaks: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[AssignmentReport]:
    """Validate the named assignments (default: every master) and return their reports."""
    masters = discover_masters(layout.solutions)
    wanted = list(names) if names else list(masters)
    unknown = [n for n in wanted if n not in masters and not (layout.autograder / n).is_dir()]
    if unknown:
        raise ValidationError(f"unknown assignment(s): {', '.join(unknown)}")
    return [
        validate_assignment(n, layout, engine=engine, leaks=leaks, progress=progress)
        for n in wanted
    ]


def format_reports(reports: Sequence[AssignmentReport]) -> str:
    """Return a human-readable table of the reports, then every problem and leak."""
    if not reports:
        return "no assignments to validate"
    rows = [
        f"{'assignment':<22} {'solution':>12} {'blank':>8} {'exec s':>8} {'grade s':>8} "
        f"{'engine':>8} {'leaks':>6}  result"
    ]
    lines: list[str] = []
    for r in reports:
        sol = f"{r.solution.score:g}/{r.solution.possible:g}" if r.solution else "-"
        blank = f"{r.blank.score:g}" if r.blank else "-"
        exec_s = f"{r.solution_exec_s:.1f}" if r.solution_exec_s is not None else "-"
        grade_s = f"{r.solution.seconds:.1f}" if r.solution else "-"
        engine = r.solution.engine if r.solution else "-"
        rows.append(
            f"{r.name:<22} {sol:>12} {blank:>8} {exec_s:>8} {grade_s:>8} {engine:>8} "
            f"{len(r.leaks):>6}  {'ok' if r.ok else 'FAILED'}"
        )
        if r.solution_exec_s is not None and r.solution_exec_s > EXEC_TARGET_S:
            lines.append(f"{r.name}: solution executes in {r.solution_exec_s:.1f} s (target 60 s)")
        if r.solution and r.solution.seconds > GRADE_TARGET_S:
            lines.append(f"{r.name}: grading takes {r.solution.seconds:.1f} s (target 90 s)")
        lines += [f"{r.name}: {p}" for p in r.problems]
        lines += [f"{r.name}: warning: {w}" for w in r.warnings]
        lines += [f"{r.name}: LEAK {leak}" for leak in r.leaks]
    return "\n".join(rows + lines)
