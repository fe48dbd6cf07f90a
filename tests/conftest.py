"""Shared fixtures: the repository layout, one build of the tiny fixture master, the toy
autograder, the real solutions graded once per xdist worker, and notebooks executed once per
test run (shared by all workers through a locked folder).

Why: building, grading and executing notebooks dominate the suite's time; every test that needs
one of them shares the same result instead of redoing it.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from mbrl_course.course import Layout, default_layout
from mbrl_grader.results import SubmissionResult

REPO = Path(__file__).resolve().parents[1]

TINY_SOLUTIONS = REPO / "tests" / "course" / "fixtures_build" / "solutions"
TINY = "00_tiny"
TOY = REPO / "tests" / "course" / "fixtures" / "toy"

LONGEST_FIRST = (
    "test_fresh_venv_runs_every_notebook_from_the_student_folder_alone",
    "test_real_samples_grade_as_expected",
    "test_real_assignment_validates",
    "test_readme_sbatch_array_merges_into_the_one_shot_gradebook",
    "test_dyna_correct_upload_earns_full_marks_in_a_clean_image",  # builds the clean image's venv
)
"""Tests that take 15-100 s each (about two thirds of the suite), started first."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the longest tests first, so the two xdist workers finish together.

    Why: xdist hands out tests in collection order; a 100 s test collected late keeps one
    worker busy while the other has nothing left (measured: up to 20 s of the run on one CPU).
    ``make test`` passes ``--maxschedchunk 1`` so that the long tests are not all handed to
    the first worker in one initial chunk.
    """
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}

    def key(item: pytest.Item) -> int:
        name = getattr(item, "originalname", item.name)
        return rank.get(name, len(LONGEST_FIRST))

    items.sort(key=key)  # stable: everything else keeps its collection order


@pytest.fixture(autouse=True)
def _no_real_gradebook(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """No test reads or writes the machine's real gradebook: the gradebook settings of the shell
    are cleared and the default course folder (``$XDG_DATA_HOME/mbrl-course``) is a temporary one."""
    from mbrl_course.course import ENV_COURSE_DIR, ENV_GRADEBOOK

    monkeypatch.delenv(ENV_GRADEBOOK, raising=False)
    monkeypatch.delenv(ENV_COURSE_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.getbasetemp() / "xdg-data"))


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
def run_shared(tmp_path_factory: pytest.TempPathFactory, worker_id: str, testrun_uid: str) -> Path:
    """A folder that every xdist worker of this test run sees (and no other run)."""
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / f"shared-{testrun_uid}"
    root.mkdir(exist_ok=True)
    return root


def _inputs_digest(notebook: Path, workdir: Path) -> str:
    """What an execution depends on: the notebook and every other file of its folder."""
    h = hashlib.sha256(notebook.read_bytes())
    for p in sorted(workdir.rglob("*")):
        if p.is_file() and p != notebook and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(workdir)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:20]


ExecuteOnce = Callable[..., float]


@pytest.fixture(scope="session")
def execute_once(run_shared: Path) -> ExecuteOnce:
    """``execute_notebook`` that runs each distinct notebook + folder once per test run.

    The first worker to ask runs it (under a lock) and keeps the executed notebook; later calls,
    from any worker, copy it to ``out_path`` and return the measured seconds. A failed run is
    not kept, so the next caller sees the failure again.
    """
    from mbrl_course.validate import execute_notebook

    def run(notebook: Path, workdir: Path, out_path: Path | None = None) -> float:
        key = _inputs_digest(Path(notebook), Path(workdir))
        done, seconds = run_shared / f"{key}.ipynb", run_shared / f"{key}.seconds"
        with open(run_shared / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not seconds.is_file():
                partial = run_shared / f"{key}.partial.ipynb"
                took = execute_notebook(Path(notebook), Path(workdir), out_path=partial)
                partial.replace(done)
                seconds.write_text(repr(took))
        if out_path is not None:
            shutil.copyfile(done, out_path)
        return float(seconds.read_text())

    return run


@pytest.fixture(scope="session")
def executed_solution(
    real_layout: Layout, tmp_path_factory: pytest.TempPathFactory, execute_once: ExecuteOnce
) -> Callable[[str], nbformat.NotebookNode]:
    """``executed_solution("01_model_learning")``: the solution run top to bottom once, with outputs.

    The notebook runs in a copy of the student folder (its ``mbrl_envs`` and public tests), so
    the numbers it prints are the ones a student sees.
    """
    cache: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in cache:
            work = tmp_path_factory.mktemp(f"run-{name}")
            shutil.copytree(real_layout.assignments / name, work, dirs_exist_ok=True)
            solution = real_layout.autograder / name / f"{name}.ipynb"
            shutil.copyfile(solution, work / f"{name}.ipynb")
            executed = work / f"{name}.executed.ipynb"
            execute_once(work / f"{name}.ipynb", work, out_path=executed)
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
