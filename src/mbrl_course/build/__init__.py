"""Build the generated assignment trees from the otter masters, deterministically.

For every master ``solutions/NN_topic/NN_topic.ipynb`` the build

1. stages a temporary copy of the master's folder together with ``mbrl_envs/`` (the student
   support package), ``mbrl_ref/`` and ``mbrl_grader/`` (the reference and the trusted grading
   code, autograder only) and the pinned ``requirements.txt``;
2. runs ``otter assign`` on it (without otter's own solution check: ``validate`` does that with
   the trusted runner);
3. writes ``assignments/NN_topic/`` (student notebook, public tests, ``mbrl_envs/``) and
   ``autograder/NN_topic/`` (solution notebook, all tests, ``otter_config.json``,
   ``requirements.txt``, ``mbrl_envs/``, the Gradescope zip ``NN_topic-autograder.zip`` and
   ``rubrics.json``, the parsed rubrics of the written questions (``mbrl_course.written.rubrics``);
4. makes the zip grade with the trusted runner: its ``run_autograder`` runs
   ``python3 -m mbrl_grader.gradescope`` with the shipped ``files/`` on the path.

Everything written is byte-for-byte reproducible: notebook cell ids are derived from the cell
index, outputs and volatile metadata are stripped, zip entries are sorted with a fixed timestamp
and fixed permissions. The generated folders are owned by the build: stale files are removed.
``check`` rebuilds into a temporary folder and lists every difference with the committed tree.
Points have one source, each question's ``points:``: the build refuses a rubric or prompt that
disagrees, writes written questions' points into their prompts, and keeps README.md's
assignment table in step (:mod:`.points`).
"""

from __future__ import annotations

import contextlib
import filecmp
import io
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import nbformat

from mbrl_grader.budgets import BUDGETS_FILE

from . import grading_options, points, student_folder
from ..written import rubrics as written_rubrics
from .autograder_zip import PYTHON_VERSION, make_otter_zip, otter_config_for, rewrite_zip
from ..errors import BuildError
from ..course import AUTOGRADER_PACKAGES, STUDENT_PACKAGE, Layout
from .public_tests import public_test_problems

MASTER_DIR_RE = re.compile(r"^\d{2}_[A-Za-z0-9_]+$")
IGNORED_NAMES = (
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".ipynb_checkpoints",
    ".DS_Store",
    ".pytest_cache",
)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def discover_masters(solutions_dir: Path) -> dict[str, Path]:
    """Return {name: master path} for every `NN_topic/NN_topic.ipynb` under `solutions_dir`."""
    masters: dict[str, Path] = {}
    if not solutions_dir.is_dir():
        return masters
    for folder in sorted(solutions_dir.iterdir()):
        master = folder / f"{folder.name}.ipynb"
        if folder.is_dir() and MASTER_DIR_RE.match(folder.name) and master.is_file():
            masters[folder.name] = master
    return masters


def _copytree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*IGNORED_NAMES))


def stage_master(master: Path, stage_dir: Path, layout: Layout) -> Path:
    """Copy the master's folder and the support files into `stage_dir`; return the staged master."""
    for package in (STUDENT_PACKAGE, *AUTOGRADER_PACKAGES):
        if not (layout.package(package) / "__init__.py").is_file():
            raise BuildError(f"package to ship not found: {layout.package(package)}/__init__.py")
    if not layout.requirements.is_file():
        raise BuildError(f"autograder requirements not found: {layout.requirements}")
    stage_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted(master.parent.iterdir()):
        if any(item.match(p) for p in IGNORED_NAMES):
            continue
        if item.is_dir():
            _copytree(item, stage_dir / item.name)
        else:
            shutil.copyfile(item, stage_dir / item.name)
    for name in (STUDENT_PACKAGE, *AUTOGRADER_PACKAGES, "requirements.txt"):
        if (stage_dir / name).exists():
            raise BuildError(f"{master.parent}/{name} clashes with a file the build stages")
    for package in (STUDENT_PACKAGE, *AUTOGRADER_PACKAGES):
        _copytree(layout.package(package), stage_dir / package)
    shutil.copyfile(layout.requirements, stage_dir / "requirements.txt")
    return stage_dir / master.name


