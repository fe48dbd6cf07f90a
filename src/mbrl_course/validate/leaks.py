"""Leak scan: nothing in a student folder may reveal solutions, hidden tests or hidden answers.

Why its own module: ``validate`` runs it on every generated assignment, and the scan (markers,
hidden test names and bodies, hidden answer values, solution lines of the master, graded names
defined in support modules) is a job of its own.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..corpus.inject import defined_names

MIN_SOLUTION_LINE = 25

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
        # a `Checks:` declaration names graded, student-visible behaviours only (design.md)
        body = {s for s in body if not s.startswith("Checks:")}
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
