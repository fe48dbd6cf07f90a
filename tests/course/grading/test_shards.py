"""Grading fanned out: `grade --shard i/N` slices and `merge` refusing bad shard sets."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from mbrl_course.cli import main as cli_main
from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.grading.shards import Shard, shard_of

FIX = Path(__file__).parents[1] / "fixtures" / "toy"
N_SHARDS = 3


def test_shards_partition_ids_stably():
    """Every id lands in exactly one shard, by a hash that does not depend on the process."""
    ids = [f"student{k:03d}/toy.ipynb" for k in range(300)]
    owners = [[Shard(i, N_SHARDS).holds(sid) for i in range(N_SHARDS)] for sid in ids]
    assert all(sum(row) == 1 for row in owners)
    sizes = [sum(row[i] for row in owners) for i in range(N_SHARDS)]
    assert min(sizes) > 60  # roughly even: each of 3 shards holds about 100 of 300
    # sha256 of the id, never hash(): the same split on every machine and PYTHONHASHSEED
    digest = hashlib.sha256(b"sec1/c.ipynb").digest()
    assert shard_of("sec1/c.ipynb", 7) == int.from_bytes(digest[:8], "big") % 7


@pytest.mark.parametrize("text", ["3/3", "-1/3", "1", "a/b", "0/0"])
def test_bad_shard_specs_are_refused(text):
    """i/N needs 0 <= i < N; anything else is a clear error."""
    with pytest.raises(ValueError, match="--shard"):
        Shard.parse(text)


def _toy_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """The toy autograder and seven honest toy submissions (solution, blank, renamed, variants)."""
    ag_root = tmp_path / "autograders"
    shutil.copytree(FIX / "autograder", ag_root / "toy")
    subs = tmp_path / "subs"
    subs.mkdir()
    solution = (FIX / "notebooks" / "solution.ipynb").read_text()
    for name in ("solution", "blank", "renamed"):
        shutil.copy(FIX / "notebooks" / f"{name}.ipynb", subs / f"{name}.ipynb")
    for k in range(4):
        text = solution if k % 2 else solution.replace("return a + b", "return a - b")
        (subs / f"s{k}.ipynb").write_text(text)
    return ag_root, subs


def _grade(ag_root: Path, subs: Path, out: Path, *extra: str) -> int:
    """`mbrl-course grade` with the real runner on the toy corpus."""
    argv = [str(subs), "-a", "toy", "--autograders", str(ag_root), "-o", str(out)]
    return cli_main(
        ["grade", *argv, "--jobs", "2", "--cell-timeout", "20", "--no-progress", *extra]
    )


def _comparable(db_path: Path) -> dict:
    """Everything a gradebook holds except timings, grading times and per-run scratch paths."""
    with GradebookDB.open(db_path) as db:
        rows = {}
        for s in db.submissions():
            d = s.result.to_dict()
            d.pop("duration_s"), d.pop("timings")
            # the folders the sandbox hid name this run's scratch and --out: keep the verdict
            d["isolation"] = {k: d["isolation"].get(k) for k in ("level", "user", "problems")}
            rows[s.submission_id] = (
                d,
                s.content_sha256,
                s.autograder_digest,
                db.written_of(s.submission_id),
            )
        return {"rows": rows, "questions": db.questions("toy")}


@pytest.mark.slow
def test_three_shards_merge_into_the_one_shot_gradebook(tmp_path, capsys):
    """Grading in 3 shards and merging gives the same gradebook and exports as grading at once."""
    ag_root, subs = _toy_corpus(tmp_path)
    assert _grade(ag_root, subs, tmp_path / "all", "--db", str(tmp_path / "all.sqlite")) == 0
    shard_outs = [tmp_path / f"shard{i}" for i in range(N_SHARDS)]
    for i, out in enumerate(shard_outs):
        assert _grade(ag_root, subs, out, "--shard", f"{i}/{N_SHARDS}") == 0
    sizes = [len(GradebookDB.open(o / "gradebook.sqlite").submission_ids()) for o in shard_outs]
    assert sum(sizes) == 7
    merged_db, merged_out = tmp_path / "merged.sqlite", tmp_path / "merged"
    argv = [*map(str, shard_outs), "--db", str(merged_db), "--out", str(merged_out)]
    assert cli_main(["merge", *argv, "--autograders", str(ag_root)]) == 0
    assert _comparable(merged_db) == _comparable(tmp_path / "all.sqlite")
    assert (merged_out / "grades.csv").read_text() == (tmp_path / "all" / "grades.csv").read_text()
    one_shot = json.loads((tmp_path / "all" / "grades.json").read_text())["submissions"]
    totals = {r["submission"]: r["total"] for r in one_shot}
    assert totals["solution.ipynb"] == 10.0 and totals["blank.ipynb"] == 0.0
    for md in (tmp_path / "all" / "feedback").glob("*.md"):
        assert (merged_out / "feedback" / md.name).read_text() == md.read_text()

    # refusals: a missing shard, a shard twice, a shard of another split
    capsys.readouterr()
    assert cli_main(["merge", *map(str, shard_outs[:2]), "--db", str(tmp_path / "x.sqlite")]) == 2
    assert f"missing shard(s) 2/{N_SHARDS}" in capsys.readouterr().err
    twice = [str(shard_outs[0]), str(shard_outs[0]), str(shard_outs[1])]
    assert cli_main(["merge", *twice, "--db", str(tmp_path / "y.sqlite")]) == 2
    assert "given twice" in capsys.readouterr().err


def _fake_shard(path: Path, spec: str, ids: list[str], corpus: str = "c") -> Path:
    """A shard database holding `ids` (results are empty graded rows)."""
    from mbrl_grader.results import SubmissionResult

    with GradebookDB.open(path) as db:
        db.set_meta("shard", spec)
        db.set_meta("corpus", corpus)
        for sid in ids:
            db.record_result(
                sid, "toy", content_sha256="x", autograder_digest="d",
                result=SubmissionResult("graded", ""), written={},
            )  # fmt: skip
    return path


def test_merge_refuses_overlap_mixed_counts_and_other_corpora(tmp_path, capsys):
    """A submission in two shards, mixed N, or shards of different corpora are clear errors."""
    a = _fake_shard(tmp_path / "a.sqlite", "0/2", ["s1.ipynb", "s2.ipynb"])
    b = _fake_shard(tmp_path / "b.sqlite", "1/2", ["s2.ipynb"])
    target = tmp_path / "t.sqlite"
    assert cli_main(["merge", str(a), str(b), "--db", str(target)]) == 2
    assert "submission s2.ipynb is in both" in capsys.readouterr().err
    with GradebookDB.open(target) as db:
        assert db.submission_ids() == []  # nothing merged
    c = _fake_shard(tmp_path / "c.sqlite", "1/3", ["s3.ipynb"])
    assert cli_main(["merge", str(a), str(c), "--db", str(target)]) == 2
    assert "different shard counts" in capsys.readouterr().err
    d = _fake_shard(tmp_path / "d.sqlite", "1/2", ["s3.ipynb"], corpus="other")
    assert cli_main(["merge", str(a), str(d), "--db", str(target)]) == 2
    assert "different sets of submissions" in capsys.readouterr().err
    plain = tmp_path / "plain.sqlite"
    GradebookDB.open(plain).close()
    assert cli_main(["merge", str(plain), "--db", str(target)]) == 2
    assert "not written by `mbrl-course grade --shard`" in capsys.readouterr().err


def test_merge_keeps_manual_scores_of_the_target(tmp_path):
    """Merging shards into the course gradebook replaces auto parts and keeps human scores."""
    a = _fake_shard(tmp_path / "a.sqlite", "0/1", ["s1.ipynb"])
    target = tmp_path / "t.sqlite"
    with GradebookDB.open(target) as db:
        _fake_shard(target, "0/1", ["s1.ipynb"])
        db.set_manual_score(
            "s1.ipynb", "toy", "q9", items=(), points=2, comment="", grader="ta",
            expected_version=0,
        )  # fmt: skip
    assert cli_main(["merge", str(a), "--db", str(target)]) == 0
    with GradebookDB.open(target) as db:
        assert db.manual_score("s1.ipynb", "q9").points == 2
