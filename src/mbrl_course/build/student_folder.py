"""What a student gets besides the notebook: the setup cell, README.md, requirements.txt, a zip.

Why: a student must be able to start from the folder alone, locally or on Colab, with one
install command, and keep working when the notebook is renamed ("01_model_learning (1).ipynb").
The build calls :func:`add_setup_cell` on the student and solution notebooks (replacing otter's
``grader = otter.Notebook("NN.ipynb")`` init cell, which fails under any other file name) and
:func:`write_student_files` on the student folder; :func:`write_folder_zip` packs the folder
deterministically as ``assignments/NN_topic.zip`` for the course page.

Course settings (``course.toml`` at the course root, all optional)::

    [student]
    zip_url = "https://course.example.edu/mbrl/{name}.zip"   # where the folder zips are posted
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .autograder_zip import write_deterministic_zip

PYTHON_MIN = (3, 11)
#: Distribution name -> import name, for the packages the setup cell checks.
CHECKED = {
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "gymnasium": "gymnasium",
    "ipywidgets": "ipywidgets",
    "otter-grader": "otter",
}
_INIT_RE = re.compile(r"^\s*grader\s*=\s*otter\.Notebook\(", re.M)


@dataclass(frozen=True)
class CourseSettings:
    """Course-wide settings the build needs (read from ``course.toml``)."""

    zip_url: str = ""
    """Where the instructor posts ``NN_topic.zip`` (``{name}`` is the assignment); "" if not."""

    def zip_url_for(self, name: str) -> str:
        """The posted zip's URL for one assignment ("" when no URL is configured)."""
        return self.zip_url.replace("{name}", name) if self.zip_url else ""


def read_settings(root: Path) -> CourseSettings:
    """Read ``root/course.toml`` (missing file: defaults; unknown keys are an error)."""
    path = Path(root) / "course.toml"
    if not path.is_file():
        return CourseSettings()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    student = data.get("student", {})
    unknown = set(student) - {"zip_url"}
    if unknown or set(data) - {"student"}:
        raise ValueError(
            f"{path}: unknown setting(s) {sorted(unknown | (set(data) - {'student'}))}"
        )
    return CourseSettings(zip_url=str(student.get("zip_url", "")))


def parse_requirements(text: str) -> dict[str, str]:
    """``name==version`` lines of a requirements file -> {name: version} (comments skipped)."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\],]+)==([0-9][A-Za-z0-9.]*)", line)
        if match:
            pins[match.group(1).split("[")[0].lower()] = match.group(2)
    return pins


def compatible_range(version: str) -> str:
    """``2.4.6`` -> ``>=2.4.6,<3`` (same major version as the autograder: their results agree)."""
    major = int(version.split(".")[0])
    return f">={version},<{major + 1}"


def student_requirements(autograder_requirements: str, otter_version: str = "7.0.0") -> str:
    """The student's requirements.txt: the autograder's pins as compatible ranges, otter pinned."""
    pins = parse_requirements(autograder_requirements)
    lines = [
        "# Install with: pip install -r requirements.txt",
        "# The same versions the autograder uses (same major version), so that your results and",
        "# the grader's agree. Python 3.11 or newer.",
        f"otter-grader=={otter_version}",
    ]
    lines += [f"{name}{compatible_range(version)}" for name, version in sorted(pins.items())]
    return "\n".join(lines) + "\n"


def _minimums(requirements: str) -> dict[str, str]:
    """{distribution: minimum version} of the packages the setup cell checks."""
    out: dict[str, str] = {}
    for line in requirements.splitlines():
        match = re.match(r"^([A-Za-z0-9_\-]+)\s*(==|>=)\s*([0-9][0-9.]*)", line)
        if match and match.group(1).lower() in CHECKED:
            out[match.group(1).lower()] = match.group(3)
    return out


SETUP_TEMPLATE = '''\
# Setup: run this cell first. It checks your Python packages and starts the checker.
import importlib.metadata, os, sys

ASSIGNMENT = {name!r}
ZIP_URL = {zip_url!r}
REQUIRED = {required!r}

def _setup_problem():
    """What is missing from this environment, or None when everything is in place."""
    if sys.version_info < {python_min!r}:
        return f"Python {python_text} or newer is needed (this is {{sys.version.split()[0]}})."
    if os.path.isdir(ASSIGNMENT) and not os.path.isdir("tests"):
        os.chdir(ASSIGNMENT)  # the folder was unpacked next to this notebook (Colab)
    if not os.path.isdir("mbrl_envs"):
        return "The assignment folder (mbrl_envs/ and tests/) is not next to this notebook."
    for dist, minimum in REQUIRED.items():
        try:
            have = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return f"The package {{dist}} is not installed."
        if tuple(int(p) for p in have.split(".")[:3] if p.isdigit()) < tuple(int(p) for p in minimum.split(".")):
            return f"The package {{dist}} is too old ({{have}}; {{minimum}} or newer is needed)."
    return None

_problem = _setup_problem()
if _problem is not None:
    if "google.colab" in sys.modules:
        _get = f"!curl -sL {{ZIP_URL}} -o {{ASSIGNMENT}}.zip && " if ZIP_URL else ""
        _how = (
            "Run this in a new cell, then run this cell again:\\n\\n"
            f"    {{_get}}{{'' if ZIP_URL else '!'}}unzip -qo {{ASSIGNMENT}}.zip && pip install -q -r {{ASSIGNMENT}}/requirements.txt"
            + ("" if ZIP_URL else f"\\n\\n(first upload {{ASSIGNMENT}}.zip from your course page with the Files panel on the left)")
        )
    else:
        _how = (
            "In a terminal, in the folder of this notebook, with your virtual environment active "
            "(README.md: python3 -m venv .venv, then . .venv/bin/activate), run:\\n\\n"
            "    pip install -r requirements.txt\\n\\n"
            "then restart the kernel (Kernel > Restart) and run this cell again."
        )
    raise SystemExit(f"Setup problem: {{_problem}}\\n{{_how}}")

if not os.path.isdir("tests"):
    print("Note: the tests/ folder is missing, so grader.check cannot run the public checks.")

import otter
from mbrl_envs.submit import find_notebook
NOTEBOOK = find_notebook(ASSIGNMENT)[0]  # a first guess; the export cell checks again
grader = otter.Notebook(nb_path=None if NOTEBOOK is None else str(NOTEBOOK), tests_dir="tests")
print("Setup OK: checks and export are ready.")
'''

EXPORT_TEMPLATE = """\
# Save your notebook first (File > Save), then run this cell to export your submission.
# It finds this notebook among the folder's notebooks and warns if the saved file is older than
# what you ran (Run All does not save first).
from mbrl_envs.submit import export_notebook
export_notebook(grader, ASSIGNMENT{export_args});
"""
_EXPORT_RE = re.compile(r"^grader\.export\((.*)\)\s*$", re.M)


def setup_cell_source(name: str, requirements: str, settings: CourseSettings) -> str:
    """The setup cell's code for assignment `name` (see the module docstring)."""
    return SETUP_TEMPLATE.format(
        name=name,
        zip_url=settings.zip_url_for(name),
        required=_minimums(requirements),
        python_min=PYTHON_MIN,
        python_text=".".join(map(str, PYTHON_MIN)),
    )


