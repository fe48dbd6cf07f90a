"""Build a submission notebook from a student notebook and a variant source file.

A *variant* is Python source that defines some of the notebook's graded globals (classes,
functions, answer variables) in its own style. Every code cell of the student notebook that
defines one of the variant's top-level names is replaced: the first such cell receives the whole
variant source, later ones are emptied. Used to prove that graders are fair (alternative correct
solutions earn full marks, typical bugs lose exactly the points they should) and to generate the
sample submissions shipped for `make run`.
"""

from __future__ import annotations

import ast
import copy

import nbformat


def defined_names(source: str) -> set[str]:
    """Return the top-level names that `source` binds (classes, functions, assignments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(_target_names(target))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _target_names(target: ast.expr) -> set[str]:
    """Names bound by an assignment target, unpacking tuples/lists (`a, b = 1, 2`)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_target_names(t) for t in target.elts))
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()


def make_submission(student_nb: nbformat.NotebookNode, variant_src: str) -> nbformat.NotebookNode:
    """Return a copy of `student_nb` whose cells defining the variant's names hold the variant.

    Raises ValueError if no cell of the notebook defines any of the variant's names, so that a
    renamed stub in a master cannot silently turn a variant into a no-op.
    """
    wanted = defined_names(variant_src)
    if not wanted:
        raise ValueError("the variant defines no top-level names")
    nb = copy.deepcopy(student_nb)
    placed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if defined_names(cell.source) & wanted:
            cell.source = variant_src if not placed else ""
            cell.outputs = []
            cell.execution_count = None
            placed = True
    if not placed:
        raise ValueError(f"no cell of the notebook defines any of {sorted(wanted)}")
    return nb
