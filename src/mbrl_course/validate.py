"""Validate generated assignments: solution full marks, blank zero, no leaks, timings.

For each assignment ``NN_topic`` (built by ``mbrl-course build``):

(a) the solution notebook ``autograder/NN/NN.ipynb`` earns every autograded point when graded;
(b) the untouched student notebook ``assignments/NN/NN.ipynb`` executes top to bottom without an
    error under nbclient with a real kernel (``MBRL_STATIC=1``, ``MPLBACKEND=Agg``, cwd = a copy of
    the assignment folder) and earns 0 autograded points;
(c) nothing in ``assignments/NN/`` leaks solutions, hidden tests, hidden answers or the reference
    (``scan_leaks``);
(d) the solution's execution time (target <= 60 s) and grading time (target <= 90 s) are reported.

Grading uses the trusted runner ``mbrl_grader.runner.grade_notebook`` (engine ``trusted``) or
``otter run`` on the autograder zip (engine ``otter``); ``auto`` picks the trusted runner when it
is importable.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .answer_leaks import answer_leaks
from .build import Layout, discover_masters
from .inject import defined_names

EXEC_TARGET_S = 60.0
GRADE_TARGET_S = 90.0
MIN_SOLUTION_LINE = 25
NOTEBOOK_ENV = {"MBRL_STATIC": "1", "MPLBACKEND": "Agg"}

MARKER_PATTERNS = [
    (re.compile(r"BEGIN\s+SOLUTION|END\s+SOLUTION", re.I), "solution marker"),
    (re.compile(r"BEGIN\s+TESTS?\b|END\s+TESTS?\b", re.I), "test-block marker"),
    (re.compile(r"BEGIN\s+TEST\s+CONFIG|END\s+TEST\s+CONFIG", re.I), "test config marker"),
    (re.compile(r"ASSIGNMENT\s+CONFIG", re.I), "assignment config"),
    (re.compile(r"#\s*SOLUTION\b"), "'# SOLUTION' line"),
    (re.compile(r"^\s*#.*\bHIDDEN\b", re.M), "'# HIDDEN' comment"),
    (re.compile(r"hidden\s*[:=]\s*true", re.I), "hidden test flag"),
    (
        re.compile(
            r"\b(?:import|from)\s+(mbrl_ref|mbrl_grader)\b|\b(mbrl_ref|mbrl_grader)\s*\."
            r"|['\"](mbrl_ref|mbrl_grader)\b"
        ),
        "reference to mbrl_ref or mbrl_grader",
    ),
]


class ValidationError(RuntimeError):
    """Validation could not run (no such assignment, nothing built, no grading engine)."""


@dataclass
class GradeResult:
    """Points from one grading run."""

    score: float
    possible: float
    status: str
    reason: str
    engine: str
    seconds: float
    failures: list[str] = field(default_factory=list)
    """`question/test: message` of every failed test case (trusted engine only)."""


@dataclass
class AssignmentReport:
    """Everything `validate` found out about one assignment."""

    name: str
    expected_possible: float = 0.0
    solution: GradeResult | None = None
    blank: GradeResult | None = None
    solution_exec_s: float | None = None
    blank_exec_s: float | None = None
    leaks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem and no leak was found (timings are reported, not enforced)."""
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


def execute_notebook(notebook: Path, workdir: Path, timeout: float = 600.0) -> float:
    """Execute `notebook` top to bottom in `workdir` with a python3 kernel; return the seconds.

    Raises nbclient's CellExecutionError (or a timeout error) when a cell fails.
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
    return time.perf_counter() - start


def expected_possible(autograder_dir: Path) -> float:
    """Return the autograded points available according to the autograder's test files."""
    from otter.test_files import ExceptionTestFile

    total = 0.0
    for path in sorted((autograder_dir / "tests").glob("*.py")):
        total += float(ExceptionTestFile.from_file(str(path)).possible)
    return total


# --------------------------------------------------------------------------- grading


def trusted_runner_available() -> bool:
    """Whether `mbrl_grader.runner.grade_notebook` can be imported."""
    try:
        from mbrl_grader.runner import grade_notebook  # noqa: F401
    except ImportError:
        return False
    return True


