"""Tests for `mbrl-course build`: determinism, staleness checks, layout of the generated trees."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from mbrl_course import build
from mbrl_course.build import autograder_zip
from mbrl_course.cli import main as cli_main
from mbrl_course.course import Layout, default_layout

REPO = Path(__file__).resolve().parents[3]
FIXTURE_SOLUTIONS = Path(__file__).parents[1] / "fixtures_build" / "solutions"
FIXTURE = "00_tiny"
REAL = default_layout(REPO)
REAL_MASTERS = list(build.discover_masters(REAL.solutions))


def fixture_layout(root: Path) -> Layout:
    """Copy the fixture masters into `root/solutions` and return a layout using the real package."""
    shutil.copytree(FIXTURE_SOLUTIONS, root / "solutions")
    return Layout(root=root, src=REAL.src)


@pytest.fixture
def built(tiny_build: Layout) -> Layout:
    """The tiny fixture master, built once per session (tests/conftest.py); read-only."""
    return tiny_build


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_fixture_build_writes_the_student_and_autograder_folders(built: Layout) -> None:
    """The fixture master yields a student folder and an autograder folder with the agreed files."""
    student = _files(built.assignments / FIXTURE)
    ag = _files(built.autograder / FIXTURE)
    assert {f"{FIXTURE}.ipynb", "tests/q1.py", "tests/q2.py", "mbrl_envs/__init__.py"} <= student
    assert not any(p.endswith((".zip", ".json")) for p in student)
    assert {"README.md", "requirements.txt"} <= student
    assert (built.assignments / f"{FIXTURE}.zip").is_file()
    assert {
        f"{FIXTURE}.ipynb",
        "tests/q1.py",
        "tests/q2.py",
        "mbrl_envs/__init__.py",
        "otter_config.json",
        "requirements.txt",
        f"{FIXTURE}-autograder.zip",
    } <= ag
    assert json.loads((built.autograder / FIXTURE / "otter_config.json").read_text()) == {
        "assignment_name": FIXTURE
    }
    assert not any("__pycache__" in p or p.endswith(".pyc") for p in student | ag)
    envs = {p for p in student if p.startswith("mbrl_envs/")}
    assert envs == {
        f"mbrl_envs/{p.relative_to(REAL.package('mbrl_envs')).as_posix()}"
        for p in REAL.package("mbrl_envs").rglob("*.py")
        if "__pycache__" not in p.parts
    }


def test_student_folders_have_no_mbrl_ref_and_the_zip_has_it(built: Layout) -> None:
    """mbrl_ref and mbrl_grader reach only the autograder zip, never the generated folders."""
    for folder in (built.assignments / FIXTURE, built.autograder / FIXTURE):
        assert not [p for p in folder.rglob("*") if p.name in ("mbrl_ref", "mbrl_grader")]
    with zipfile.ZipFile(built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip") as zf:
        names = zf.namelist()
        run_autograder = zf.read("run_autograder").decode()
        infos = zf.infolist()
    assert "files/mbrl_ref/__init__.py" in names
    assert "files/mbrl_grader/runner.py" in names
    assert "files/mbrl_envs/__init__.py" in names
    shipped = {
        "setup.sh",
        "setup_grading.sh",
        "environment.yml",
        "otter_config.json",
        "run_otter.py",
    }
    assert shipped <= set(names)
    assert "python3 -m mbrl_grader.gradescope" in run_autograder.replace('"$PY"', "python3")
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {autograder_zip.ZIP_DATE_TIME}


def test_notebooks_are_normalised(built: Layout) -> None:
    """Generated notebooks have index-based cell ids, no outputs and the python3 kernel."""
    for folder in (built.assignments, built.autograder):
        nb = nbformat.read(folder / FIXTURE / f"{FIXTURE}.ipynb", as_version=4)
        assert [c.id for c in nb.cells] == [f"cell-{i:03d}" for i in range(len(nb.cells))]
        assert all(not c.get("outputs") for c in nb.cells)
        assert nb.metadata.kernelspec.name == "python3"
        assert nb.metadata.otter.assignment_name == FIXTURE


def test_build_is_deterministic(built: Layout, tmp_path: Path) -> None:
    """Building the same master twice gives byte-identical trees (zip included)."""
    first = build.tree_digest(built.root / "assignments") | {
        f"ag/{k}": v for k, v in build.tree_digest(built.root / "autograder").items()
    }
    build.build_tree(built, tmp_path)
    second = build.tree_digest(tmp_path / "assignments") | {
        f"ag/{k}": v for k, v in build.tree_digest(tmp_path / "autograder").items()
    }
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


@pytest.mark.slow
def test_check_lists_stale_missing_and_extra_files(tmp_path: Path) -> None:
    """`check` is empty right after a build and names every edited, deleted or extra file."""
    layout = fixture_layout(tmp_path)
    build.build(layout)
    master_bytes = (layout.solutions / FIXTURE / f"{FIXTURE}.ipynb").read_bytes()
    assert build.check(layout) == []
    (layout.assignments / FIXTURE / "tests" / "q1.py").write_text("# edited\n")
    (layout.autograder / FIXTURE / "requirements.txt").unlink()
    (layout.assignments / FIXTURE / "notes.txt").write_text("extra\n")
    (layout.autograder / "99_old").mkdir()
    problems = build.check(layout)
    assert f"out of date: assignments/{FIXTURE}/tests/q1.py" in problems
    assert f"missing: autograder/{FIXTURE}/requirements.txt" in problems
    assert any(p.endswith(f"assignments/{FIXTURE}/notes.txt") for p in problems)
    assert any("autograder/99_old" in p for p in problems)
    assert cli_main(["--root", str(tmp_path), "build", "--check"]) == 1
    assert cli_main(["--root", str(tmp_path), "build"]) == 0
    assert build.check(layout) == []
    assert not (layout.autograder / "99_old").exists()
    assert cli_main(["--root", str(tmp_path), "build", "--check", "--only", FIXTURE]) == 0
    assert (layout.solutions / FIXTURE / f"{FIXTURE}.ipynb").read_bytes() == master_bytes


def test_master_contract_violations_are_reported(tmp_path: Path) -> None:
    """A master that ships mbrl_ref to students (files:) is refused with a clear message."""
    layout = fixture_layout(tmp_path)
    path = layout.solutions / FIXTURE / f"{FIXTURE}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("  - mbrl_envs", "  - mbrl_envs\n  - mbrl_ref")
    nbformat.write(nb, path)
    with pytest.raises(build.BuildError, match="never files"):
        build.build(layout)
    assert not (layout.assignments / FIXTURE).exists()
    with pytest.raises(build.BuildError, match="no master named"):
        build.build(layout, ["42_nope"])


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_MASTERS or [None])
def test_committed_tree_is_current_and_deterministic(name: str | None, tmp_path: Path) -> None:
    """Each real master rebuilds deterministically to exactly the committed generated files."""
    if name is None:  # no masters yet: nothing can be stale
        assert build.discover_masters(REAL.solutions) == {}
        assert build.check(REAL) == []
        return
    build.build_tree(REAL, tmp_path / "a", [name])
    build.build_tree(REAL, tmp_path / "b", [name])
    assert build.tree_digest(tmp_path / "a") == build.tree_digest(tmp_path / "b")
    for kind in ("assignments", "autograder"):
        problems = build.compare_trees(
            tmp_path / "a" / kind / name, REAL.root / kind / name, f"{kind}/{name}"
        )
        assert problems == [], "run `mbrl-course build` and commit:\n" + "\n".join(problems)
    assert not [p for p in (REAL.assignments / name).rglob("*") if p.name == "mbrl_ref"]
    with zipfile.ZipFile(REAL.autograder / name / f"{name}-autograder.zip") as zf:
        names = set(zf.namelist())
        assert zf.read("run_autograder").decode() == autograder_zip.RUN_AUTOGRADER
    assert {"files/mbrl_ref/__init__.py", "files/mbrl_grader/gradescope.py"} <= names
    shipped = {n.split("/")[1] for n in names if n.startswith("files/")}
    assert shipped == {"mbrl_envs", "mbrl_ref", "mbrl_grader"}, "the zip ships only grading code"
    assert not [n for n in names if "mbrl_course" in n or n.startswith("files/mbrl_ref/course")]


def test_no_generated_folder_without_master() -> None:
    """assignments/ and autograder/ hold a folder (and a folder zip) per master, nothing else."""
    for kind in ("assignments", "autograder"):
        folder = REAL.root / kind
        entries = (
            {p.name for p in folder.iterdir() if not p.name.startswith(".")}
            if folder.is_dir()
            else set()
        )
        owned = set(REAL_MASTERS)
        if kind == "assignments":  # each student folder also comes zipped for the course page
            owned |= {f"{name}.zip" for name in REAL_MASTERS}
        assert entries <= owned, f"stale entries in {kind}/: {entries - owned}"
