"""Tests for mbrl_course.validate.answer_leaks: no notebook ships the graded answer of another."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from mbrl_course.course import Layout, default_layout
from mbrl_course.validate.answer_leaks import (
    answer_leaks,
    find_answer_leaks,
    graded_definitions,
    is_stub,
)

OWNER_CODE = '''
class Agent:
    def __init__(self, n):
        self.n = n

    def act(self, s):
        """Pick an action."""
        raise NotImplementedError("Agent.act (question q1_1)")


def helper(x):
    ...
'''

OWNER_TEST = """
from otter.test_files import test_case

@test_case(points=2, hidden=True)
def test_act(Agent, helper):
    assert Agent(3).act(0) == 0

@test_case(points=0, hidden=False)
def test_free(free_name):
    assert free_name
"""


def _notebook(path: Path, *sources: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbformat.write(nb, path)


def _course(tmp_path: Path, *later_sources: str, package: str | None = None) -> Layout:
    """A two-assignment course: 01_a grades Agent and helper, 02_b holds `later_sources`."""
    _notebook(tmp_path / "assignments/01_a/01_a.ipynb", OWNER_CODE)
    tests = tmp_path / "autograder/01_a/tests"
    tests.mkdir(parents=True)
    (tests / "q1_1.py").write_text(OWNER_TEST)
    _notebook(tmp_path / "assignments/02_b/02_b.ipynb", *later_sources)
    (tmp_path / "autograder/02_b/tests").mkdir(parents=True)
    if package is not None:
        pkg = tmp_path / "assignments/02_b/mbrl_envs"
        pkg.mkdir()
        (pkg / "demos.py").write_text(package)
    return Layout(root=tmp_path, src=tmp_path / "src")


def _body(source: str) -> list[ast.stmt]:
    return ast.parse(source).body[0].body


def test_stub_bodies_are_recognised():
    """raise NotImplementedError, `...`, `pass` and docstrings are stubs; real code is not."""
    assert is_stub(_body('def f():\n    """doc"""\n    raise NotImplementedError("f")'))
    assert is_stub(_body("def f():\n    raise NotImplementedError"))
    assert is_stub(_body("def f():\n    ..."))
    assert is_stub(_body("def f():\n    pass"))
    assert not is_stub(_body("def f():\n    return 1"))
    assert not is_stub(_body("def f():\n    raise ValueError('no')"))


def test_graded_definitions_come_from_tests_worth_points(tmp_path):
    """A class graded by a test worth points records the methods its notebook leaves as stubs."""
    layout = _course(tmp_path, "x = 1")
    graded = graded_definitions(layout)
    assert set(graded) == {"Agent", "helper"}, "test arguments of 0-point tests are not graded"
    (agent,) = graded["Agent"]
    assert agent.assignment == "01_a" and agent.questions == {"q1_1"}
    assert agent.is_class and agent.methods == {"act"}, "__init__ is given, act is the answer"


def test_working_copy_in_a_later_notebook_is_a_leak(tmp_path):
    """A later notebook with a working Agent.act and helper ships the earlier notebook's answer."""
    working = (
        "class Agent:\n    def __init__(self, n):\n        self.n = n\n"
        "    def act(self, s):\n        return 0\n"
    )
    layout = _course(tmp_path, working, "def helper(x):\n    return 2 * x")
    leaks = answer_leaks(layout, "02_b")
    assert len(leaks) == 2, leaks
    assert any("Agent.act" in leak and "01_a (q1_1)" in leak for leak in leaks)
    assert any("working helper" in leak for leak in leaks)


def test_stub_copy_and_given_constructor_are_not_leaks(tmp_path):
    """A later notebook may ship the stub to paste into, with its given constructor."""
    stub = (
        "class Agent:\n    def __init__(self, n):\n        self.n = n\n"
        "    def act(self, s):\n        raise NotImplementedError('paste yours')\n"
    )
    layout = _course(tmp_path, stub, "def helper(x):\n    ...")
    assert answer_leaks(layout, "02_b") == []
    assert answer_leaks(layout, "01_a") == [], "an assignment's own stubs are never a leak"


def test_shipped_package_and_nested_definitions_are_searched(tmp_path):
    """A working graded function hidden in mbrl_envs, even nested in a demo helper, is found."""
    package = "def demo():\n    def helper(x):\n        return x + 1\n    return helper(1)\n"
    layout = _course(tmp_path, "y = 2", package=package)
    leaks = find_answer_leaks(layout)
    assert leaks["01_a"] == []
    assert len(leaks["02_b"]) == 1 and leaks["02_b"][0].startswith("mbrl_envs/demos.py:")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["01_model_learning", "02_dyna", "03_model_errors", "04_modern_methods"]
)
def test_no_real_notebook_ships_another_notebooks_answer(name):
    """The committed student folders hold no working copy of another notebook's graded answer."""
    layout = default_layout()
    if not (layout.assignments / name / f"{name}.ipynb").is_file():
        pytest.fail(f"assignments/{name} is not built")
    assert answer_leaks(layout, name) == []
