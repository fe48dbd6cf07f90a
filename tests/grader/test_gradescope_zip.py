"""The autograder zip grades in Gradescope's layout the way Gradescope runs it: in a clean image.

An "image" here is what Gradescope builds from the zip: a fresh environment holding only what the
zip's own ``environment.yml`` pins (a venv standing in for setup.sh's conda env ``otter-env``;
no development venv, no PYTHONPATH), the zip unpacked into ``source/`` of a temporary
``/autograder`` (``AUTOGRADER_ROOT``), and the part of ``setup.sh`` that needs no Miniforge
download, ``setup_grading.sh``, run with that environment's python. Each submission then gets a
fresh ``submission/``, ``results/`` and ``submission_metadata.json`` and runs ``run_autograder``
(``MBRL_AUTOGRADER_PYTHON`` only replaces the conda activation), and every ``results.json`` is
checked against Gradescope's documented format (../shared/gradescope-notes.md).

The environment is built once per test run (about a minute, mostly pip; pip's cache makes it
quick the second time) and shared by every xdist worker; each image hard-links a copy of it,
as a container gets a copy of its image. What setup.sh installs besides the pip packages
(``nb_conda_kernels``, playwright's Chromium for otter's PDF export) is not used by the trusted
runner, so it is left out.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from mbrl_course import build
from mbrl_course.course import Layout, default_layout

REPO = Path(__file__).resolve().parents[2]
FIXTURE = "00_tiny"
REAL = default_layout(REPO)
REAL_MASTERS = list(build.discover_masters(REAL.solutions))
DYNA = "02_dyna"
DYNA_ZIP = REAL.autograder / DYNA / f"{DYNA}-autograder.zip"
DYNA_SAMPLES = REPO / "samples" / DYNA
GRADESCOPE_LIMIT_S = 600
"""Gradescope kills a run after this long (its default), with no results.json."""
RUN_BOUND_S = 300
"""Each run here must end with a results.json within half of Gradescope's limit."""

METADATA = {
    "id": 123456789,
    "created_at": "2026-12-07T21:00:00.000000-08:00",
    "assignment": {
        "id": 4242,
        "course_id": 77,
        "title": "02 Dyna",
        "release_date": "2026-11-30T09:00:00.000000-08:00",
        "due_date": "2026-12-14T23:59:00.000000-08:00",
        "late_due_date": None,
        "group_submission": False,
        "group_size": None,
        "total_points": "42.0",
    },
    "submission_method": "upload",
    "users": [{"email": "student@example.edu", "id": 5150, "name": "A Student"}],
    "previous_submissions": [
        {
            "submission_time": "2026-12-06T18:00:00.000000-08:00",
            "score": 0.0,
            "results": {"score": 0.0, "output": "Status: graded.", "tests": []},
        }
    ],
}
"""``/autograder/submission_metadata.json`` as Gradescope writes it (its documented fields)."""

TOP_LEVEL_KEYS = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
TEST_KEYS = {
    "score",
    "max_score",
    "status",
    "name",
    "name_format",
    "number",
    "output",
    "output_format",
    "tags",
    "visibility",
    "extra_data",
}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}
STATUSES = {"passed", "failed"}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def gradescope_problems(text: str) -> list[str]:
    """What in a results.json text breaks Gradescope's documented format (nothing: ``[]``).

    Beyond the documented types and values: test names and numbers are unique, every test
    says passed or failed and carries score, max_score, number, output_format and visibility,
    the top level carries its score and execution_time, and the tests' scores add up to it.
    """
    try:
        data = json.loads(text)
    except ValueError as e:
        return [f"not JSON (print output mixed in?): {e}"]
    if not isinstance(data, dict):
        return ["the top level is not an object"]
    found = [f"unknown top-level key {k!r}" for k in sorted(set(data) - TOP_LEVEL_KEYS)]
    for key in ("score", "execution_time"):
        if not _number(data.get(key)):
            found.append(f"{key} is not a number: {data.get(key)!r}")
    for key in ("output",):
        if key in data and not isinstance(data[key], str):
            found.append(f"{key} is not a string")
    for key in ("output_format", "test_output_format", "test_name_format"):
        if key in data and data[key] not in OUTPUT_FORMATS:
            found.append(f"{key} {data[key]!r} is not one of {sorted(OUTPUT_FORMATS)}")
    for key in ("visibility", "stdout_visibility"):
        if key in data and data[key] not in VISIBILITIES:
            found.append(f"{key} {data[key]!r} is not one of {sorted(VISIBILITIES)}")
    if "extra_data" in data and not isinstance(data["extra_data"], dict):
        found.append("extra_data is not an object")
    tests = data.get("tests")
    if not isinstance(tests, list):
        return [*found, "tests is not a list"]
    for i, test in enumerate(tests):
        found += [f"test {i}: {p}" for p in _test_problems(test)]
    names = [t.get("name") for t in tests if isinstance(t, dict)]
    numbers = [t.get("number") for t in tests if isinstance(t, dict)]
    if len(set(names)) != len(names):
        found.append("test names are not unique")
    if len(set(numbers)) != len(numbers):
        found.append("test numbers are not unique")
    total = sum(t["score"] for t in tests if isinstance(t, dict) and _number(t.get("score")))
    if _number(data.get("score")) and abs(total - data["score"]) > 1e-9:
        found.append(f"the tests' scores add up to {total}, not to score {data['score']}")
    return found


