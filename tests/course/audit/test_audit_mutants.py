"""Tests for the audit's AST mutation operators and stable mutant ids (no grading)."""

from __future__ import annotations

import ast
from pathlib import Path

from mbrl_course.audit import mutants as mutation
from mbrl_course.audit.notebook import AssignmentNotebook, solution_lines

CELL = '''import numpy as np


def score(xs, k=1):
    """Sum of the first k values, or the best index."""
    # BEGIN SOLUTION
    total = 0
    for i in range(len(xs)):
        if i >= k:
            break
        total += xs[i]
    best = int(np.argmax(xs[1:]))
    return total if total > 0 and best != 2 else max(total, np.sum(xs))
    # END SOLUTION
'''

TOY = Path(__file__).parents[1] / "fixtures" / "toy"


def _by_operator(mutants: list[mutation.Mutant]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for m in mutants:
        found.setdefault(m.operator, []).append((m.original.strip(), m.mutated.strip()))
    return found


def test_every_operator_family_produces_its_mutants() -> None:
    """Each operator the issue names yields the expected single-node change on a small function."""
    found = _by_operator(mutation.generate(CELL, "score"))
    assert ("range(len(xs))", "range(len(xs) + 1)") in found["range_off_by_one"]
    assert ("range(len(xs))", "range(len(xs) - 1)") in found["range_off_by_one"]
    assert ("1", "1 + 1") in found["slice_off_by_one"]
    assert ("i >= k", "i > k") in found["comparison"]
    assert ("best != 2", "best == 2") in found["comparison"]
    assert any(o.startswith("total > 0 and") and " or " in n for o, n in found["boolean"])
    assert ("total += xs[i]", "total -= xs[i]") in found["arithmetic"]
    assert ("0", "1") in found["constant"] and ("2", "1") in found["constant"]
    assert ("argmax", "argmin") in found["function_swap"]
    assert ("max", "min") in found["function_swap"] and ("sum", "mean") in found["function_swap"]
    assert ("total = 0", "pass") in found["statement_removed"]
    assert ("break", "continue") in found["break_continue"]
    assert ("max(total, np.sum(xs))", "max(np.sum(xs))") in found["argument_dropped"]
    swaps = found["statements_swapped"]
    assert any(o.startswith("total = 0") and n.startswith("for i") for o, n in swaps)


def test_mutants_compile_differ_and_touch_only_one_place() -> None:
    """Every mutant parses, differs from the original AST, and its diff changes one hunk."""
    original = ast.dump(ast.parse(CELL))
    mutants = mutation.generate(CELL, "score")
    assert len(mutants) > 30
    for m in mutants:
        assert ast.dump(ast.parse(m.source)) != original, m.id
        diff = m.diff(CELL)
        assert sum(line.startswith("@@") for line in diff.splitlines()) == 1, diff
        assert "# BEGIN SOLUTION" in m.source  # comments and layout survive


def test_ids_are_unique_and_stable_under_edits_elsewhere() -> None:
    """Ids do not change between runs nor when code outside the definition is edited."""
    first = [m.id for m in mutation.generate(CELL, "score")]
    assert len(first) == len(set(first))
    assert first == [m.id for m in mutation.generate(CELL, "score")]
    edited = "import math\n# a new comment\n" + CELL.replace("import numpy", "import  numpy")
    assert set(first) == {m.id for m in mutation.generate(edited, "score")}


def test_methods_are_addressed_by_qualified_name() -> None:
    """``Class.method`` finds a method; a missing definition yields no mutants."""
    cell = "class A:\n    def f(self, x):\n        return x + 1\n"
    assert [m.mutated for m in mutation.generate(cell, "A.f") if m.operator == "arithmetic"] == [
        "x - 1"
    ]
    assert mutation.generate(cell, "A.g") == []
    assert list(mutation.iter_definitions(cell)) == ["A.f"]


def test_only_solution_lines_are_mutated() -> None:
    """Code outside the BEGIN/END SOLUTION markers (given to students) is never mutated."""
    lines = solution_lines(CELL, whole_if_unmarked=False)
    assert min(lines) == CELL.splitlines().index("    total = 0") + 1
    assert (
        CELL.splitlines().index('    """Sum of the first k values, or the best index."""') + 1
        not in lines
    )


def test_toy_definitions_and_owners() -> None:
    """The toy fixture's graded definitions are found with the question whose tests use them."""
    nb = AssignmentNotebook(TOY / "notebooks" / "solution.ipynb", TOY / "autograder")
    owners = {d.qualname: d.owners for d in nb.definitions}
    assert owners["add"] == ["q1"]
    assert owners["Counter.predict"] == ["q2"] and owners["run_episode"] == ["q3"]
    trimmed = nb.trimmed(["q1"])
    assert [c.source.split("\n")[0] for c in trimmed.cells] == ["def add(a, b):"]
