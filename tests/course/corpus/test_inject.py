"""Tests for mbrl_course.corpus.inject: building submissions from variant source files."""

from __future__ import annotations

import nbformat
import pytest

from mbrl_course.corpus.inject import defined_names, make_submission


def _nb(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    return nb


def test_defined_names_covers_classes_functions_and_unpacking():
    """Top-level classes, functions, plain, annotated and tuple assignments all count."""
    src = "class A: pass\ndef f(): pass\nx = 1\ny: int = 2\n(p, [q, *r]) = 1, [2, 3]\n"
    assert defined_names(src) == {"A", "f", "x", "y", "p", "q", "r"}
    assert defined_names("def broken(:") == set()


def test_make_submission_replaces_defining_cells_once():
    """The first defining cell gets the variant, later defining cells are emptied, others kept."""
    nb = _nb("import numpy as np", "class A:\n    ...", "q1 = ...", "print(1)")
    sub = make_submission(nb, "class A:\n    pass\nq1 = 'b'\n")
    assert [c.source for c in sub.cells] == [
        "import numpy as np",
        "class A:\n    pass\nq1 = 'b'\n",
        "",
        "print(1)",
    ]
    assert nb.cells[1].source == "class A:\n    ..."  # input untouched


def test_make_submission_refuses_a_variant_that_matches_nothing():
    """A variant whose names no cell defines is an error, not a silent no-op."""
    with pytest.raises(ValueError, match="no cell"):
        make_submission(_nb("x = 1"), "y = 2")
    with pytest.raises(ValueError, match="no top-level"):
        make_submission(_nb("x = 1"), "print('hi')")