def _test_problems(test: Any) -> list[str]:
    """What is wrong with one entry of ``tests`` (see :func:`gradescope_problems`)."""
    if not isinstance(test, dict):
        return ["not an object"]
    found = [f"unknown key {k!r}" for k in sorted(set(test) - TEST_KEYS)]
    for key in ("score", "max_score"):
        if not _number(test.get(key)):
            found.append(f"{key} is not a number: {test.get(key)!r}")
    for key in ("name", "number", "output"):
        if not isinstance(test.get(key), str) or not test[key]:
            found.append(f"{key} is missing or not a non-empty string")
    if test.get("status") not in STATUSES:
        found.append(f"status {test.get('status')!r} is not passed or failed")
    if test.get("output_format") not in OUTPUT_FORMATS:
        found.append(f"output_format {test.get('output_format')!r} is not allowed")
    if test.get("visibility") not in VISIBILITIES:
        found.append(f"visibility {test.get('visibility')!r} is not allowed")
    tags = test.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        found.append("tags is not a list of strings")
    if "extra_data" in test and not isinstance(test["extra_data"], dict):
        found.append("extra_data is not an object")
    if not found:
        full = test["score"] == test["max_score"]
        if test["status"] == "passed" and not full:
            found.append(f"passed with {test['score']} of {test['max_score']} points")
        if test["status"] == "failed" and test["max_score"] > 0 and full:
            found.append("failed with full points")
        if test["status"] == "failed" and test["output"].strip().lower().startswith("passed"):
            found.append("a failed test whose output says it passed")
    return found


# ------------------------------------------------------------------------------ the clean image


def environment_requirements(zip_path: Path) -> tuple[str, list[str]]:
    """``(python version, pip requirements)`` that the zip's environment.yml asks setup.sh for.

    Conda packages other than python and pip are installed from pip under the same name.
    """
    with zipfile.ZipFile(zip_path) as zf:
        env = yaml.safe_load(zf.read("environment.yml"))
    python, reqs = "", []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            reqs += [str(r) for r in dep["pip"]]
            continue
        name, _, version = str(dep).partition("=")
        if name == "python":
            python = version
        elif name != "pip":
            reqs.append(f"{name}=={version}" if version else name)
    return python, reqs


