"""Tests for `mbrl-course audit` on the toy fixture: killed, equivalent and surviving mutants."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from mbrl_course.audit import report
from mbrl_course.audit.cli import main as audit_main
from mbrl_course.audit.run import AssignmentAuditor

pytestmark = pytest.mark.slow  # mutation audits of the toy autograder

TOY = Path(__file__).parents[1] / "fixtures" / "toy"
KILLABLE = "add:arithmetic:a10b84e1"  # a + b -> a - b
EQUIVALENT = "run_episode:statements_swapped:b0a16a3b"  # reset() and the counters' init swapped
SURVIVOR = "run_episode:comparison:fdd261b8"  # steps < max_steps -> steps <= max_steps


@pytest.fixture(scope="module")
def toy_audit():
    """Audit three chosen toy mutants and two toy variants once (the real runner grades each)."""
    variants = Path(__file__).parents[1] / "fixtures" / "toy_variants"
    auditor = AssignmentAuditor(
        "00_toy",
        TOY / "notebooks" / "solution.ipynb",
        TOY / "autograder",
        student_nb=TOY / "notebooks" / "solution.ipynb",
        variants_dir=variants,
        equivalents={EQUIVALENT: "both statements only initialise; their order cannot matter"},
    )
    return auditor.run(1, mutant_ids={KILLABLE, EQUIVALENT, SURVIVOR})


def _verdicts(audit) -> dict[str, str]:
    return {m.id: m.verdict for m in audit.mutants}


def test_known_killable_mutant_is_killed(toy_audit) -> None:
    """`a + b` -> `a - b` fails q1's tests, so it counts as killed for q1."""
    assert _verdicts(toy_audit)[KILLABLE] == "killed"
    killed = next(m for m in toy_audit.mutants if m.id == KILLABLE)
    assert killed.question == "q1" and any(k.startswith("q1:") for k in killed.failed)


def test_killed_mutant_is_diagnosed_with_its_messages(toy_audit) -> None:
    """The killed `add` mutant fails tests declaring `add`; the report keeps their messages."""
    killed = next(m for m in toy_audit.mutants if m.id == KILLABLE)
    assert killed.behaviour == "add" and killed.diagnosed is True
    assert set(killed.messages) == set(killed.failed) and all(killed.messages.values())
    section = report.audit_to_json(toy_audit, "digest")
    assert section["diagnosis"][0] == {
        "question": "q1",
        "killed": 1,
        "diagnosed": 1,
        "accuracy": 1.0,
        "charged_once": 1,
    }
    assert "q1:test_add_small" not in section["undeclared"]
    markdown = "\n".join(report.assignment_markdown("00_toy", section))
    assert "Overall: 1 of 1 killed mutants (100.0%) diagnosed" in markdown


def test_listed_equivalent_mutant_is_counted_apart(toy_audit) -> None:
    """A survivor listed in the equivalents file is `equivalent` with its reason, not a survivor."""
    assert _verdicts(toy_audit)[EQUIVALENT] == "equivalent"
    rows = {r["question"]: r for r in report.question_rows(toy_audit)}
    assert rows["q3"]["equivalent"] == 1 and rows["q3"]["survived"] == 1
    assert rows["q3"]["score"] == 0.0  # 0 of the 1 non-equivalent q3 mutant detected
    section = report.audit_to_json(toy_audit, "digest")
    assert section["equivalent"][0]["reason"].startswith("both statements")


def test_surviving_mutant_is_reported_with_its_diff(toy_audit) -> None:
    """The `<=` survivor appears in the report as a unified diff of the one changed line."""
    section = report.audit_to_json(toy_audit, "digest")
    (survivor,) = section["survivors"]
    assert survivor["id"] == SURVIVOR
    assert "-    while not done and steps < max_steps:" in survivor["diff"]
    assert "+    while not done and steps <= max_steps:" in survivor["diff"]
    text = report.survivors_markdown("00_toy", section)
    assert SURVIVOR in text and "```diff" in text


def test_false_rejects_are_reported(toy_audit) -> None:
    """A correct variant gets full marks; a 'correct' one that is wrong is a false reject."""
    by_name = {v.variant: v for v in toy_audit.variants}
    assert by_name["correct_add_numpy"].failed == []
    assert by_name["correct_add_wrong_on_floats"].failed
    section = report.audit_to_json(toy_audit, "digest")
    assert [v["variant"] for v in section["false_rejects"]] == ["correct_add_wrong_on_floats"]
    assert "FALSE REJECT" in report.report_markdown(
        {"digest": "d", "assignments": {"00_toy": section}}
    )


def test_cli_writes_the_report_files(tmp_path: Path) -> None:
    """`mbrl-course audit --mutant` on a course folder prints; a full run writes the report."""
    course = tmp_path / "course"
    (course / "autograder" / "00_toy").mkdir(parents=True)
    shutil.copytree(TOY / "autograder", course / "autograder" / "00_toy", dirs_exist_ok=True)
    nb = nbformat.read(TOY / "notebooks" / "solution.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if "def add" in c.source or "import numpy" in c.source]
    nbformat.write(nb, course / "autograder" / "00_toy" / "00_toy.ipynb")
    for q in ("q2", "q3", "q4"):  # keep only q1 (add): two mutants, fast
        (course / "autograder" / "00_toy" / "tests" / f"{q}.py").unlink()
    (course / "solutions" / "00_toy").mkdir(parents=True)
    out = tmp_path / "audit"
    assert (
        audit_main(["--root", str(course), "--no-progress", "--jobs", "1", "--out", str(out)]) == 0
    )
    data = json.loads((out / "report.json").read_text())
    section = data["assignments"]["00_toy"]
    assert section["questions"][0]["question"] == "q1"
    assert section["questions"][0]["killed"] == section["questions"][0]["mutants"] == 2
    assert (out / "REPORT.md").read_text().startswith("# Mutation audit")
    assert (out / "SURVIVORS-00_toy.md").is_file()
