"""`mbrl-course backup`: a copy taken while scores are being saved holds every committed score."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mbrl_course import cli
from mbrl_course.cli import main as cli_main
from mbrl_course.gradebook.db import GradebookDB
from mbrl_grader.results import Status, SubmissionResult

N_ANSWERS = 400

WRITER = textwrap.dedent(
    """
    import sys, time
    from mbrl_course.gradebook.db import GradebookDB
    db = GradebookDB.open(sys.argv[1])
    db._con.execute("PRAGMA wal_autocheckpoint=0")  # keep every save in the -wal file
    for k in range(int(sys.argv[2])):
        db.set_manual_score(f"s{k}", "02_dyna", "q9", items=["1"], points=1.0, comment=f"c{k}",
                            grader="ta", expected_version=0)
        print(k, flush=True)  # printed after the commit: k is durable
        time.sleep(0.002)
    db.close()
    """
)


def _gradebook(path: Path) -> None:
    """A gradebook with N_ANSWERS submissions, each with one ungraded written answer."""
    with GradebookDB.open(path) as db:
        db.set_questions("02_dyna", {}, {"q9": 1.0})
        for k in range(N_ANSWERS):
            db.record_result(
                f"s{k}", "02_dyna", content_sha256="x", autograder_digest="d",
                result=SubmissionResult(Status.GRADED, ""), written={"q9": ("ok", f"answer {k}")},
            )  # fmt: skip


def _scores(path: Path) -> set[str]:
    """Submission ids with a manual score in the gradebook file at `path`."""
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT submission_id FROM manual_scores")}
    finally:
        con.close()


@pytest.mark.slow
def test_backup_while_scores_are_saved_holds_every_committed_score(tmp_path, capsys):
    """A backup made while another process commits scores (still in the -wal file) holds them all;
    a plain copy of the main file would not."""
    db = tmp_path / "gradebook.sqlite"
    _gradebook(db)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(N_ANSWERS)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    committed = [writer.stdout.readline() for _ in range(60)]
    assert all(line.strip() for line in committed), "the writer stopped early"
    shutil.copyfile(db, tmp_path / "naive.sqlite")  # what copying gradebook.sqlite gives
    assert cli.main(["backup", "--db", str(db), str(tmp_path / "copy.sqlite")]) == 0
    writer.stdout.read()
    assert writer.wait(timeout=60) == 0
    copied = _scores(tmp_path / "copy.sqlite")
    assert {f"s{int(line)}" for line in committed} <= copied
    assert copied <= _scores(db)  # nothing that was not committed
    assert len(_scores(tmp_path / "naive.sqlite")) < len(committed)  # the -wal held them
    assert not (tmp_path / "copy.sqlite-wal").exists()  # one self-contained file
    with GradebookDB.open(tmp_path / "copy.sqlite") as restored:  # usable as a gradebook
        assert len(restored.submission_ids()) == N_ANSWERS
    assert "backed up 400 submission(s)" in capsys.readouterr().out


def test_backup_into_a_folder_never_overwrites_and_reports_a_missing_gradebook(tmp_path, capsys):
    """DEST as a folder gets a time-stamped file; an existing DEST needs --force; no gradebook is
    exit 2."""
    db = tmp_path / "gradebook.sqlite"
    _gradebook(db)
    (tmp_path / "backups").mkdir()
    assert cli_main(["backup", "--db", str(db), str(tmp_path / "backups")]) == 0
    (made,) = (tmp_path / "backups").glob("gradebook-*Z.sqlite")
    assert cli_main(["backup", "--db", str(db), str(made)]) == 2
    assert "exists" in capsys.readouterr().err
    assert cli_main(["backup", "--db", str(db), "--force", str(made)]) == 0
    assert cli_main(["backup", "--db", str(tmp_path / "none.sqlite"), str(tmp_path / "x")]) == 2
    assert "no gradebook at" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
