"""Notebook glue of the audit: which definitions are graded, and the notebook a mutant runs in.

A *graded definition* is a function, or a method of a class, that a question's tests take as an
argument (otter looks test arguments up by name in the student's globals) and whose body holds
solution code: lines between otter's ``# BEGIN SOLUTION`` / ``# END SOLUTION`` comments (or
ending in ``# SOLUTION``). Only those lines are mutated: the rest of the cell is given to the
students. A notebook without any markers (the toy fixture) counts every line of a graded
definition as solution code.

Speed: a mutant runs in a *trimmed* notebook, the solution's code cells that the tests of the
affected questions need (found by name dependencies, starting from the tests' arguments), with
demo cells (tag ``demo``) left out; :func:`mbrl_course.audit.grading.baseline` proves the trimmed
solution still passes every test before any mutant is graded.
"""

from __future__ import annotations

import ast
import copy
import glob
import inspect
import re
import symtable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mbrl_course.corpus.inject import defined_names

from . import behaviours
from . import mutants as mutation

SOLUTION_BEGIN = re.compile(r"^\s*#\s*BEGIN SOLUTION\b")
SOLUTION_END = re.compile(r"^\s*#\s*END SOLUTION\b")
SOLUTION_LINE = re.compile(r"#\s*SOLUTION\s*$")
DEMO_TAG = "demo"


@dataclass(frozen=True)
class Question:
    """One question of the autograder: its test functions' argument names and source text."""

    name: str
    order: int
    arguments: frozenset[str]
    test_source: str
    test_file: Path
    declarations: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    """Per test key (``q2_1:test_name``): the behaviours its docstring declares (None: none)."""
    hidden: dict[str, bool] = field(default_factory=dict)
    test_arguments: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Definition:
    """A graded function or method, the cell holding it and the questions it answers."""

    qualname: str
    cell_index: int
    owners: list[str]
    """Questions whose tests exercise it; the first one is where the report counts it."""
    affected: list[str] = field(default_factory=list)
    """Questions whose tests can reach it at all (through any name dependency)."""

    @property
    def top_name(self) -> str:
        """The global name tests look up (the class for a method)."""
        return self.qualname.split(".")[0]


def load_questions(autograder_dir: Path) -> list[Question]:
    """Read ``tests/*.py``: each question's name and the argument names of its test functions."""
    from mbrl_grader.runner import load_tests

    cases = load_tests(autograder_dir)
    by_file: dict[str, list] = {}
    for case in cases:
        by_file.setdefault(case.question, []).append(case)
    files = {
        _question_name(Path(p)): Path(p)
        for p in sorted(glob.glob(str(autograder_dir / "tests" / "*.py")))
    }
    questions = []
    for order, (name, qcases) in enumerate(by_file.items()):
        args: set[str] = set()
        for case in qcases:
            args.update(inspect.signature(case.func).parameters)
        path = files.get(name, autograder_dir / "tests" / f"{name}.py")
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        keys = [f"{case.question}:{case.func.__name__}" for case in qcases]
        declarations = {
            k: behaviours.declared(c.func.__doc__) for k, c in zip(keys, qcases, strict=True)
        }
        hidden = {k: bool(c.hidden) for k, c in zip(keys, qcases, strict=True)}
        arguments = {
            k: frozenset(inspect.signature(c.func).parameters)
            for k, c in zip(keys, qcases, strict=True)
        }
        questions.append(
            Question(name, order, frozenset(args), text, path, declarations, hidden, arguments)
        )
    return questions