def grade(notebook: Path, autograder_dir: Path, engine: str = "auto") -> GradeResult:
    """Grade `notebook` against `autograder_dir` with the chosen engine."""
    if engine == "auto":
        engine = "trusted" if trusted_runner_available() else "otter"
    start = time.perf_counter()
    if engine == "trusted":
        from mbrl_grader.runner import grade_notebook

        result = grade_notebook(notebook, autograder_dir)
        score = float(sum(o.points for o in result.outcomes))
        possible = float(sum(o.max_points for o in result.outcomes))
        failures = [
            f"{o.question}/{o.name}: {o.message[:300]}" for o in result.outcomes if not o.passed
        ]
        return GradeResult(
            score,
            possible,
            result.status,
            result.reason or "",
            engine,
            time.perf_counter() - start,
            failures,
        )
    if engine == "otter":
        return _grade_with_otter(notebook, autograder_dir, start)
    raise ValidationError(f"unknown grading engine {engine!r}")


def _grade_with_otter(notebook: Path, autograder_dir: Path, start: float) -> GradeResult:
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
        return GradeResult(0.0, 0.0, "error", str(exc), "otter", time.perf_counter() - start)
    return GradeResult(
        float(results.total),
        float(results.possible),
        "graded",
        "",
        "otter",
        time.perf_counter() - start,
    )


# --------------------------------------------------------------------------- leak scan


def _cell_sources(nb_path: Path) -> list[tuple[str, str]]:
    nb = nbformat.read(nb_path, as_version=4)
    out = []
    for cell in nb.cells:
        out.append((cell.cell_type, cell.source))
        for output in cell.get("outputs", []):
            text = output.get("text") or ""
            data = output.get("data") or {}
            text += "\n".join(str(v) for k, v in data.items() if k.startswith("text/"))
            if text:
                out.append(("output", text))
    return out


def student_texts(student_dir: Path) -> dict[str, str]:
    """Return {relative path: text} for every readable file of a student folder.

    Notebooks contribute their cell sources and text outputs (not their JSON escaping).
    """
    texts: dict[str, str] = {}
    for path in sorted(p for p in student_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(student_dir).as_posix()
        if path.suffix == ".ipynb":
            texts[rel] = "\n".join(src for _, src in _cell_sources(path))
            continue
        try:
            texts[rel] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            texts[rel] = path.read_bytes().decode("latin-1")
    return texts


@dataclass
class TestCaseInfo:
    """One exception-style test function from an otter tests/*.py file."""

    name: str
    hidden: bool
    params: list[str]
    source: str
    node: ast.FunctionDef


def parse_test_file(path: Path) -> list[TestCaseInfo]:
    """Return the test_case functions of an otter exception-style test file."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    cases = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        hidden = False
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call):
                for kw in deco.keywords:
                    if kw.arg == "hidden" and isinstance(kw.value, ast.Constant):
                        hidden = bool(kw.value.value)
        params = [a.arg for a in node.args.args]
        cases.append(
            TestCaseInfo(node.name, hidden, params, ast.get_source_segment(text, node) or "", node)
        )
    return cases


def _hidden_answers(case: TestCaseInfo) -> list[tuple[str, object]]:
    """(answer variable, value) pairs a hidden test compares a student global against.

    Catches `q == "b"`, `str(q).strip().lower() == "b"`, `q in ("b", "B")`,
    `np.isclose(q, 0.5)` and `abs(q - 0.25) < 1e-3` (over-inclusive: tolerances count too).
    """
    pairs = []
    params = set(case.params)
    for node in ast.walk(case.node):
        if isinstance(node, ast.Compare):
            operands: list[ast.expr] = [node.left, *node.comparators]
        elif isinstance(node, ast.Call):
            operands = list(node.args)
        else:
            continue
        names = {
            n.id
            for o in operands
            for n in ast.walk(o)
            if isinstance(n, ast.Name) and n.id in params
        }
        consts = []
        for o in operands:
            if isinstance(o, ast.Constant) and o.value is not None:
                consts.append(o.value)
            elif isinstance(o, (ast.Tuple, ast.List, ast.Set)):
                consts += [e.value for e in o.elts if isinstance(e, ast.Constant)]
            # abs(q - 0.25) < tol: the constant inside the arithmetic is the answer
            consts += [
                side.value
                for b in ast.walk(o)
                if isinstance(b, ast.BinOp)
                for side in (b.left, b.right)
                if isinstance(side, ast.Constant) and isinstance(side.value, (int, float))
            ]
        pairs += [(n, c) for n in sorted(names) for c in consts]
    return pairs


def _same_answer(assigned: object, answer: object) -> bool:
    if isinstance(assigned, str) and isinstance(answer, str):
        return assigned.strip().lower() == answer.strip().lower()
    if isinstance(assigned, bool) or isinstance(answer, bool):
        return assigned is answer
    if isinstance(assigned, (int, float)) and isinstance(answer, (int, float)):
        return abs(assigned - answer) <= 1e-9 * max(1.0, abs(answer))
    return False


@dataclass
class MasterLines:
    """Lines of a master notebook, split by who may see them."""

    visible: set[str] = field(default_factory=set)
    solution: set[str] = field(default_factory=set)
    solution_names: set[str] = field(default_factory=set)


def _raw_marker(source: str) -> str:
    first = source.strip().splitlines()[0] if source.strip() else ""
    return re.sub(r"\s+", " ", first.lstrip("#").strip().lower())


def split_master(master: Path) -> MasterLines:
    """Classify the master's lines as student-visible or solution-only."""
    nb = nbformat.read(master, as_version=4)
    lines = MasterLines()
    in_solution = in_tests = False
    for cell in nb.cells:
        if cell.cell_type == "raw":
            marker = _raw_marker(cell.source)
            if marker in ("begin solution", "end solution"):
                in_solution = marker == "begin solution"
            elif marker in ("begin tests", "end tests"):
                in_tests = marker == "begin tests"
            continue
        if in_tests:
            continue
        has_markers = cell.cell_type == "code" and re.search(
            r"#\s*(BEGIN|END) SOLUTION|#\s*SOLUTION\b", cell.source
        )
        if in_solution and cell.cell_type == "markdown":
            lines.solution.update(_long_lines(cell.source))
            continue
        if has_markers:
            lines.solution_names |= defined_names(cell.source)
        inside = False
        for line in cell.source.splitlines():
            stripped = line.strip()
            if re.match(r"#\s*BEGIN SOLUTION", stripped):
                inside = True
                continue
            if re.match(r"#\s*END SOLUTION", stripped):
                inside = False
                continue
            suffix = re.search(r"\s*#\s*SOLUTION\s*$", line)
            if inside:
                lines.solution.add(stripped)
            elif suffix:
                lines.solution.add(line[: suffix.start()].strip())
            else:
                lines.visible.add(stripped)
    lines.solution = {
        s for s in lines.solution if len(s) > MIN_SOLUTION_LINE and s not in lines.visible
    }
    lines.solution = {s for s in lines.solution if not any(s in v for v in lines.visible)}
    return lines


def _long_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) > MIN_SOLUTION_LINE}