def read_master_config(master: Path) -> dict:
    """Return the master's `# ASSIGNMENT CONFIG` YAML as a dict."""
    import yaml

    nb = nbformat.read(master, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith("# ASSIGNMENT CONFIG"):
            config = yaml.safe_load(cell.source) or {}
            if not isinstance(config, dict):
                raise BuildError(f"{master}: the ASSIGNMENT CONFIG cell is not a YAML mapping")
            return config
    raise BuildError(f"{master}: no raw '# ASSIGNMENT CONFIG' cell")


def check_master_config(master: Path, config: dict) -> None:
    """Raise BuildError when the master's config breaks the contract in docs/design.md."""
    name = master.stem
    problems = []
    if config.get("name") != name:
        problems.append(f"name must be {name!r} (the folder name), got {config.get('name')!r}")
    for package in AUTOGRADER_PACKAGES:
        if package in (config.get("files") or []):
            problems.append(f"{package} must be under autograder_files:, never files:")
        if package not in (config.get("autograder_files") or []):
            problems.append(f"autograder_files: must list {package}")
    if "mbrl_envs" not in (config.get("files") or []):
        problems.append("files: must list mbrl_envs")
    if config.get("requirements") != "requirements.txt":
        problems.append("requirements: must be requirements.txt (staged by the build)")
    if str(config.get("python_version")) != PYTHON_VERSION:
        problems.append(f'python_version must be the string "{PYTHON_VERSION}"')
    tests = config.get("tests") or {}
    if tests.get("files") is not True or tests.get("ok_format") is not False:
        problems.append("tests: must be {files: true, ok_format: false}")
    problems += grading_options.problems(config)
    if problems:
        raise BuildError(f"{master}: " + "; ".join(problems))


def check_points(master: Path) -> None:
    """Raise BuildError when a question's points differ from its tests' sum, or a written
    question's prompt or rubric from its points (see points.py)."""
    from .points import point_problems, point_warnings, written_point_problems

    problems = point_problems(master)
    if problems:
        raise BuildError(
            "question points differ from their tests' points:\n  " + "\n  ".join(problems)
        )
    problems = written_point_problems(master)
    if problems:
        raise BuildError(
            "written questions' rubrics or prompts differ from their points:\n  "
            + "\n  ".join(problems)
        )
    for warning in point_warnings(master):
        print(f"warning: {warning}", file=sys.stderr)


def run_otter_assign(staged_master: Path, result_dir: Path) -> None:
    """Run `otter assign` (no PDFs, no test run) on the staged master into `result_dir`."""
    from otter.assign import main as otter_assign

    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            otter_assign(str(staged_master), str(result_dir), no_pdfs=True, no_run_tests=True)
    except Exception as exc:  # otter raises many types; report them all the same way
        raise BuildError(
            f"otter assign failed on {staged_master.name}: {exc}\n{log.getvalue()}"
        ) from exc


def normalise_notebook(nb: nbformat.NotebookNode) -> str:
    """Return the notebook as stable JSON: index-based cell ids, no outputs, minimal metadata."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    metadata = nbformat.NotebookNode(kernelspec=dict(KERNELSPEC), language_info={"name": "python"})
    if "otter" in nb.metadata:
        metadata["otter"] = nb.metadata["otter"]
    nb.metadata = metadata
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_normalised_notebook(src: Path, dst: Path) -> None:
    """Read the notebook at `src` and write its normalised form to `dst`."""
    nb = nbformat.read(src, as_version=4)
    dst.write_text(normalise_notebook(nb), encoding="utf-8")


def _files_under(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part in ("__pycache__", ".ipynb_checkpoints") for part in p.parts)
        and p.suffix not in (".pyc", ".pyo")
    )


def _copy_files(src_dir: Path, dst_dir: Path) -> None:
    for path in _files_under(src_dir):
        target = dst_dir / path.relative_to(src_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def build_one(master: Path, out_root: Path, layout: Layout) -> tuple[Path, Path]:
    """Build one master into `out_root/assignments/NAME` and `out_root/autograder/NAME`.

    Both folders are replaced entirely. Returns (student folder, autograder folder).
    """
    name = master.stem
    config = read_master_config(master)
    check_master_config(master, config)
    check_points(master)
    problems = public_test_problems(master)
    if problems:
        raise BuildError("one public test per question:\n  " + "\n  ".join(problems))
    student_out = out_root / "assignments" / name
    ag_out = out_root / "autograder" / name
    with tempfile.TemporaryDirectory(prefix=f"mbrl-build-{name}-") as tmp:
        tmp_path = Path(tmp)
        staged = stage_master(master, tmp_path / "stage" / name, layout)
        grading_options.strip_from_master(staged)
        points.stamp_written_points(staged)  # the prompt's points come from points:
        rubrics = written_rubrics.prepare_master_for_build(staged)  # issue 12: rubrics as data
        result = tmp_path / "result"
        run_otter_assign(staged, result)
        otter_student, otter_ag = result / "student", result / "autograder"
        for folder in (otter_student, otter_ag):
            if not (folder / master.name).is_file():
                raise BuildError(f"otter assign did not write {folder.name}/{master.name}")
        raw_zip = tmp_path / "otter-autograder.zip"
        make_otter_zip(otter_ag, staged.parent, config, raw_zip)

        for folder in (student_out, ag_out):
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)

        settings = student_folder.read_settings(layout.root)
        requirements = layout.requirements.read_text(encoding="utf-8")
        for folder, out in ((otter_student, student_out), (otter_ag, ag_out)):
            nb = nbformat.read(folder / master.name, as_version=4)
            student_folder.add_setup_cell(nb, name, requirements, settings)
            (out / master.name).write_text(normalise_notebook(nb), encoding="utf-8")
            if out is student_out:
                title = student_folder.notebook_title(nb)
        _copy_files(otter_student / "tests", student_out / "tests")
        _copy_files(otter_student / "mbrl_envs", student_out / "mbrl_envs")
        student_folder.write_student_files(student_out, name, title, requirements, settings)

        _copy_files(otter_ag / "tests", ag_out / "tests")
        _copy_files(otter_ag / "mbrl_envs", ag_out / "mbrl_envs")
        for extra in ("otter_config.json", "requirements.txt"):
            shutil.copyfile(otter_ag / extra, ag_out / extra)
        budgets = master.parent / BUDGETS_FILE  # measured by `mbrl-course budgets`, committed
        if budgets.is_file():
            shutil.copyfile(budgets, ag_out / BUDGETS_FILE)
        rewrite_zip(
            raw_zip,
            ag_out / f"{name}-autograder.zip",
            grading_options.zip_config(config),
            budgets.read_bytes() if budgets.is_file() else b"",
        )
        (ag_out / written_rubrics.RUBRICS_FILE).write_text(
            written_rubrics.rubrics_json(rubrics, name), encoding="utf-8"
        )
    return student_out, ag_out


def select_masters(layout: Layout, only: Sequence[str] | None = None) -> dict[str, Path]:
    """Return the masters to build: all of them, or those named in `only` (BuildError if unknown)."""
    masters = discover_masters(layout.solutions)
    if not only:
        return masters
    unknown = sorted(set(only) - set(masters))
    if unknown:
        known = ", ".join(masters) or "none"
        raise BuildError(f"no master named {', '.join(unknown)} (known: {known})")
    return {name: masters[name] for name in only}


def build_tree(layout: Layout, out_root: Path, only: Sequence[str] | None = None) -> list[str]:
    """Build the selected masters into `out_root` (a fresh folder); return the names built."""
    masters = select_masters(layout, only)
    for master in masters.values():
        student_out, _ = build_one(master, out_root, layout)
        student_folder.write_folder_zip(student_out, student_out.parent / f"{student_out.name}.zip")
    return list(masters)


def _owned_entries(kind: str, names: Sequence[str]) -> set[str]:
    """The entries of `kind`/ the build writes for `names` (assignments/ also has NAME.zip)."""
    return set(names) | ({f"{n}.zip" for n in names} if kind == "assignments" else set())


def _generated_entries(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


README = "README.md"


def readme_problem(layout: Layout) -> str | None:
    """Why README.md's assignment table is stale (its points differ from the masters), or None."""
    path = layout.root / README
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if points.sync_readme_table(text, discover_masters(layout.solutions)) != text:
        return f"out of date: {README} (the assignment table's points)"
    return None


def sync_readme(layout: Layout) -> bool:
    """Rewrite README.md's assignment-table points from the masters; return whether it changed."""
    path = layout.root / README
    if readme_problem(layout) is None:
        return False
    text = path.read_text(encoding="utf-8")
    path.write_text(
        points.sync_readme_table(text, discover_masters(layout.solutions)), encoding="utf-8"
    )
    return True


def build(layout: Layout, only: Sequence[str] | None = None) -> list[str]:
    """Regenerate `assignments/` and `autograder/` in place; return the names built.

    Builds into a temporary folder first, so a failing master leaves the tree untouched. Without
    `only`, folders of masters that no longer exist are removed (the trees are build-owned).
    README.md's assignment table gets its point columns from the masters (:func:`sync_readme`).
    """
    with tempfile.TemporaryDirectory(prefix="mbrl-build-") as tmp:
        out_root = Path(tmp)
        names = build_tree(layout, out_root, only)
        for kind in ("assignments", "autograder"):
            target_root = layout.root / kind
            target_root.mkdir(parents=True, exist_ok=True)
            if not only:
                for stale in sorted(_generated_entries(target_root) - _owned_entries(kind, names)):
                    path = target_root / stale
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
            for name in names:
                target = target_root / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
                shutil.copytree(out_root / kind / name, target)
                if kind == "assignments":
                    shutil.copyfile(out_root / kind / f"{name}.zip", target_root / f"{name}.zip")
    sync_readme(layout)
    return names


def compare_trees(expected: Path, actual: Path, label: str) -> list[str]:
    """List differences between a freshly built folder and the committed one (paths by `label`)."""
    if expected.is_dir() and not actual.exists():
        return [f"missing: {label}/ (never built)"]
    want = (
        {p.relative_to(expected).as_posix() for p in _files_under(expected)}
        if expected.is_dir()
        else set()
    )
    have = (
        {p.relative_to(actual).as_posix() for p in _files_under(actual)}
        if actual.is_dir()
        else set()
    )
    problems = [f"missing: {label}/{rel}" for rel in sorted(want - have)]
    problems += [
        f"stale (not generated by the build): {label}/{rel}" for rel in sorted(have - want)
    ]
    for rel in sorted(want & have):
        if not filecmp.cmp(expected / rel, actual / rel, shallow=False):
            problems.append(f"out of date: {label}/{rel}")
    return problems


def compare_zip(expected: Path, actual: Path) -> list[str]:
    """A problem line when the committed folder zip is missing or differs from a fresh one."""
    label = f"assignments/{actual.name}"
    if not actual.is_file():
        return [f"missing: {label}"]
    return [] if filecmp.cmp(expected, actual, shallow=False) else [f"out of date: {label}"]


def check(layout: Layout, only: Sequence[str] | None = None) -> list[str]:
    """Rebuild into a temporary folder; return every difference with the committed tree."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mbrl-check-") as tmp:
        out_root = Path(tmp)
        names = build_tree(layout, out_root, only)
        for kind in ("assignments", "autograder"):
            committed_root = layout.root / kind
            if not only:
                for extra in sorted(
                    _generated_entries(committed_root) - _owned_entries(kind, names)
                ):
                    problems.append(f"stale (no master for it): {kind}/{extra}")
            for name in names:
                problems += compare_trees(
                    out_root / kind / name, committed_root / name, f"{kind}/{name}"
                )
                if kind == "assignments":
                    problems += compare_zip(
                        out_root / kind / f"{name}.zip", committed_root / f"{name}.zip"
                    )
    stale_readme = readme_problem(layout)
    return problems + ([stale_readme] if stale_readme else [])


def tree_digest(root: Path) -> dict[str, bytes]:
    """Return {relative path: bytes} for every file under `root` (used to compare two builds)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in _files_under(root)}
