"""Tests for `mbrl-course written-pdf`: one readable PDF per submission, bad input never crashes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from mbrl_course.cli import main as cli_main
from mbrl_course.written.pdf import pdf_name, written_pdfs

REPO = Path(__file__).resolve().parents[3]
NAME = "01_model_learning"
STUDENT = REPO / "assignments" / NAME / f"{NAME}.ipynb"
AUTOGRADER = REPO / "autograder" / NAME
ANSWER = "Counts *converge*: error $\\propto 1/\\sqrt{N}$, γ ≤ 1. <script>alert(1)</script>"


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def submissions(tmp_path) -> Path:
    """A folder with an answered notebook, a blank one, an otter zip and a broken file."""
    folder = tmp_path / "subs"
    folder.mkdir()
    nb = nbformat.read(STUDENT, as_version=4)
    placeholder = next(c for c in nb.cells if "Type your answer" in c.source)
    placeholder.source = ANSWER
    nbformat.write(nb, folder / "alice.ipynb")
    (folder / "bob.ipynb").write_bytes(STUDENT.read_bytes())
    with zipfile.ZipFile(folder / "carol_export.zip", "w") as zf:
        zf.writestr(f"{NAME}.ipynb", nbformat.writes(nb))
    (folder / "dave.ipynb").write_text("{not json")
    return folder


@pytest.mark.slow
def test_one_pdf_per_submission_with_prompts_and_answers(submissions, tmp_path):
    """Each submission gets <id>.pdf holding every written prompt and the student's answer."""
    out = tmp_path / "pdf"
    report = {sid: status for sid, status, _ in written_pdfs([submissions], NAME, AUTOGRADER, out)}
    assert sorted(p.name for p in out.iterdir()) == [
        "alice.pdf",
        "bob.pdf",
        "carol_export.pdf",
        "dave.pdf",
    ]
    assert report["alice.ipynb"] == "1 empty, 1 ok"
    text = _text(out / "alice.pdf")
    assert "q2_5 (2 points)" in text and "q3_4 (2 points)" in text
    assert "In the stochastic GridWorld" in text
    assert "converge" in text and "γ ≤ 1" in text and "\\sqrt{N}" in text
    assert "<script>alert(1)</script>" in text  # shown as text, not dropped
    assert "Submission: alice.ipynb" in text
    assert len(PdfReader(out / "alice.pdf").pages) == 3  # cover + one page per question
    assert "converge" in _text(out / "carol_export.pdf")
    assert "[empty] No answer" in _text(out / "bob.pdf")


@pytest.mark.slow
def test_broken_submission_gets_a_status_and_a_pdf(submissions, tmp_path):
    """An unreadable notebook is reported with its reason and still gets a PDF saying so."""
    out = tmp_path / "pdf"
    report = {sid: status for sid, status, _ in written_pdfs([submissions], NAME, AUTOGRADER, out)}
    assert report["dave.ipynb"].startswith("invalid: invalid notebook JSON")
    text = _text(out / "dave.pdf")
    assert "could not be read" in text and "[missing]" in text


@pytest.mark.slow
def test_pdfs_are_reproducible(submissions, tmp_path):
    """Running twice writes byte-identical PDFs (no timestamps)."""
    first = written_pdfs([submissions / "alice.ipynb"], NAME, AUTOGRADER, tmp_path / "a")
    second = written_pdfs([submissions / "alice.ipynb"], NAME, AUTOGRADER, tmp_path / "b")
    assert first[0][2].read_bytes() == second[0][2].read_bytes()


@pytest.mark.slow
def test_cli_written_pdf(submissions, tmp_path, capsys):
    """The CLI takes the assignment by number, prints one status line per submission."""
    out = tmp_path / "pdf"
    args = ["--root", str(REPO), "written-pdf", str(submissions), "--assignment", "01"]
    assert cli_main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "alice.ipynb: 1 empty, 1 ok" in printed and "4 PDFs in" in printed
    assert cli_main(["--root", str(REPO), "written-pdf", str(submissions), "--assignment", "77",
                     "--out", str(out)]) == 2  # fmt: skip


@pytest.mark.parametrize(
    ("sid", "name"),
    [("alice.ipynb", "alice.pdf"), ("sec1/bob smith.zip", "sec1__bob_smith.pdf"), ("x", "x.pdf")],
)
def test_pdf_names_follow_the_submission_id(sid, name):
    """PDF names are the file-safe submission id, so bulk uploads can be matched to students."""
    assert pdf_name(sid) == name


@pytest.mark.slow
def test_damaged_answer_block_is_reported_as_malformed(tmp_path):
    """A notebook whose END QUESTION marker was deleted gives a malformed status with the text."""
    nb = nbformat.read(STUDENT, as_version=4)
    answer = next(c for c in nb.cells if "Type your answer" in c.source)
    answer.source = "Recovered words."
    end = next(c for c in nb.cells if c.source.startswith("<!-- END QUESTION -->"))
    end.source = end.source.replace("<!-- END QUESTION -->", "")
    nbformat.write(nb, tmp_path / "erin.ipynb")
    [(sid, status, path)] = written_pdfs([tmp_path / "erin.ipynb"], NAME, AUTOGRADER, tmp_path)
    assert "malformed" in status
    text = _text(path)
    assert "[malformed]" in text and "Recovered words." in text
