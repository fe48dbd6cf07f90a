"""Shared fixtures: the repository layout, one build of the tiny fixture master, the toy
autograder, and the real solutions graded and executed once per test session (per xdist worker).

Why: building, grading and executing notebooks dominate the suite's time; every test that needs
one of them shares the same result instead of redoing it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from mbrl_course.layout import Layout, default_layout
from mbrl_grader.results import SubmissionResult

REPO = Path(__file__).resolve().parents[1]
TINY_SOLUTIONS = REPO / "tests" / "course" / "fixtures_build" / "solutions"
TINY = "00_tiny"
TOY = REPO / "tests" / "course" / "fixtures" / "toy"


@pytest.fixture(scope="session")
def real_layout() -> Layout:
    """The layout of this repository (masters, committed generated trees, shipped packages)."""
    return default_layout(REPO)


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory: pytest.TempPathFactory, real_layout: Layout) -> Layout:
    """The tiny fixture master built once into a temporary course folder (treat as read-only)."""
    from mbrl_course import build

    root = tmp_path_factory.mktemp("tiny-course")
    shutil.copytree(TINY_SOLUTIONS, root / "solutions")
    layout = Layout(root=root, src=real_layout.src)
    assert build.build(layout) == [TINY]
    return layout


@pytest.fixture(scope="session")
def toy_autograder() -> Path:
    """The hand-written toy autograder (tests with hidden cases, a toy support package)."""
    return TOY / "autograder"


@pytest.fixture(scope="session")
def toy_notebooks() -> Path:
    """The toy submissions graded against :func:`toy_autograder`."""
    return TOY / "notebooks"


@pytest.fixture(scope="session")
def graded_solution(real_layout: Layout) -> Callable[[str], SubmissionResult]:
    """``graded_solution("02_dyna")``: the real solution notebook graded once by the trusted runner."""
    from mbrl_grader.runner import grade_notebook

    cache: dict[str, SubmissionResult] = {}

    def grade(name: str) -> SubmissionResult:
        if name not in cache:
            ag = real_layout.autograder / name
            cache[name] = grade_notebook(ag / f"{name}.ipynb", ag)
        return cache[name]

    return grade


@pytest.fixture(scope="session")
def executed_solution(
    real_layout: Layout, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], nbformat.NotebookNode]:
    """``executed_solution("01_model_learning")``: the solution run top to bottom once, with outputs.

    The notebook runs in a copy of the student folder (its ``mbrl_envs`` and public tests), so
    the numbers it prints are the ones a student sees.
    """
    from mbrl_course.validate import execute_notebook

    cache: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in cache:
            work = tmp_path_factory.mktemp(f"run-{name}")
            shutil.copytree(real_layout.assignments / name, work, dirs_exist_ok=True)
            solution = real_layout.autograder / name / f"{name}.ipynb"
            shutil.copyfile(solution, work / f"{name}.ipynb")
            executed = work / f"{name}.executed.ipynb"
            execute_notebook(work / f"{name}.ipynb", work, out_path=executed)
            cache[name] = nbformat.read(executed, as_version=4)
        return cache[name]

    return run


def printed_text(nb: nbformat.NotebookNode) -> str:
    """Everything the executed notebook printed (stream outputs and plain-text results)."""
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "data" in out and "text/plain" in out["data"]:
                parts.append(out["data"]["text/plain"])
    return "".join(parts)
