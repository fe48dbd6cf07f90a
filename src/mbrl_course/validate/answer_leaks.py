"""No notebook ships the graded answer of another (issue 13.4).

Notebooks build on each other: notebook 3 needs notebook 2's `DynaQ`, notebook 2 needs notebook
1's `TabularModel`. A later notebook that ships a *working* copy of an earlier graded definition
hands out that notebook's answer as soon as it is released. This module finds such copies: for
every student folder in `assignments/`, every definition (in the student notebook's code cells and
in the shipped `mbrl_envs/` package) of a name that another assignment's tests grade, whose body is
a working implementation rather than a stub (`raise NotImplementedError`, `...`, `pass`, a
docstring). For a graded class only the methods the owning notebook leaves to the student count
(a given constructor may be shipped again).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course import STUDENT_PACKAGE, Layout


@dataclass
class GradedDefinition:
    """A function or class that one assignment's tests grade."""

    name: str
    assignment: str
    questions: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    """For a class: the methods the owning student notebook leaves as stubs (the answer)."""
    is_class: bool = False


def is_stub(body: list[ast.stmt]) -> bool:
    """Whether a function body does nothing but raise NotImplementedError, `...`, `pass` or document."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            if stmt.value.value is Ellipsis or isinstance(stmt.value.value, str):
                continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                continue
        return False
    return True


def _test_points(node: ast.FunctionDef) -> float:
    """Points of an otter `@test_case(points=...)` function (0 when not stated)."""
    for deco in node.decorator_list:
        if isinstance(deco, ast.Call):
            for kw in deco.keywords:
                if kw.arg == "points" and isinstance(kw.value, ast.Constant):
                    return float(kw.value.value or 0)
    return 0.0


def graded_parameters(tests_dir: Path) -> dict[str, set[str]]:
    """{student global: questions} for the arguments of every test worth points in `tests_dir`."""
    found: dict[str, set[str]] = {}
    for path in sorted(tests_dir.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and _test_points(node) > 0:
                for arg in node.args.args:
                    found.setdefault(arg.arg, set()).add(path.stem)
    return found


def notebook_code(path: Path) -> list[str]:
    """Source of every code cell of a notebook."""
    nb = nbformat.read(path, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:  # cells with IPython magics; nothing to find there
        return None


def _methods(node: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {m.name: m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}


def graded_definitions(layout: Layout) -> dict[str, list[GradedDefinition]]:
    """{name: definitions graded under that name} over every built assignment."""
    result: dict[str, list[GradedDefinition]] = {}
    for tests_dir in sorted(layout.autograder.glob("*/tests")):
        assignment = tests_dir.parent.name
        student_nb = layout.assignments / assignment / f"{assignment}.ipynb"
        if not student_nb.is_file():
            continue
        params = graded_parameters(tests_dir)
        for source in notebook_code(student_nb):
            tree = _parse(source)
            for node in tree.body if tree else []:
                if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name not in params:
                    continue
                graded = GradedDefinition(node.name, assignment, set(params[node.name]))
                if isinstance(node, ast.ClassDef):
                    methods = _methods(node)
                    graded.is_class = True
                    graded.methods = {n for n, m in methods.items() if is_stub(m.body)}
                    graded.methods = graded.methods or (set(methods) - {"__init__"})
                result.setdefault(node.name, []).append(graded)
    return result


def _student_sources(student_dir: Path) -> Iterator[tuple[str, str]]:
    """(file name, source) of the student notebook's code cells and the shipped package."""
    for nb_path in sorted(student_dir.glob("*.ipynb")):
        for i, source in enumerate(notebook_code(nb_path)):
            yield f"{nb_path.name} (code cell {i + 1})", source
    package = student_dir / STUDENT_PACKAGE
    for path in sorted(package.rglob("*.py")) if package.is_dir() else []:
        yield path.relative_to(student_dir).as_posix(), path.read_text(encoding="utf-8")


def _leaks_in(tree: ast.Module, owners: list[GradedDefinition]) -> Iterator[tuple[str, str]]:
    """(definition shown, owner description) for every working body of another's graded name."""
    for node in ast.walk(tree):
        for graded in (g for g in owners if g.name == getattr(node, "name", None)):
            yield from _working_parts(node, graded)


def _working_parts(node: ast.AST, graded: GradedDefinition) -> Iterator[tuple[str, str]]:
    """The parts of `node` that implement `graded` (not stubs)."""
    where = f"{graded.assignment} ({', '.join(sorted(graded.questions))})"
    if graded.is_class and isinstance(node, ast.ClassDef):
        for name, method in sorted(_methods(node).items()):
            if name in graded.methods and not is_stub(method.body):
                yield f"{node.name}.{name}", where
    elif not graded.is_class and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if not is_stub(node.body):
            yield node.name, where


def answer_leaks(layout: Layout, assignment: str) -> list[str]:
    """One line per working definition in `assignment`'s student folder graded by another assignment."""
    student_dir = layout.assignments / assignment
    others = [
        g
        for defs in graded_definitions(layout).values()
        for g in defs
        if g.assignment != assignment
    ]
    leaks = []
    for where, source in _student_sources(student_dir):
        tree = _parse(source)
        if tree is None:
            continue
        for shown, owner in _leaks_in(tree, others):
            leaks.append(
                f"{where}: ships a working {shown}, the graded answer of {owner}; "
                "leave it a stub for the student to paste their own"
            )
    return sorted(set(leaks))


def find_answer_leaks(layout: Layout) -> dict[str, list[str]]:
    """{assignment: answer leaks} for every student folder in `assignments/` (empty lists when clean)."""
    names = sorted(
        p.parent.name for p in layout.assignments.glob("*/*.ipynb") if p.stem == p.parent.name
    )
    return {name: answer_leaks(layout, name) for name in names}