@pytest.fixture(scope="session")
def fresh_environment(run_shared: Path) -> Callable[[Path], Path]:
    """``fresh_environment(zip)``: a venv with exactly what the zip's environment.yml pins.

    Built once per test run for each distinct requirement list, under a lock, and shared by all
    xdist workers (read-only: images hard-link copies of it).
    """

    def make(zip_path: Path) -> Path:
        python, reqs = environment_requirements(zip_path)
        key = hashlib.sha256("\n".join([python, *reqs]).encode()).hexdigest()[:16]
        venv, done = run_shared / f"gs-env-{key}", run_shared / f"gs-env-{key}.done"
        with open(run_shared / f"gs-env-{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.is_file():
                shutil.rmtree(venv, ignore_errors=True)
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
                py = venv / "bin" / "python"
                version = subprocess.run(
                    [str(py), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
                assert version == python, f"environment.yml pins python {python}, have {version}"
                # --no-compile: modules are byte-compiled at first import instead (same install)
                pip = subprocess.run(
                    [str(py), "-m", "pip", "install", "-q", "--no-compile", *reqs],
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
                assert pip.returncode == 0, pip.stderr[-3000:]
                done.write_text("\n".join(reqs))
        return venv

    return make


@dataclass
class Run:
    """One submission graded by ``run_autograder``: results.json's text, its data, the time."""

    text: str
    data: dict[str, Any]
    seconds: float
    log: str

    def failed(self) -> set[str]:
        """The ``question:test`` keys of the failed tests (from each test's ``extra_data``)."""
        return {t["extra_data"]["test"] for t in self.data["tests"] if t["status"] == "failed"}


@dataclass
class Image:
    """A built autograder image: its environment's python and its ``/autograder`` folder."""

    root: Path
    python: Path
    home: Path

    def submit(
        self,
        upload: Path | dict[str, bytes],
        *,
        otter_grade: bool = False,
        timeout: float = RUN_BOUND_S,
    ) -> Run:
        """Grade ``upload`` (a notebook, a folder of files, or ``{name: bytes}``) as Gradescope does.

        ``otter_grade``: an empty results/results.pkl is present first, as `otter grade` arranges.
        """
        for sub in ("submission", "results"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
            (self.root / sub).mkdir()
        submission = self.root / "submission"
        if isinstance(upload, dict):
            for name, data in upload.items():
                (submission / name).parent.mkdir(parents=True, exist_ok=True)
                (submission / name).write_bytes(data)
        elif upload.is_dir():
            shutil.copytree(upload, submission, dirs_exist_ok=True)
        else:
            shutil.copyfile(upload, submission / upload.name)
        (self.root / "submission_metadata.json").write_text(json.dumps(METADATA, indent=2))
        if otter_grade:
            (self.root / "results" / "results.pkl").write_bytes(b"")
        env = {
            "PATH": f"{self.python.parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "AUTOGRADER_ROOT": str(self.root),
            "MBRL_AUTOGRADER_PYTHON": str(self.python),
        }
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [str(self.root / "run_autograder")],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # on timeout, stop the grader and its worker with it
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(
                f"no results.json within {timeout:.0f} s (Gradescope stops at "
                f"{GRADESCOPE_LIMIT_S} s and shows 'The autograder failed to execute correctly')"
            )
        seconds = time.monotonic() - t0
        log = f"rc={proc.returncode}\n{stdout[-3000:]}\n{stderr[-3000:]}"
        results = self.root / "results" / "results.json"
        assert results.is_file(), f"no results.json\n{log}"
        text = results.read_text()
        if not otter_grade:  # otter's own results.json is otter's business
            problems = gradescope_problems(text)
            assert problems == [], f"{problems}\n{text[:3000]}"
        return Run(text, json.loads(text), seconds, log)


def setup_runs_grading_step(setup_sh: str) -> bool:
    """Whether setup.sh runs setup_grading.sh in otter-env after creating it."""
    lines = setup_sh.splitlines()
    create = [i for i, line in enumerate(lines) if "mamba env create" in line]
    step = [
        i
        for i, line in enumerate(lines)
        if "setup_grading.sh" in line
        and "-n otter-env" in line
        and not line.lstrip().startswith("#")
    ]
    return bool(create and step and create[0] < step[0])


def build_image(
    zip_path: Path, where: Path, environment: Path, *, grading_step: bool = True
) -> Image:
    """Build an image of ``zip_path`` in ``where``: copy of the environment, unpacked zip, setup.

    The setup runs what setup.sh runs after the conda environment exists: setup_grading.sh
    (skipped when setup.sh has no such step, as in zips built before it existed, or when
    ``grading_step`` is false).
    """
    env = where / "env"
    subprocess.run(["cp", "-al", str(environment), str(env)], check=True)
    root = where / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    for name in ("run_autograder", "setup.sh", "setup_grading.sh"):  # zip modes, as unzip keeps
        if (root / "source" / name).is_file():
            (root / "source" / name).chmod(0o755)
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    home = where / "home"
    home.mkdir()
    python = env / "bin" / "python"
    setup_sh = (root / "source" / "setup.sh").read_text()
    if grading_step and setup_runs_grading_step(setup_sh):
        setup = subprocess.run(
            ["bash", str(root / "source" / "setup_grading.sh"), str(python)],
            cwd="/",
            env={"PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert setup.returncode == 0, setup.stdout + setup.stderr
    return Image(root=root, python=python, home=home)


@pytest.fixture(scope="session")
def image_of(
    tmp_path_factory: pytest.TempPathFactory, fresh_environment: Callable[[Path], Path]
) -> Callable[[Path], Image]:
    """``image_of(zip)``: that zip's clean image, built once per xdist worker (runs reuse it)."""
    cache: dict[Path, Image] = {}

    def get(zip_path: Path) -> Image:
        if zip_path not in cache:
            where = tmp_path_factory.mktemp(f"image-{zip_path.stem}")
            cache[zip_path] = build_image(zip_path, where, fresh_environment(zip_path))
        return cache[zip_path]

    return get


def scores(results: dict) -> tuple[float, float]:
    """(score, possible) of a Gradescope results.json."""
    return float(results["score"]), float(sum(t["max_score"] for t in results["tests"]))


# ------------------------------------------------------------------------ 02_dyna, as uploaded


@pytest.fixture(scope="module")
def dyna(image_of: Callable[[Path], Image]) -> Image:
    """The committed 02_dyna zip's image."""
    return image_of(DYNA_ZIP)


def dyna_expected(sample: str) -> dict[str, Any]:
    """What samples/02_dyna/expected.json says the sample earns."""
    return json.loads((DYNA_SAMPLES / "expected.json").read_text())["samples"][sample]


def hanging_notebook() -> bytes:
    """The correct chapter-style sample with a ``run_episodes`` whose ``while not done:`` never ends."""
    nb = json.loads((DYNA_SAMPLES / "correct_chapter_style.ipynb").read_text())
    (cell,) = [c for c in nb["cells"] if "def run_episodes" in "".join(c["source"])]
    source = "".join(cell["source"])
    hung = source.replace("while not done and steps < max_steps:", "while not done:").replace(
        "            done = terminated or truncated\n", ""
    )
    assert hung != source and "done = terminated" not in hung
    cell["source"] = hung
    return json.dumps(nb).encode()


def test_setup_sh_installs_the_grading_packages_after_the_environment() -> None:
    """The committed zip's setup.sh runs setup_grading.sh in otter-env once it is created."""
    with zipfile.ZipFile(DYNA_ZIP) as zf:
        setup_sh = zf.read("setup.sh").decode()
        names = set(zf.namelist())
    assert "setup_grading.sh" in names
    assert setup_runs_grading_step(setup_sh), setup_sh[-1500:]


@pytest.mark.slow
def test_dyna_correct_upload_earns_full_marks_in_a_clean_image(dyna: Image) -> None:
    """A correct notebook (written in the chapter's style) earns 42/42, every test passed."""
    run = dyna.submit(DYNA_SAMPLES / "correct_chapter_style.ipynb")
    assert scores(run.data) == (42.0, 42.0), run.text[:3000]
    assert run.data["output"] == "Status: graded."
    assert {t["status"] for t in run.data["tests"]} == {"passed"}
    hidden = {t["visibility"] for t in run.data["tests"] if t["visibility"] != "visible"}
    assert hidden == {"after_published"}  # the default: students see them once published
    assert run.data["execution_time"] <= run.seconds + 1


@pytest.mark.slow
def test_dyna_buggy_upload_loses_exactly_its_bugs(dyna: Image) -> None:
    """A buggy select_action fails the corpus's expected tests, with messages, and nothing else."""
    sample = "bug_epsilon_hardcoded.ipynb"
    run = dyna.submit(DYNA_SAMPLES / sample)
    assert run.failed() == set(dyna_expected(sample)["fails"]), run.text[:3000]
    assert 0 < run.data["score"] < 42
    for test in run.data["tests"]:
        if test["status"] == "failed":
            assert test["output"] and "Traceback" not in test["output"], test


@pytest.mark.slow
def test_dyna_blank_upload_earns_nothing(dyna: Image) -> None:
    """The untouched student notebook is graded: every test listed, none passed, 0 points."""
    run = dyna.submit(REPO / "assignments" / DYNA / f"{DYNA}.ipynb")
    assert scores(run.data) == (0.0, 42.0)
    assert run.data["output"].startswith("Status: graded.")
    graded = [t for t in run.data["tests"] if t["max_score"] > 0]
    assert graded and {t["status"] for t in graded} == {"failed"}


@pytest.mark.slow
def test_dyna_malformed_upload_is_invalid(dyna: Image) -> None:
    """A truncated notebook gets status invalid, 0 points and a reason, in a valid results.json."""
    run = dyna.submit(DYNA_SAMPLES / "invalid_json.ipynb")
    assert run.data["score"] == 0.0 and run.data["tests"] == []
    assert run.data["output"].startswith("Status: invalid.")
    assert "invalid_json.ipynb" in run.data["output"]


@pytest.mark.slow
def test_dyna_ambiguous_upload_names_both_notebooks(dyna: Image) -> None:
    """Two different notebooks of the assignment are refused, naming both, with no score."""
    upload = {
        "solution.ipynb": (DYNA_SAMPLES / "correct_chapter_style.ipynb").read_bytes(),
        "blank.ipynb": (REPO / "assignments" / DYNA / f"{DYNA}.ipynb").read_bytes(),
    }
    run = dyna.submit(upload)
    assert run.data["score"] == 0.0 and run.data["tests"] == []
    assert run.data["output"].startswith("Status: invalid. ambiguous upload")
    assert "blank.ipynb, solution.ipynb" in run.data["output"]


@pytest.mark.slow
def test_dyna_hanging_upload_costs_only_its_question(dyna: Image) -> None:
    """An endless episode loop in run_episodes loses q1_3's points only, and the run ends in time.

    Every other question is still graded and passes (30 of 42 points).
    """
    run = dyna.submit({f"{DYNA}.ipynb": hanging_notebook()})
    lost = {
        t["extra_data"]["test"].split(":")[0] for t in run.data["tests"] if t["status"] == "failed"
    }
    others = [
        (t["extra_data"]["test"], t["output"][:300])
        for t in run.data["tests"]
        if t["status"] == "failed" and not t["extra_data"]["test"].startswith("q1_3:")
    ]  # what the other questions said, in full: the message a regression needs
    assert lost == {"q1_3"}, f"{run.seconds:.0f} s; {run.data['output']}\n{others}"
    assert scores(run.data) == (30.0, 42.0)


@pytest.mark.slow
def test_image_without_the_grading_step_still_answers(
    tmp_path: Path, fresh_environment: Callable[[Path], Path]
) -> None:
    """If setup_grading.sh never ran, the student still gets a valid results.json saying why."""
    image = build_image(DYNA_ZIP, tmp_path, fresh_environment(DYNA_ZIP), grading_step=False)
    run = image.submit(DYNA_SAMPLES / "correct_chapter_style.ipynb")
    assert run.data["score"] == 0.0 and run.data["tests"] == []
    assert run.data["output"].startswith("Status: error. The autograder itself failed"), run.log
    assert "No module named 'mbrl_grader'" in run.log


# ------------------------------------------------------------- the tiny fixture and every zip


@pytest.fixture
def tiny(tiny_build: Layout, image_of: Callable[[Path], Image]) -> Image:
    """The tiny fixture master's zip (built once per session) in its clean image."""
    return image_of(tiny_build.autograder / FIXTURE / f"{FIXTURE}-autograder.zip")


@pytest.mark.slow
def test_fixture_zip_grades_solution_and_blank_with_trusted_runner(
    tiny_build: Layout, tiny: Image
) -> None:
    """Through run_autograder, the fixture solution earns 5/5 and the blank student notebook 0."""
    solution = tiny_build.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    blank = tiny_build.assignments / FIXTURE / f"{FIXTURE}.ipynb"
    assert scores(tiny.submit(solution).data) == (5, 5)
    assert scores(tiny.submit(blank).data)[0] == 0


@pytest.mark.slow
def test_fixture_zip_under_otter_grade_uses_otters_runner(tiny_build: Layout, tiny: Image) -> None:
    """When `otter grade` runs the zip (results.pkl present), otter's own grading gives 5/5."""
    solution = tiny_build.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    run = tiny.submit(solution, otter_grade=True)
    graded = [t for t in run.data["tests"] if "max_score" in t]  # otter adds a summary entry
    earned = (sum(t["score"] for t in graded), sum(t["max_score"] for t in graded))
    assert earned == (5, 5), run.text[:2000] + run.log
    assert (tiny.root / "results" / "results.pkl").stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_MASTERS or [None])
def test_committed_zip_grades_the_solution_in_full(
    name: str | None, image_of: Callable[[Path], Image]
) -> None:
    """Each committed autograder zip gives its own solution notebook full marks in a clean image."""
    if name is None:  # no masters yet
        assert not list(REAL.autograder.glob("*/*-autograder.zip"))
        return
    from mbrl_course.validate import expected_possible

    ag = REAL.autograder / name
    results = image_of(ag / f"{name}-autograder.zip").submit(ag / f"{name}.ipynb").data
    possible = expected_possible(ag)
    assert scores(results) == (possible, possible), json.dumps(results, indent=1)[:4000]


def test_build_keeps_demo_tags_in_both_notebooks(tiny_build: Layout) -> None:
    """otter assign and the build's normalisation keep a master cell's `demo` tag for the runner."""
    from mbrl_grader.runner import demo_cells

    for folder in (tiny_build.assignments, tiny_build.autograder):
        nb = folder / FIXTURE / f"{FIXTURE}.ipynb"
        (index,) = demo_cells(nb)
        source = json.loads(nb.read_text())["cells"][index]["source"]
        assert "double(21)" in "".join(source)


@pytest.mark.slow
def test_zip_skips_demo_cells(tiny_build: Layout, tiny: Image) -> None:
    """Through run_autograder, a tagged demo cell that would hang is skipped: full marks at once."""
    solution = tiny_build.autograder / FIXTURE / f"{FIXTURE}.ipynb"
    nb = json.loads(solution.read_text())
    for cell in nb["cells"]:
        if "demo" in cell["metadata"].get("tags", []):
            cell["source"] = "while True:\n    pass\n"
    results = tiny.submit({f"{FIXTURE}.ipynb": json.dumps(nb).encode()}).data
    assert scores(results) == (5, 5) and results["output"].startswith("Status: graded.")
    assert "time limit" not in results["output"], results["output"]


@pytest.mark.slow
def test_zip_ships_the_visibility_option_and_applies_it(tiny_build: Layout, tiny: Image) -> None:
    """The master's `mbrl: hidden_visibility` reaches the zip and the hidden tests' visibility."""
    zip_path = tiny_build.autograder / FIXTURE / f"{FIXTURE}-autograder.zip"
    with zipfile.ZipFile(zip_path) as zf:
        shipped = json.loads(zf.read("mbrl_grading.json"))
        otter_config = json.loads(zf.read("otter_config.json"))
    assert shipped == {"assignment_name": FIXTURE, "hidden_visibility": "after_due_date"}
    assert "mbrl" not in otter_config
    results = tiny.submit(tiny_build.autograder / FIXTURE / f"{FIXTURE}.ipynb").data
    visibility = {t["name"]: t["visibility"] for t in results["tests"]}
    assert visibility == {
        "q1 - 1": "visible",
        "q1 - 2": "after_due_date",
        "q2 - 1": "visible",
        "q2 - 2": "after_due_date",
    }


@pytest.mark.slow
def test_zip_grades_the_assignments_notebook_among_others(
    tiny_build: Layout, tiny: Image, tmp_path: Path
) -> None:
    """An upload with another assignment's notebook first by name grades the right one in full."""
    upload = tmp_path / "upload"
    (upload / "sub").mkdir(parents=True)
    other = json.loads((tiny_build.assignments / FIXTURE / f"{FIXTURE}.ipynb").read_text())
    other["metadata"]["otter"]["assignment_name"] = "01_model_learning"
    (upload / "00_aaa_first.ipynb").write_text(json.dumps(other))
    shutil.copyfile(
        tiny_build.autograder / FIXTURE / f"{FIXTURE}.ipynb", upload / "sub" / "mine.ipynb"
    )
    results = tiny.submit(upload).data
    assert scores(results) == (5, 5) and results["output"].startswith("Status: graded.")
    assert "otter assignment metadata" not in results["output"]  # chosen by its metadata


def test_results_format_check_catches_what_gradescope_refuses() -> None:
    """The format check refuses print output mixed in, bad values, duplicates and wrong sums."""
    good = {
        "score": 1.0,
        "execution_time": 3,
        "output": "Status: graded.",
        "tests": [
            {
                "name": "q1 - 1",
                "number": "1.1",
                "score": 1.0,
                "max_score": 1.0,
                "status": "passed",
                "output": "Passed.",
                "output_format": "text",
                "visibility": "visible",
            }
        ],
    }
    assert gradescope_problems(json.dumps(good)) == []
    assert gradescope_problems("grading...\n" + json.dumps(good))[0].startswith("not JSON")
    bad = json.loads(json.dumps(good))
    bad["tests"].append(dict(bad["tests"][0], visibility="students", status="ok"))
    problems = gradescope_problems(json.dumps(bad))
    assert "test 1: status 'ok' is not passed or failed" in problems
    assert "test 1: visibility 'students' is not allowed" in problems
    assert "test names are not unique" in problems
    assert "the tests' scores add up to 2.0, not to score 1.0" in problems
    failed = json.loads(json.dumps(good))
    failed["tests"][0].update(score=0.0, status="failed")
    assert gradescope_problems(json.dumps(failed)) == [
        "test 0: a failed test whose output says it passed",
        "the tests' scores add up to 0.0, not to score 1.0",
    ]