def _assigned_constants(source: str) -> list[tuple[str, object]]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            found += [(t.id, node.value.value) for t in node.targets if isinstance(t, ast.Name)]
    return found


def scan_leaks(student_dir: Path, autograder_dir: Path, master: Path | None = None) -> list[str]:
    """Return one line per leak found in `student_dir` (empty list: nothing leaks).

    Looks for: solution/test markers and `mbrl_ref` references in any file; the names, bodies
    and compared answer values of hidden tests; solution code lines of the master; support
    modules defining the names students must implement.
    """
    leaks: list[str] = []
    texts = student_texts(student_dir)
    for rel in texts:
        if {"mbrl_ref", "mbrl_grader"} & set(rel.split("/")):
            leaks.append(f"{rel}: the reference package is shipped to students")
    for rel, text in texts.items():
        for pattern, what in MARKER_PATTERNS:
            match = pattern.search(text)
            if match:
                leaks.append(f"{rel}: {what} ({match.group(0).strip()!r})")

    public: list[TestCaseInfo] = []
    for path in sorted((student_dir / "tests").glob("*.py")):
        cases = parse_test_file(path)
        public += cases
        leaks += [f"tests/{path.name}: hidden test {c.name}" for c in cases if c.hidden]
    hidden: list[TestCaseInfo] = []
    for path in sorted((autograder_dir / "tests").glob("*.py")):
        hidden += [c for c in parse_test_file(path) if c.hidden]

    master_lines = split_master(master) if master is not None else MasterLines()
    allowed = set(master_lines.visible)
    for case in public:
        allowed |= {line.strip() for line in case.source.splitlines()}
    for case in hidden:
        name_re = re.compile(rf"\b{re.escape(case.name)}\b")
        for rel, text in texts.items():
            if name_re.search(text):
                leaks.append(f"{rel}: names hidden test {case.name}")
        body = {line.strip() for line in case.source.splitlines()[1:]}
        for line in sorted(s for s in body if len(s) > MIN_SOLUTION_LINE and s not in allowed):
            for rel, text in texts.items():
                if line in text:
                    leaks.append(f"{rel}: holds a line of hidden test {case.name}: {line!r}")

    notebook_sources = []
    for nb_path in sorted(student_dir.glob("*.ipynb")):
        notebook_sources += [
            (nb_path.name, src) for kind, src in _cell_sources(nb_path) if kind == "code"
        ]
    for case in hidden:
        for variable, value in _hidden_answers(case):
            for rel, src in notebook_sources:
                for name, assigned in _assigned_constants(src):
                    if name == variable and _same_answer(assigned, value):
                        leaks.append(f"{rel}: sets {variable} to the hidden answer of {case.name}")

    for line in sorted(master_lines.solution):
        for rel, text in texts.items():
            if line in text:
                leaks.append(f"{rel}: holds a solution line: {line!r}")

    for rel in texts:
        if not rel.endswith(".py") or rel.startswith("tests/"):
            continue
        defined = defined_names(texts[rel]) & master_lines.solution_names
        if defined:
            leaks.append(f"{rel}: defines graded name(s) {sorted(defined)}")
    return sorted(set(leaks))


