"""The student folder: setup cell, README, requirements, folder zip, renamed notebooks, Colab."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from mbrl_course.build.autograder_zip import ZIP_DATE_TIME
from mbrl_course.build import student_folder as sf
from mbrl_course.course import Layout

REPO = Path(__file__).resolve().parents[3]
AG_REQUIREMENTS = (REPO / "src" / "mbrl_grader" / "requirements.txt").read_text()
NAMES = sorted(p.parent.name for p in (REPO / "solutions").glob("*/*.ipynb"))


def setup_source(name: str = "01_model_learning", zip_url: str = "", **required: str) -> str:
    """The setup cell's code, optionally with other minimum versions."""
    source = sf.setup_cell_source(name, AG_REQUIREMENTS, sf.CourseSettings(zip_url=zip_url))
    if required:
        source = source.replace("REQUIRED = {", f"REQUIRED = {required!r} or {{", 1)
    return source


def run_cell(
    source: str, cwd: Path, colab: bool = False, python: str = sys.executable
) -> subprocess.CompletedProcess:
    """Run a setup cell as a script in `cwd` (optionally with a fake google.colab importable)."""
    env = dict(os.environ)
    env.pop("JPY_SESSION_NAME", None)
    prelude = ""
    if colab:
        fake = cwd.parent / "fake-colab"
        (fake / "google" / "colab").mkdir(parents=True, exist_ok=True)
        (fake / "google" / "__init__.py").write_text("")
        (fake / "google" / "colab" / "__init__.py").write_text("")
        prelude = f"import sys; sys.path.insert(0, {str(fake)!r}); import google.colab\n"
    return subprocess.run(
        [python, "-c", prelude + source],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_requirements_are_the_autograders_versions_as_compatible_ranges() -> None:
    """Each autograder pin becomes >=pin,<next major; otter-grader stays pinned."""
    text = sf.student_requirements("numpy==2.4.6\n# comment\nmatplotlib==3.11.2\n")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert lines == ["otter-grader==7.0.0", "matplotlib>=3.11.2,<4", "numpy>=2.4.6,<3"]


@pytest.mark.parametrize("name", NAMES)
def test_every_student_folder_has_readme_requirements_and_a_setup_cell(name: str) -> None:
    """The committed student folders carry a README, requirements and the setup cell."""
    folder = REPO / "assignments" / name
    readme = (folder / "README.md").read_text()
    assert "pip install -r requirements.txt" in readme and "Colab" in readme
    assert "Python 3.11" in readme
    reqs = (folder / "requirements.txt").read_text()
    assert reqs == sf.student_requirements(AG_REQUIREMENTS)
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("# Setup: run this cell first.")
    assert f'otter.Notebook("{name}.ipynb")' not in "\n".join(code)
    assert "export_notebook(grader, ASSIGNMENT" in code[-1]


@pytest.mark.parametrize("name", NAMES)
def test_folder_zip_holds_exactly_the_student_folder(name: str) -> None:
    """assignments/NAME.zip packs the student folder under NAME/ and nothing else."""
    folder = REPO / "assignments" / name
    with zipfile.ZipFile(REPO / "assignments" / f"{name}.zip") as zf:
        names = zf.namelist()
        assert {i.date_time for i in zf.infolist()} == {ZIP_DATE_TIME}
    expected = sorted(
        f"{name}/{p.relative_to(folder).as_posix()}"
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert names == expected


def test_setup_cell_says_what_to_install_when_the_folder_is_missing(tmp_path: Path) -> None:
    """A notebook without its folder stops with one message naming the install command."""
    res = run_cell(setup_source(), tmp_path)
    assert res.returncode != 0
    assert "Setup problem: The assignment folder" in res.stderr
    assert "pip install -r requirements.txt" in res.stderr and "Traceback" not in res.stderr


def test_setup_cell_names_a_package_that_is_too_old(tmp_path: Path) -> None:
    """An installed but too old package is named with the version needed."""
    shutil.copytree(REPO / "assignments" / "01_model_learning", tmp_path / "a")
    res = run_cell(setup_source(numpy="999.0"), tmp_path / "a")
    assert "The package numpy is too old" in res.stderr and "999.0 or newer" in res.stderr


@pytest.mark.slow
def test_setup_cell_starts_the_checker_in_a_complete_folder(tmp_path: Path) -> None:
    """With the folder and the packages present, the setup cell prints Setup OK."""
    shutil.copytree(REPO / "assignments" / "01_model_learning", tmp_path / "a")
    res = run_cell(setup_source(), tmp_path / "a")
    assert res.returncode == 0, res.stderr
    assert "Setup OK: checks and export are ready." in res.stdout


@pytest.fixture
def zip_server(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server (127.0.0.1, random port) serving the committed folder zips."""
    served = tmp_path / "served"
    served.mkdir()
    for z in (REPO / "assignments").glob("*.zip"):
        shutil.copy(z, served / z.name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{{name}}.zip"
    finally:
        httpd.shutdown()
        httpd.server_close()


def check_colab_path(tmp_path: Path, zip_server: str, python: str = sys.executable) -> None:
    """On Colab the cell prints the one command (with the course's zip URL); after it, Setup OK."""
    name = "02_dyna"
    content = tmp_path / "content"
    content.mkdir(parents=True)
    source = setup_source(name, zip_url=zip_server)
    first = run_cell(source, content, colab=True, python=python)
    url = zip_server.replace("{name}", name)
    assert f"!curl -sL {url} -o {name}.zip" in first.stderr
    assert f"pip install -q -r {name}/requirements.txt" in first.stderr
    # what the printed command does (curl + unzip; the packages are installed here already)
    with urllib.request.urlopen(url, timeout=30) as response:
        (content / f"{name}.zip").write_bytes(response.read())
    with zipfile.ZipFile(content / f"{name}.zip") as zf:
        zf.extractall(content)
    again = run_cell(source, content, colab=True, python=python)
    assert again.returncode == 0, again.stderr
    assert "Setup OK" in again.stdout


@pytest.mark.slow
def test_colab_path_fetches_the_posted_zip_and_then_starts(tmp_path: Path, zip_server: str) -> None:
    """On Colab the cell prints the one command (with the course's zip URL); after it, Setup OK."""
    check_colab_path(tmp_path, zip_server)


def test_colab_without_a_posted_zip_says_to_upload_it(tmp_path: Path) -> None:
    """Without a configured URL the Colab message says to upload the zip from the course page."""
    res = run_cell(setup_source("03_model_errors"), tmp_path, colab=True)
    assert (
        "upload 03_model_errors.zip" in res.stderr
        and "!unzip -qo 03_model_errors.zip" in res.stderr
    )


def test_course_settings_are_read_and_checked(tmp_path: Path) -> None:
    """course.toml's zip_url reaches the setup cell; a misspelt key is an error."""
    (tmp_path / "course.toml").write_text('[student]\nzip_url = "https://x.test/{name}.zip"\n')
    assert sf.read_settings(tmp_path).zip_url_for("02_dyna") == "https://x.test/02_dyna.zip"
    (tmp_path / "course.toml").write_text('[student]\nzip_ulr = "x"\n')
    with pytest.raises(ValueError, match="unknown setting"):
        sf.read_settings(tmp_path)
    assert sf.read_settings(tmp_path / "nowhere") == sf.CourseSettings()


def test_build_puts_the_zip_url_setting_into_the_notebook(
    tiny_build: Layout, tmp_path: Path
) -> None:
    """A course.toml next to the masters changes the generated setup cell (a course setting)."""
    from mbrl_course import build

    root = tmp_path / "course"
    shutil.copytree(tiny_build.solutions, root / "solutions")
    (root / "course.toml").write_text('[student]\nzip_url = "https://c.test/{name}.zip"\n')
    layout = Layout(root=root, src=tiny_build.src)
    build.build(layout)
    nb = json.loads((root / "assignments" / "00_tiny" / "00_tiny.ipynb").read_text())
    assert "https://c.test/00_tiny.zip" in "".join(nb["cells"][0]["source"])


@pytest.mark.slow
def test_fresh_venv_runs_every_notebook_from_the_student_folder_alone(
    tmp_path: Path, zip_server: str
) -> None:
    """Install the student requirements into a fresh venv, copy only the student folder, and run
    the untouched notebook and a filled-in copy under a new name next to it, headless (check and
    export included: the export finds the copy); the Colab setup path works in that venv too."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    reqs = REPO / "assignments" / NAMES[0] / "requirements.txt"
    # --no-compile: modules are byte-compiled when first imported instead of all at install
    # time (a third of pip's time here); what gets installed is the same
    install = subprocess.run(
        [
            *(str(py), "-m", "pip", "install", "-q", "--no-compile"),
            *("-r", str(reqs), "nbclient", "ipykernel"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    check_colab_path(tmp_path / "colab", zip_server, python=str(py))
    runner = tmp_path / "run_nb.py"
    runner.write_text(
        "import os, sys, nbformat\nfrom nbclient import NotebookClient\n"
        "path = sys.argv[1]\nnb = nbformat.read(path, as_version=4)\n"
        "NotebookClient(nb, timeout=600, kernel_name='python3',"
        " resources={'metadata': {'path': os.path.dirname(path)}}).execute()\n"
        "print(nb.cells[0].outputs[0].get('text', ''))\n"
    )
    for name in NAMES:
        folder = tmp_path / name
        shutil.copytree(REPO / "assignments" / name, folder)
        untouched = subprocess.run(
            [str(py), str(runner), str(folder / f"{name}.ipynb")],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "MPLBACKEND": "Agg", "MBRL_STATIC": "1"},
        )
        assert untouched.returncode == 0, untouched.stderr[-3000:]
        assert "Setup OK" in untouched.stdout
    name = NAMES[0]  # the quickest to run in full; any notebook would do
    folder = tmp_path / name
    renamed = folder / f"{name} (1).ipynb"
    shutil.copyfile(REPO / "autograder" / name / f"{name}.ipynb", renamed)
    filled = subprocess.run(
        [str(py), str(runner), str(renamed)],
        capture_output=True,
        text=True,
        timeout=900,
        env={  # headless, no session name: the export finds the copy among two notebooks
            **{k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"},
            "MPLBACKEND": "Agg",
            "MBRL_STATIC": "1",
        },
    )
    assert filled.returncode == 0, filled.stderr[-3000:]
    exports = sorted(folder.glob(f"{name} (1)_*.zip"))
    assert len(exports) == 1, sorted(p.name for p in folder.iterdir())
    with zipfile.ZipFile(exports[0]) as zf:
        assert renamed.name in zf.namelist()


def _notebook(path: Path, assignment: str | None, *cells: str) -> Path:
    """Write a notebook with the given code cells and (optionally) otter's assignment name."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    if assignment:
        nb.metadata["otter"] = {"assignment_name": assignment}
    nbformat.write(nb, path)
    return path


def test_find_notebook_picks_the_copy_whose_cells_the_kernel_ran(tmp_path: Path, monkeypatch):
    """Several notebooks: another assignment is ignored, the copy holding the run cells is chosen."""
    from mbrl_envs.submit import find_notebook, unsaved_work

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    _notebook(tmp_path / "other.ipynb", "02_dyna", "x = 1")
    _notebook(tmp_path / "01_model_learning.ipynb", "01_model_learning", "setup()", "x = ...")
    mine = _notebook(tmp_path / "mine (1).ipynb", "01_model_learning", "setup()", "x = 42")
    path, note = find_notebook("01_model_learning", tmp_path, inputs=["setup()", "x = 42"])
    assert path == mine and "2 notebooks of 01_model_learning" in note and "mine (1)" in note
    assert unsaved_work(mine, ["setup()", "x = 42"]) == []
    assert unsaved_work(mine, ["setup()", "x = 43\n"]) == ["x = 43"]
    lone, note = find_notebook("02_dyna", tmp_path, inputs=[])
    assert lone == tmp_path / "other.ipynb" and note == ""
    none, why = find_notebook("04_modern_methods", tmp_path, inputs=[])
    assert none is None and "no notebook of 04_modern_methods" in why and "other.ipynb" in why


def test_find_notebook_trusts_a_hint_only_for_an_existing_notebook_of_the_assignment(
    tmp_path: Path, monkeypatch
) -> None:
    """JPY_SESSION_NAME wins when it names this assignment's notebook; a stale name is ignored."""
    from mbrl_envs.submit import find_notebook

    a = _notebook(tmp_path / "a.ipynb", "01_model_learning", "x = 1")
    _notebook(tmp_path / "b.ipynb", "01_model_learning", "x = 2")
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "sub" / "a.ipynb"))
    assert find_notebook("01_model_learning", tmp_path, inputs=["x = 2"]) == (a, "")
    monkeypatch.setenv("JPY_SESSION_NAME", "/gone/renamed.ipynb")
    path, note = find_notebook("01_model_learning", tmp_path, inputs=["x = 2"])
    assert path == tmp_path / "b.ipynb" and "b.ipynb" in note


def _execute(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """Run a notebook headless with nbclient in `folder` (no JPY_SESSION_NAME, static figures)."""
    from nbclient import NotebookClient

    env_before = {k: os.environ.pop(k, None) for k in ("JPY_SESSION_NAME",)}
    os.environ["MBRL_STATIC"] = "1"
    try:
        NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        ).execute()
    finally:
        for key, value in env_before.items():
            if value is not None:
                os.environ[key] = value
    return nb


def _last_output(nb: nbformat.NotebookNode) -> str:
    """The printed text of the notebook's last code cell."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    return "".join(o.get("text", "") for o in code[-1].outputs if o.get("output_type") == "stream")


def test_run_all_before_saving_warns_that_the_saved_file_is_older(
    tiny_build: Layout, tmp_path: Path
) -> None:
    """Run All on an edited notebook that was not saved (nbclient runs the in-memory notebook):
    the export warns that the saved file lacks a cell the kernel ran, and still writes the zip."""
    folder = tmp_path / "00_tiny"
    shutil.copytree(tiny_build.assignments / "00_tiny", folder)
    filled = folder / "00_tiny (1).ipynb"
    shutil.copyfile(tiny_build.autograder / "00_tiny" / "00_tiny.ipynb", filled)
    edited = nbformat.read(filled, as_version=4)
    cell = next(c for c in edited.cells if c.cell_type == "code" and "def double" in c.source)
    cell.source = cell.source.replace('"""Return twice x."""', '"""Twice x (edited)."""')
    out = _last_output(_execute(edited, folder))
    assert "exporting 00_tiny (1).ipynb" in out, out
    assert "Warning: the saved file 00_tiny (1).ipynb is older than this kernel's work" in out
    assert "1 cell(s) you ran are not in it" in out and "def double(x):" in out, out
    zips = sorted(folder.glob("00_tiny (1)_*.zip"))
    assert len(zips) == 1 and filled.name in zipfile.ZipFile(zips[0]).namelist()


def test_nbconvert_execute_inplace_writes_the_notebook_and_the_zip(
    tiny_build: Layout, tmp_path: Path
) -> None:
    """`jupyter nbconvert --execute --inplace`, no session name, two notebooks of the assignment in
    the folder: the export cell finds the one that ran, zips it, and the notebook is written."""
    folder = tmp_path / "00_tiny"
    shutil.copytree(tiny_build.assignments / "00_tiny", folder)
    shutil.copyfile(tiny_build.autograder / "00_tiny" / "00_tiny.ipynb", folder / "done.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    res = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "notebook"]
        + ["--execute", "--inplace", "done.ipynb"],
        cwd=folder,
        env={**env, "MBRL_STATIC": "1", "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    nb = nbformat.read(folder / "done.ipynb", as_version=4)
    out = _last_output(nb)
    assert "exporting done.ipynb" in out and "is older than" not in out, out
    zips = list(folder.glob("done_*.zip"))
    assert len(zips) == 1 and "done.ipynb" in zipfile.ZipFile(zips[0]).namelist()


def test_readme_makes_the_venv_before_installing() -> None:
    """The students' README creates and activates a virtual environment before `pip install`."""
    for name in NAMES:
        readme = (REPO / "assignments" / name / "README.md").read_text()
        venv, install = readme.index("python3 -m venv .venv"), readme.index("pip install -r")
        assert venv < readme.index(". .venv/bin/activate") < install, name


def test_export_notebook_never_raises(tmp_path: Path, monkeypatch, capsys) -> None:
    """While grading (our stand-in, otter's grading mode) nothing happens; a missing notebook,
    Colab or a failing otter export print one line and return None instead of raising."""
    import types

    from mbrl_envs.submit import export_notebook

    stand_in = type("Notebook", (), {"__module__": "mbrl_grader.sandbox.worker"})()
    grading = type("Notebook", (), {"__module__": "otter.check.notebook", "_grading_mode": True})()
    for grader in (stand_in, grading):
        assert export_notebook(grader, "01_model_learning") is None
        assert capsys.readouterr().out == ""

    class Failing:
        __module__ = "otter.check.notebook"

        def export(self, **kwargs):
            raise ValueError("disk full")

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert export_notebook(Failing(), "01_model_learning") is None
    assert "No submission was exported: no notebook of 01_model_learning" in capsys.readouterr().out
    _notebook(tmp_path / "mine.ipynb", "01_model_learning", "x = 1")
    assert export_notebook(Failing(), "01_model_learning") is None
    assert "otter's export of mine.ipynb failed (disk full)" in capsys.readouterr().out
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert export_notebook(Failing(), "01_model_learning") is None
    assert "File > Download > Download .ipynb" in capsys.readouterr().out
