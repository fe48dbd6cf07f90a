"""`mbrl-course similarity`: disguised copies rank first, handout code counts as nothing, reports."""

from __future__ import annotations

import ast
import builtins
import csv
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mbrl_course import similarity
from mbrl_course.cli import main as cli_main
from mbrl_course.corpus.inject import make_submission
from mbrl_course.course import default_layout

REPO = Path(__file__).resolve().parents[3]
LAYOUT = default_layout(REPO)
NAMES = sorted(p.name for p in (REPO / "tests" / "submissions").iterdir() if p.is_dir())


def disguise(source: str, keep: set[str]) -> str:
    """A cheater's copy: every identifier but the graded API renamed, definitions and methods
    reordered, docstrings dropped, comments added and the layout re-typed by ast.unparse."""
    tree = ast.parse(source)
    tree.body = [
        n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    keep = keep | set(dir(builtins)) | {"np", "self", "random", "math"}
    mapping: dict[str, str] = {}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            if node.id not in keep:
                node.id = mapping.setdefault(node.id, f"my_{len(mapping)}")
            return node

        def visit_arg(self, node: ast.arg) -> ast.arg:
            if node.arg not in keep:
                node.arg = mapping.setdefault(node.arg, f"my_{len(mapping)}")
            return node

    tree = Rename().visit(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            node.body = node.body[:1] + node.body[1:][::-1]
    tree.body = tree.body[::-1]
    lines = ast.unparse(tree).splitlines()
    return "\n".join(f"{ln}  # my own work" if ln.strip() else ln for ln in lines) + "\n"


DERIVED = {"03_model_errors": {"correct_tv_positive_part": "correct_chapter_style"}}
"""Correct variants written as edits of another (not independent work), with their origin."""


@functools.cache
def corpus(name: str) -> tuple[list[similarity.Document], nbformat.NotebookNode, set[str]]:
    """The handout stub, every correct_* variant, and a disguised copy of the first one."""
    student = nbformat.read(LAYOUT.assignments / name / f"{name}.ipynb", as_version=4)
    graded = similarity.graded_names(LAYOUT.autograder / name)
    boilerplate = similarity.boilerplate_hashes(similarity.code_sources(student), graded)
    variants = [
        v
        for v in sorted((REPO / "tests" / "submissions" / name).glob("correct_*.py"))
        if v.stem not in DERIVED.get(name, {})
    ]
    assert len(variants) >= 3
    code = similarity.code_sources
    docs = [similarity.make_document("stub", code(student), graded, boilerplate)]
    for v in variants:
        nb = make_submission(student, v.read_text())
        docs.append(similarity.make_document(v.stem, code(nb), graded, boilerplate))
    copy = make_submission(student, disguise(variants[0].read_text(), graded))
    docs.append(similarity.make_document("copy", code(copy), graded, boilerplate))
    return docs, student, graded


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_disguised_copy_ranks_above_independent_solutions(name: str) -> None:
    """The renamed, reordered copy of a correct solution beats every independent pair by far."""
    docs, _student, _graded = corpus(name)
    pairs = similarity.compare_all(docs)
    top = pairs[0]
    original = sorted((REPO / "tests" / "submissions" / name).glob("correct_*.py"))[0].stem
    assert {top.a, top.b} == {original, "copy"}, pairs[:3]
    independent = [p for p in pairs if "copy" not in (p.a, p.b) and "stub" not in (p.a, p.b)]
    assert top.score >= 0.7
    assert top.score > max(p.score for p in independent) + 0.2


@pytest.mark.parametrize("name", NAMES)
def test_untouched_stub_scores_near_zero(name: str) -> None:
    """The handout notebook shares no graded code with anyone: its code is boilerplate."""
    docs, _student, _graded = corpus(name)
    stub_pairs = [p for p in similarity.compare_all(docs) if "stub" in (p.a, p.b)]
    assert stub_pairs and max(p.score for p in stub_pairs) <= 0.05


def test_graded_cells_take_helpers_and_ignore_magics() -> None:
    """Cells defining graded names count, with the helpers they use; other cells do not."""
    sources = [
        "%matplotlib inline\nimport numpy as np",
        "def _helper(x):\n    return x + 1",
        "def unrelated():\n    return 3",
        "%time\ndef f(x):\n    return _helper(x)",
        "print(f(2))",
    ]
    assert [n for n, _src in similarity.graded_cells(sources, {"f"})] == [2, 4]


def test_cli_writes_ranked_csv_and_self_contained_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command ranks the copy first in the terminal, the CSV and the side-by-side HTML."""
    name = "02_dyna"
    student = nbformat.read(LAYOUT.assignments / name / f"{name}.ipynb", as_version=4)
    graded = similarity.graded_names(LAYOUT.autograder / name)
    subs = tmp_path / "subs"
    subs.mkdir()
    variants = sorted((REPO / "tests" / "submissions" / name).glob("correct_*.py"))[:3]
    for v in variants:
        nbformat.write(make_submission(student, v.read_text()), subs / f"{v.stem}.ipynb")
    copy = make_submission(student, disguise(variants[0].read_text(), graded))
    nbformat.write(copy, subs / "zz_copy.ipynb")
    nbformat.write(student, subs / "stub.ipynb")
    (subs / "broken.ipynb").write_text("{not json")
    other = json.loads(
        (LAYOUT.assignments / "01_model_learning" / "01_model_learning.ipynb").read_text()
    )
    (subs / "wrong_assignment.ipynb").write_text(json.dumps(other))

    out = tmp_path / "report"
    rc = cli_main(
        ["similarity", str(subs), "--assignment", "02", "--out", str(out), "--root", str(REPO)]
    )
    assert rc == 0
    shown = capsys.readouterr().out
    first_row = shown.splitlines()[2]
    assert "zz_copy.ipynb" in first_row and variants[0].stem in first_row
    assert "not compared: broken.ipynb: invalid notebook JSON" in shown
    assert "is for assignment '01_model_learning', not '02_dyna'" in shown
    assert "not compared: wrong_assignment.ipynb" in shown

    with (out / "similarity.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 * 4 // 2  # 5 comparable submissions
    assert {rows[0]["submission_a"], rows[0]["submission_b"]} == {
        f"{variants[0].stem}.ipynb",
        "zz_copy.ipynb",
    }
    assert float(rows[0]["score"]) >= 0.7 and rows[0]["rank"] == "1"

    page = (out / "similarity.html").read_text()
    assert "<mark>" in page and 'id="pair-1"' in page and "broken.ipynb" in page
    assert "http://" not in page and "https://" not in page  # nothing loaded from a CDN
    assert "<script" not in page


@pytest.mark.slow
def test_fingerprints_are_the_same_in_every_process() -> None:
    """Scores are reproducible: fingerprints do not depend on Python's per-process hash salt."""
    code = "def f(x):\n    total = 0\n    for i in range(x):\n        total += i * i\n    return total\n"
    script = (
        "from mbrl_course.similarity import fingerprint\n"
        f"print(sorted(fingerprint('a', {code!r}).hashes))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{sorted(similarity.fingerprint('a', code).hashes)}\n"}


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_a_variant_edited_from_another_is_flagged_as_a_copy(name: str) -> None:
    """A correct variant made by rewriting two functions of another scores as a near-copy."""
    student = nbformat.read(LAYOUT.assignments / name / f"{name}.ipynb", as_version=4)
    graded = similarity.graded_names(LAYOUT.autograder / name)
    boilerplate = similarity.boilerplate_hashes(similarity.code_sources(student), graded)
    docs = []
    for derived, origin in DERIVED[name].items():
        for stem in (derived, origin):
            src = (REPO / "tests" / "submissions" / name / f"{stem}.py").read_text()
            nb = make_submission(student, src)
            docs.append(
                similarity.make_document(stem, similarity.code_sources(nb), graded, boilerplate)
            )
    (pair,) = similarity.compare_all(docs)
    assert pair.score >= 0.7