# --------------------------------------------------------------------------- validate


def _copy_assignment(student_dir: Path, workdir: Path) -> Path:
    shutil.copytree(student_dir, workdir, dirs_exist_ok=True)
    return workdir


def validate_assignment(
    name: str,
    layout: Layout,
    *,
    engine: str = "auto",
    leaks: bool = True,
    progress: Callable[[str], None] | None = None,
) -> AssignmentReport:
    """Run checks (a)-(d) on one built assignment and return the report."""
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

    with tempfile.TemporaryDirectory(prefix=f"mbrl-validate-{name}-") as tmp:
        tmp_path = Path(tmp)
        say(f"[{name}] executing the solution notebook")
        work = _copy_assignment(student_dir, tmp_path / "solution")
        solution_nb = work / f"{name}.ipynb"
        shutil.copyfile(ag_dir / f"{name}.ipynb", solution_nb)
        try:
            report.solution_exec_s = execute_notebook(solution_nb, work)
        except Exception as exc:
            report.problems.append(f"the solution notebook fails to execute: {_short(exc)}")

        say(f"[{name}] executing the blank student notebook")
        work = _copy_assignment(student_dir, tmp_path / "blank")
        try:
            report.blank_exec_s = execute_notebook(work / f"{name}.ipynb", work)
        except Exception as exc:
            report.problems.append(f"the blank student notebook fails to execute: {_short(exc)}")

    say(f"[{name}] grading the solution")
    report.solution = grade(ag_dir / f"{name}.ipynb", ag_dir, engine)
    sol = report.solution
    if sol.status != "graded":
        report.problems.append(f"solution not graded: {sol.status} {sol.reason}")
    elif sol.score != report.expected_possible or sol.possible != report.expected_possible:
        report.problems.append(
            f"solution earns {sol.score:g}/{sol.possible:g}, expected "
            f"{report.expected_possible:g}/{report.expected_possible:g}; failed: "
            + "; ".join(sol.failures or ["(no failed test reported)"])
            + (f"; reason: {sol.reason}" if sol.reason else "")
        )
    say(f"[{name}] grading the blank student notebook")
    report.blank = grade(student_dir / f"{name}.ipynb", ag_dir, engine)
    if report.blank.score != 0:
        report.problems.append(f"the blank notebook earns {report.blank.score:g} points, not 0")

    if leaks:
        master = layout.solutions / name / f"{name}.ipynb"
        report.leaks = scan_leaks(student_dir, ag_dir, master if master.is_file() else None)
        report.leaks += answer_leaks(layout, name)  # another notebook's graded answer (issue 13.4)
    return report


def _short(exc: BaseException, limit: int = 1500) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[:limit] + " ..."


def validate_all(
    layout: Layout,
    names: Sequence[str] | None = None,
    *,
    engine: str = "auto",
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
        lines += [f"{r.name}: LEAK {leak}" for leak in r.leaks]
    return "\n".join(rows + lines)