def _question_name(path: Path) -> str:
    match = re.search(r"^name\s*=\s*['\"]([^'\"]+)['\"]", path.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else path.stem


def is_demo(cell: nbformat.NotebookNode) -> bool:
    """Whether the master tagged this cell ``demo`` (no grade depends on its output)."""
    return DEMO_TAG in (cell.get("metadata", {}).get("tags") or [])


def python_source(source: str) -> str:
    """Cell source with IPython magics turned into Python (``%matplotlib`` lines and the like)."""
    if "%" not in source and "!" not in source:
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return source
    return TransformerManager().transform_cell(source)


def _names_bound(source: str) -> set[str]:
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:
        return set()
    names = set(defined_names(python_source(source)))
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.For, ast.With, ast.If, ast.Try)):
            names.update(
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            )
    return names


@dataclass(frozen=True)
class _Unit:
    """One top-level statement of a code cell (or a whole cell that does not parse)."""

    cell: int
    index: int | None
    bound: frozenset[str]
    used: frozenset[str]
    text: str


def _free_names(code: str) -> set[str]:
    """Global names a statement reads, function and class bodies included (via symtable)."""
    try:
        top = symtable.symtable(code, "<cell>", "exec")
    except SyntaxError:
        return set()
    names: set[str] = set()
    stack = [top]
    while stack:
        table = stack.pop()
        for sym in table.get_symbols():
            if table.get_type() == "module":
                if sym.is_referenced():
                    names.add(sym.get_name())
            elif sym.is_global() or (sym.is_referenced() and table.get_type() == "class"):
                names.add(sym.get_name())
        stack.extend(table.get_children())
    return names