def add_setup_cell(
    nb: nbformat.NotebookNode, name: str, requirements: str, settings: CourseSettings
) -> None:
    """Replace otter's init cell with the setup cell and make the export cell name the notebook.

    Raises ValueError when the notebook has no otter init cell.
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and _INIT_RE.search(cell.source):
            cell.source = setup_cell_source(name, requirements, settings)
            break
    else:
        raise ValueError(f"{name}: no otter init cell (grader = otter.Notebook(...)) to replace")
    for cell in nb.cells:
        match = _EXPORT_RE.search(cell.source) if cell.cell_type == "code" else None
        if match:
            args = match.group(1).strip()
            cell.source = EXPORT_TEMPLATE.format(export_args=f", {args}" if args else "")


README_TEMPLATE = """\
# {name}: {title}

An auto-graded Jupyter notebook of the *Model-Based Reinforcement Learning* chapter. You fill in
the code stubs and answers, check your work with `grader.check(...)`, and submit the notebook.

This folder holds the notebook (`{name}.ipynb`), `mbrl_envs/` (the environments and plotting
helpers the notebook imports), `tests/` (the public checks) and `requirements.txt`.

## Set up (once)

You need Python 3.11 or newer. In a terminal, in this folder, first make a virtual environment
(so the course's packages do not clash with others) and activate it:

```
python3 -m venv .venv
. .venv/bin/activate            # Windows: .venv\\Scripts\\activate
```

then install the packages into it:

```
pip install -r requirements.txt jupyterlab
```

(Next time, only activate it again: `. .venv/bin/activate`.)

## Work on it

1. `jupyter lab {name}.ipynb`, then run the first cell: it checks your setup and tells you
   exactly what to run if something is missing or too old.
2. Fill in the stubs (`raise NotImplementedError`, `...`) and the answers; after each part run
   its `grader.check("q1_2")` cell. A passing check says what it checked: the grade runs more
   tests (other inputs, statistics, behaviour), so passing the public checks is necessary, not
   sufficient.
3. Written answers go in the Markdown cells marked *Type your answer here*.

You may rename the notebook or work on a copy: checks and export still work.

## Submit

Run every cell from the top (Kernel > Restart & Run All), **save**, then run the last cell again:
it writes a zip next to the notebook and warns if the saved file is older than what you ran (Run
All does not save first). It finds your notebook by itself, also when the folder holds copies or
when you run it headless (`jupyter nbconvert --execute --inplace NAME.ipynb`). Submit the notebook
or that zip, as your course says.

## On Google Colab

Upload `{name}.ipynb` to Colab and run the first cell: it detects Colab and prints the one cell
to run, which fetches this folder ({zip_note}) and installs the requirements. Then run the first
cell again; `grader.check(...)` works as usual. otter cannot export on Colab: to submit, use
File > Download > Download .ipynb and hand in that notebook.
"""


def write_student_files(
    folder: Path, name: str, title: str, autograder_requirements: str, settings: CourseSettings
) -> None:
    """Write README.md and requirements.txt into a generated student folder."""
    url = settings.zip_url_for(name)
    zip_note = f"from {url}" if url else f"`{name}.zip`, from your course page"
    (folder / "README.md").write_text(
        README_TEMPLATE.format(name=name, title=title, zip_note=zip_note), encoding="utf-8"
    )
    (folder / "requirements.txt").write_text(
        student_requirements(autograder_requirements), encoding="utf-8"
    )


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The first Markdown heading of the notebook (its title), without the '#'."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "assignment"


def write_folder_zip(folder: Path, zip_path: Path) -> list[str]:
    """Zip `folder` as ``NAME/...`` deterministically (the autograder zip's writer); return names."""
    entries = {
        f"{folder.name}/{p.relative_to(folder).as_posix()}": p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    }
    write_deterministic_zip(zip_path, entries)
    return sorted(entries)
