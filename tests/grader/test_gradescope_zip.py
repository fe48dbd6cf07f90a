"""The autograder zip grades unchanged in Gradescope's /autograder layout (in a temporary folder)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mbrl_course import build
from mbrl_course.course import Layout, default_layout

REPO = Path(__file__).resolve().parents[2]
FIXTURE_SOLUTIONS = Path(__file__).parents[1] / "course" / "fixtures_build" / "solutions"
FIXTURE = "00_tiny"
REAL = default_layout(REPO)
REAL_MASTERS = list(build.discover_masters(REAL.solutions))


@pytest.fixture
def built(tiny_build: Layout) -> Layout:
    """The tiny fixture master, built once per session (tests/conftest.py); read-only."""
    return tiny_build


def run_like_gradescope(
    zip_path: Path, submission: Path, root: Path, *, otter_grade: bool = False
) -> dict:
    """Unpack `zip_path` as Gradescope does under `root`, grade `submission`, return results.json.

    `submission` is a notebook, or a folder whose contents are the upload.

    Instead of running setup.sh (which installs Miniforge), the entry point is pointed at this
    virtualenv's python through MBRL_AUTOGRADER_PYTHON. With `otter_grade`, an empty
    results/results.pkl is present first, as `otter grade` (Docker) arranges it.
    """
    for sub in ("source", "submission", "results"):
        (root / sub).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    (root / "submission_metadata.json").write_text("{}")
    if submission.is_dir():  # an upload of several files
        shutil.copytree(submission, root / "submission", dirs_exist_ok=True)
    else:
        shutil.copyfile(submission, root / "submission" / submission.name)
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    if otter_grade:
        (root / "results" / "results.pkl").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUTOGRADER_ROOT")}
    env.update(
        AUTOGRADER_ROOT=str(root),
        MBRL_AUTOGRADER_PYTHON=sys.executable,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    proc = subprocess.run(
        [str(root / "run_autograder")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    results = root / "results" / "results.json"
    assert results.is_file(), (
        f"no results.json (rc={proc.returncode})\n{proc.stdout}\n{proc.stderr}"
    )
    return json.loads(results.read_text())


def scores(results: dict) -> tuple[float, float]:
    """(score, possible) of a Gradescope results.json."""
    tests = [t for t in results.get("tests", []) if "max_score" in t and t["max_score"] is not None]
    possible = float(sum(t["max_score"] for t in tests))
    score = results.get("score")
    if score is None:
        score = sum(t.get("score") or 0 for t in tests)
    return float(score), possible


@pytest.mark.slow
def test_fixture_zip_grades_solution_and_blank_with_trusted_runner(
    built: Layout, tmp_path: Path
) -> None:
    """Through run_autograder, the fixture solution earns 5/5 and the blank student notebook 0."""
    zip_path = built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    solution = built.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    blank = built.assignments / FIXTURE / f"{FIXTURE}.ipynb"
    assert scores(run_like_gradescope(zip_path, solution, tmp_path / "sol" / "autograder")) == (
        5,
        5,
    )
    score, _ = scores(run_like_gradescope(zip_path, blank, tmp_path / "blank" / "autograder"))
    assert score == 0


@pytest.mark.slow
def test_fixture_zip_under_otter_grade_uses_otters_runner(built: Layout, tmp_path: Path) -> None:
    """When `otter grade` runs the zip (results.pkl present), otter's own grading gives 5/5."""
    zip_path = built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    solution = built.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    results = run_like_gradescope(zip_path, solution, tmp_path / "autograder", otter_grade=True)
    assert scores(results) == (5, 5)
    assert (tmp_path / "autograder" / "results" / "results.pkl").stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_MASTERS or [None])
def test_committed_zip_grades_the_solution_in_full(name: str | None, tmp_path: Path) -> None:
    """Each committed autograder zip gives its own solution notebook full marks."""
    if name is None:  # no masters yet
        assert not list(REAL.autograder.glob("*/*-autograder.zip"))
        return
    from mbrl_course.validate import expected_possible

    ag = REAL.autograder / name
    results = run_like_gradescope(
        ag / f"{name}-autograder.zip", ag / f"{name}.ipynb", tmp_path / "autograder"
    )
    possible = expected_possible(ag)
    assert scores(results) == (possible, possible), json.dumps(results, indent=1)[:4000]