def _units(cell: int, source: str) -> list[_Unit]:
    """Split a cell into its top-level statements with the names each binds and mentions."""
    code = python_source(source)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [_Unit(cell, None, frozenset(), frozenset(), source)]
    lines = code.splitlines()
    units = []
    for index, stmt in enumerate(tree.body):
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        text = "\n".join(lines[first - 1 : stmt.end_lineno])
        module = ast.Module(body=[stmt], type_ignores=[])
        segment = ast.unparse(module)
        used = _free_names(segment) or {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        units.append(_Unit(cell, index, frozenset(_names_bound(segment)), frozenset(used), text))
    spans = [
        (u.text.count("\n"), s.lineno, s.end_lineno) for u, s in zip(units, tree.body, strict=True)
    ]
    if any(
        a[2] >= b[1] for a, b in zip(spans, spans[1:], strict=False)
    ):  # `a = 1; b = 2`: keep it whole
        bound = frozenset().union(*(u.bound for u in units))
        used = frozenset().union(*(u.used for u in units))
        return [_Unit(cell, None, bound, used, source)]
    return units


def solution_lines(source: str, whole_if_unmarked: bool) -> set[int]:
    """1-based line numbers of solution code in a cell (between the markers, or ``# SOLUTION``)."""
    lines = source.splitlines()
    inside, result = False, set()
    for number, line in enumerate(lines, start=1):
        if SOLUTION_BEGIN.match(line):
            inside = True
        elif SOLUTION_END.match(line):
            inside = False
        elif inside or SOLUTION_LINE.search(line):
            result.add(number)
    if not result and whole_if_unmarked:
        return set(range(1, len(lines) + 1))
    return result


def has_markers(nb: nbformat.NotebookNode) -> bool:
    """Whether any code cell holds otter solution markers."""
    return any(
        c.cell_type == "code" and solution_lines(c.source, whole_if_unmarked=False)
        for c in nb.cells
    )


def zero_point_names(master: Path) -> dict[str, str]:
    """Names defined inside a master's 0-point questions: ``{name: question}``.

    Such code is not graded in this notebook (e.g. a model pasted from an earlier notebook, graded
    there); the tests use it only as a helper, so its mutants say nothing about this notebook.
    """
    import yaml

    nb = nbformat.read(master, as_version=4)
    names: dict[str, str] = {}
    question: dict | None = None
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            question = yaml.safe_load(text) or {}
        elif cell.cell_type == "raw" and text.startswith("# END QUESTION"):
            question = None
        elif cell.cell_type == "code" and question is not None and not question.get("points"):
            for name in defined_names(python_source(cell.source)):
                names[name] = str(question.get("name"))
    return names


class AssignmentNotebook:
    """The solution notebook of one assignment with its questions and graded definitions."""

    def __init__(
        self, notebook_path: Path, autograder_dir: Path, master: Path | None = None
    ) -> None:
        self.path = Path(notebook_path)
        self.ungraded = zero_point_names(master) if master and Path(master).is_file() else {}
        self.autograder_dir = Path(autograder_dir)
        self.nb = nbformat.read(self.path, as_version=4)
        self.questions = load_questions(self.autograder_dir)
        self.question_order = {q.name: q.order for q in self.questions}
        self.marked = has_markers(self.nb)
        self._bound = {
            i: _names_bound(c.source) for i, c in enumerate(self.nb.cells) if c.cell_type == "code"
        }
        self._units = [
            unit
            for i, c in enumerate(self.nb.cells)
            if c.cell_type == "code" and not is_demo(c)
            for unit in _units(i, c.source)
        ]
        self.definitions = self._find_definitions()

    # ------------------------------------------------------------------ definitions

    def _last_defining_cell(self, name: str) -> int | None:
        cells = [i for i, names in self._bound.items() if name in names]
        return cells[-1] if cells else None

    def _find_definitions(self) -> list[Definition]:
        graded = sorted(
            {a for q in self.questions for a in q.arguments} - {"env"} - set(self.ungraded)
        )
        found: list[Definition] = []
        for name in graded:
            index = self._last_defining_cell(name)
            if index is None:
                continue
            source = self.nb.cells[index].source
            lines = solution_lines(source, whole_if_unmarked=not self.marked)
            for qualname in mutation.iter_definitions(source):
                if qualname.split(".")[0] != name or not self._overlaps(source, qualname, lines):
                    continue
                owners = self._owners(qualname)
                found.append(Definition(qualname, index, owners, self.reaching(name)))
        found.sort(key=lambda d: (self.question_order.get(d.owners[0], 1e9), d.cell_index))
        return found

    @staticmethod
    def _overlaps(source: str, qualname: str, lines: set[int]) -> bool:
        node = mutation.find_definition(ast.parse(source), qualname)
        return node is not None and bool(lines & set(range(node.lineno, node.end_lineno + 1)))

    def _owners(self, qualname: str) -> list[str]:
        """Questions taking the name; for a method, those whose tests mention ``.method``."""
        top, _, method = qualname.partition(".")
        taking = [q for q in self.questions if top in q.arguments]
        if method and not method.startswith("__"):
            mention = re.compile(rf"\.{re.escape(method)}\b")
            naming = [q for q in taking if mention.search(q.test_source)]
            taking = naming or taking
        return [q.name for q in taking]

    def reaching(self, name: str) -> list[str]:
        """Questions whose tests can reach global `name` through the cells they need."""
        return [
            q.name
            for q in self.questions
            if "env" in q.arguments or name in self.needed_names(q.arguments)
        ]

    # ------------------------------------------------------------------ behaviours

    def known_behaviours(self) -> set[str]:
        """What a test may declare: graded names, their methods and labelled aspects."""
        known = {a for q in self.questions for a in q.arguments} - {"env"}
        for name in sorted(known):
            index = self._last_defining_cell(name)
            if index is None:
                continue
            source = self.nb.cells[index].source
            for qualname in mutation.iter_definitions(source):
                if qualname.split(".")[0] == name:
                    known.add(qualname)
                    known |= {
                        f"{qualname}/{aspect}"
                        for _, aspect in behaviours.aspect_labels(source, qualname)
                    }
        return known

    def behaviour_of(self, definition: Definition, line: int) -> str:
        """The behaviour a mutant of `definition` at cell line `line` breaks."""
        source = self.nb.cells[definition.cell_index].source
        return behaviours.mutated_behaviour(source, definition.qualname, line)

    def answer_names(self) -> set[str]:
        """Test arguments that are answers (no function or class defines them): ``q2_2``."""
        names = {a for q in self.questions for a in q.arguments} - {"env"}
        return {n for n in names if self._defines_code(n) is False}

    def _defines_code(self, name: str) -> bool:
        index = self._last_defining_cell(name)
        if index is None:
            return False
        return any(
            q.split(".")[0] == name for q in mutation.iter_definitions(self.nb.cells[index].source)
        )

    def declarations(self) -> dict[str, tuple[str, ...] | None]:
        """Every test key's declared behaviours.

        A test taking only answers (``q2_2``) checks those answers: it needs no declaration.
        """
        answers = self.answer_names()
        result: dict[str, tuple[str, ...] | None] = {}
        for q in self.questions:
            for key, declared in q.declarations.items():
                args = q.test_arguments.get(key, frozenset())
                if declared is None and args and args <= answers:
                    declared = tuple(sorted(args))
                result[key] = declared
        return result

    # ------------------------------------------------------------------ trimming

    def needed_names(self, roots: frozenset[str] | set[str]) -> set[str]:
        """Names the tests with arguments `roots` need, following cells' name dependencies."""
        return self._closure(set(roots))[0]

    def _closure(self, roots: set[str]) -> tuple[set[str], list[_Unit]]:
        """Names and top-level statements needed by tests taking `roots` (fixpoint)."""
        needed, keep = set(roots), []
        changed = True
        while changed:
            changed = False
            for unit in self._units:
                if unit in keep or not (unit.bound & needed):
                    continue
                keep.append(unit)
                needed |= unit.used
                changed = True
        keep.sort(key=lambda u: (u.cell, u.index))
        return needed, keep

    def cells_for(self, questions: list[str]) -> list[int]:
        """Indices of the code cells the tests of `questions` need (no demo cells)."""
        return sorted({u.cell for u in self._units_for(questions)})

    def _units_for(self, questions: list[str] | None) -> list[_Unit]:
        roots: set[str] = set()
        for q in self.questions:
            if questions is None or q.name in questions:
                roots |= q.arguments
        if questions is None or "env" in roots:
            return list(self._units)
        return self._closure(roots)[1]

    def trimmed(
        self,
        questions: list[str] | None,
        replace: dict[int, str] | None = None,
    ) -> nbformat.NotebookNode:
        """The notebook the tests of `questions` run on (None: all code cells but demos).

        Only the top-level statements the tests need are kept (an import cell keeps only the
        imports used). `replace` maps cell indices to new sources (a mutant's cell), kept whole.
        """
        replace = replace or {}
        units = self._units_for(questions)
        kept: dict[int, list[_Unit]] = {}
        for unit in units:
            kept.setdefault(unit.cell, []).append(unit)
        nb = copy.deepcopy(self.nb)
        cells = []
        for i, cell in enumerate(nb.cells):
            if i not in kept:
                continue
            if i in replace:
                cell.source = replace[i]
            elif all(u.index is not None for u in kept[i]) and questions is not None:
                cell.source = "\n".join(u.text for u in kept[i]) + "\n"
            cell.outputs, cell.execution_count = [], None
            cells.append(cell)
        nb.cells = cells
        return nb

    def mutants(self, definition: Definition) -> list[mutation.Mutant]:
        """Mutants of one graded definition, restricted to its solution lines."""
        source = self.nb.cells[definition.cell_index].source
        lines = solution_lines(source, whole_if_unmarked=not self.marked)
        return [
            m
            for m in mutation.generate(source, definition.qualname)
            if _span_lines(m, source) <= lines
        ]


def _span_lines(m: mutation.Mutant, source: str) -> set[int]:
    """The cell lines an edit touches."""
    first = m.line
    last = first + m.original.count("\n") - (1 if m.original.endswith("\n") else 0)
    return set(range(first, max(first, last) + 1))
