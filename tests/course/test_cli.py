"""Tests for the one command layer (mbrl_course/cli.py, mbrl_course/options.py): --root before or
after any command, ``02`` and ``02_dyna`` everywhere, exit status 2 when the tool cannot work and
never 0 when a command could not write what it was asked to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mbrl_course.cli import COMMANDS, OWN_PARSER, main, parse_args
from mbrl_course.errors import ToolError
from mbrl_course.options import resolve_assignment

REPO = Path(__file__).resolve().parents[2]
NAME = "01_model_learning"
STUDENT = REPO / "assignments" / NAME / f"{NAME}.ipynb"

#: The fewest arguments each command accepts.
MINIMAL = {
    "grade": ["s.ipynb"],
    "merge": ["shard0"],
    "backup": ["dest.sqlite"],
    "similarity": ["subs", "-a", "02"],
    "written-pdf": ["subs", "-a", "02", "--out", "pdf"],
    "report": ["-a", "02"],
}


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - OWN_PARSER))
def test_root_before_or_after_the_command_is_honoured(command: str, tmp_path: Path) -> None:
    """`mbrl-course --root X CMD` and `mbrl-course CMD --root X` both give CMD the root X."""
    extra = MINIMAL.get(command, [])
    assert parse_args(["--root", str(tmp_path), command, *extra]).root == tmp_path
    assert parse_args([f"--root={tmp_path}", command, *extra]).root == tmp_path
    assert parse_args([command, *extra, "--root", str(tmp_path)]).root == tmp_path
    assert parse_args([command, *extra]).root is None


def test_grade_merge_export_use_the_given_root(tmp_path: Path, capsys) -> None:
    """grade, merge and export look for the autograders and the gradebook under --root, not in
    the current folder (they used to ignore a --root given before the command)."""
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    sub = tmp_path / "a.ipynb"
    sub.write_bytes(STUDENT.read_bytes())
    out = tmp_path / "grades"
    assert main(["--root", str(course), "grade", str(sub), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"no autograder built in {course / 'autograder'}" in err, err
    assert main(["--root", str(course), "export"]) == 2
    assert f"no gradebook at {course / 'gradebook.sqlite'}" in capsys.readouterr().err
    shard = tmp_path / "shard"
    shard.mkdir()
    assert main(["--root", str(course), "merge", str(shard)]) == 2
    assert "no gradebook database" in capsys.readouterr().err
    assert (course / "gradebook.sqlite").is_file()  # the merge target is the course's gradebook


def test_one_assignment_rule() -> None:
    """``02``, ``02_dyna`` and a unique prefix name one assignment; anything else is refused
    with the known names."""
    known = ["01_model_learning", "02_dyna", "04_modern_methods"]
    assert resolve_assignment("02", known) == "02_dyna"
    assert resolve_assignment("02_dyna", known) == "02_dyna"
    assert resolve_assignment("04_mod", known) == "04_modern_methods"
    with pytest.raises(ToolError, match="'07' matches none .*01_model_learning"):
        resolve_assignment("07", known)
    with pytest.raises(ToolError, match="matches several"):
        resolve_assignment("0", known)


@pytest.mark.slow
def test_build_check_takes_a_number(capsys) -> None:
    """`build --check --only 01` checks the master 01_model_learning (a build: slow)."""
    assert main(["--root", str(REPO), "build", "--check", "--only", "01"]) == 0
    assert capsys.readouterr().out.strip() == f"Up to date: {NAME}"


def test_unknown_assignment_exits_2_with_one_message(tmp_path: Path, capsys) -> None:
    """Every command refuses an unknown assignment the same way: one line, exit status 2."""
    db = tmp_path / "gradebook.sqlite"
    from mbrl_course.gradebook.db import GradebookDB

    GradebookDB.open(db).close()
    for argv in (
        ["build", "--check", "--only", "77"],
        ["review", "--db", str(db), "-a", "77"],
        ["written-pdf", str(STUDENT), "-a", "77", "--out", str(tmp_path / "pdf")],
        ["similarity", str(STUDENT), "-a", "77", "--out", str(tmp_path / "sim")],
    ):
        assert main(["--root", str(REPO), *argv]) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"mbrl-course {argv[0]}: assignment '77'"), err


def test_written_pdf_never_reports_pdfs_it_could_not_write(tmp_path: Path, capsys) -> None:
    """An --out that cannot be created exits 2 without a "PDFs in" line; when some PDFs cannot be
    written the command exits 1 and says how many failed, when none can, 2."""
    subs = tmp_path / "subs"
    subs.mkdir()
    for sid in ("alice", "bob"):
        (subs / f"{sid}.ipynb").write_bytes(STUDENT.read_bytes())
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    base = ["--root", str(REPO), "written-pdf", str(subs), "-a", "01"]
    assert main([*base, "--out", str(blocker / "pdf")]) == 2
    captured = capsys.readouterr()
    assert "PDFs in" not in captured.out and "cannot create the output folder" in captured.err
    out = tmp_path / "pdf"
    (out / "alice.pdf").mkdir(parents=True)  # the PDF's own path is taken by a folder
    assert main([*base, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "PDFs in" not in captured.out and "1 of 2 PDFs could not be written" in captured.err
    (out / "bob.pdf").unlink()
    (out / "bob.pdf").mkdir()
    assert main([*base, "--out", str(out)]) == 2
    assert "2 of 2 PDFs could not be written" in capsys.readouterr().err


def test_help_imports_no_command_module() -> None:
    """`mbrl-course --help` lists every command without importing any command's module."""
    code = (
        "import sys, contextlib, io\n"
        "from mbrl_course import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
        "    cli.main(['--help'])\n"
        "loaded = [m for m in sys.modules if m.startswith('mbrl_course.') and m not in\n"
        "          ('mbrl_course.cli', 'mbrl_course.errors', 'mbrl_course.options')]\n"
        "print(loaded, all(c in out.getvalue() for c in cli.COMMANDS))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[] True", r.stdout + r.stderr