def test_build_keeps_demo_tags_in_both_notebooks(built: Layout) -> None:
    """otter assign and the build's normalisation keep a master cell's `demo` tag for the runner."""
    from mbrl_grader.runner import demo_cells

    for folder in (built.assignments, built.autograder):
        nb = folder / FIXTURE / f"{FIXTURE}.ipynb"
        (index,) = demo_cells(nb)
        source = json.loads(nb.read_text())["cells"][index]["source"]
        assert "double(21)" in "".join(source)


def test_zip_skips_demo_cells(built: Layout, tmp_path: Path) -> None:
    """Through run_autograder, a tagged demo cell that would hang is skipped: full marks at once."""
    solution = built.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    nb = json.loads(solution.read_text())
    for cell in nb["cells"]:
        if "demo" in cell["metadata"].get("tags", []):
            cell["source"] = "while True:\n    pass\n"
    hanging = tmp_path / f"{FIXTURE}.ipynb"
    hanging.write_text(json.dumps(nb))
    zip_path = built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    results = run_like_gradescope(zip_path, hanging, tmp_path / "autograder")
    assert scores(results) == (5, 5) and results["output"].startswith("Status: graded.")
    assert "time limit" not in results["output"], results["output"]


@pytest.mark.slow
def test_zip_ships_the_visibility_option_and_applies_it(built: Layout, tmp_path: Path) -> None:
    """The master's `mbrl: hidden_visibility` reaches the zip and the hidden tests' visibility."""
    zip_path = built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    with zipfile.ZipFile(zip_path) as zf:
        shipped = json.loads(zf.read("mbrl_grading.json"))
        otter_config = json.loads(zf.read("otter_config.json"))
    assert shipped == {"assignment_name": FIXTURE, "hidden_visibility": "after_due_date"}
    assert "mbrl" not in otter_config
    solution = built.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    results = run_like_gradescope(zip_path, solution, tmp_path / "autograder")
    visibility = {t["name"]: t["visibility"] for t in results["tests"]}
    assert visibility == {
        "q1 - 1": "visible",
        "q1 - 2": "after_due_date",
        "q2 - 1": "visible",
        "q2 - 2": "after_due_date",
    }


@pytest.mark.slow
def test_zip_grades_the_assignments_notebook_among_others(built: Layout, tmp_path: Path) -> None:
    """An upload with another assignment's notebook first by name grades the right one in full."""
    upload = tmp_path / "upload"
    (upload / "sub").mkdir(parents=True)
    other = json.loads((built.assignments / FIXTURE / f"{FIXTURE}.ipynb").read_text())
    other["metadata"]["otter"]["assignment_name"] = "01_model_learning"
    (upload / "00_aaa_first.ipynb").write_text(json.dumps(other))
    shutil.copyfile(built.autograder / FIXTURE / f"{FIXTURE}.ipynb", upload / "sub" / "mine.ipynb")
    zip_path = built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    results = run_like_gradescope(zip_path, upload, tmp_path / "autograder")
    assert scores(results) == (5, 5) and results["output"].startswith("Status: graded.")
    assert "otter assignment metadata" not in results["output"]  # chosen by its metadata


def test_zip_reports_an_ambiguous_upload(built: Layout, tmp_path: Path) -> None:
    """Two different notebooks of the assignment give status invalid, naming both, and no score."""
    upload = tmp_path / "upload"
    upload.mkdir()
    shutil.copyfile(built.autograder / FIXTURE / f"{FIXTURE}.ipynb", upload / "solution.ipynb")
    shutil.copyfile(built.assignments / FIXTURE / f"{FIXTURE}.ipynb", upload / "blank.ipynb")
    zip_path = built.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    results = run_like_gradescope(zip_path, upload, tmp_path / "autograder")
    assert results["score"] == 0.0 and results["tests"] == []
    assert results["output"].startswith("Status: invalid. ambiguous upload")
    assert "blank.ipynb, solution.ipynb" in results["output"]
