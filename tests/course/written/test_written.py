"""Tests for mbrl_course.written.answers: rubric parsing, rubric storage and answer extraction."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook, new_raw_cell

from mbrl_course.course import default_layout
from mbrl_course.written import rubrics as rubric_mod
from mbrl_course.written.answers import (
    BEGIN_MARKER,
    END_MARKER,
    PLACEHOLDER,
    extract_written_answers,
)
from mbrl_course.written.rubrics import Rubric, RubricError, load_rubrics, parse_rubric

ROOT = Path(__file__).resolve().parents[3]
RUBRIC = """**Rubric** (2 points):

- (1 pt) The conflict between real and
  planned updates.
- (0.5 pts) More planning makes it worse.
* 0.5: The pure planner cannot recover.

Half points for partial answers.
"""


def _locked(source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source, metadata={"deletable": False, "editable": False})


def _answer(source: str = PLACEHOLDER) -> nbformat.NotebookNode:
    return new_markdown_cell(source, metadata={"tags": ["otter_answer_cell"]})


def student_nb(*answers: str | None) -> nbformat.NotebookNode:
    """A student notebook as otter writes it: one block per answer (None: no answer cell)."""
    cells = [new_markdown_cell("# Intro")]
    for k, answer in enumerate(answers, start=1):
        cells.append(_locked(f"{BEGIN_MARKER}\n\n**Question {k}.** Explain thing {k}."))
        if answer is not None:
            cells.append(_answer(answer))
        cells.append(_locked(f"{END_MARKER}\n\n## Next part"))
    return new_notebook(cells=cells)


def test_parse_rubric_items_points_and_notes():
    """Items get ids in order, continuation lines join the label, trailing text becomes notes."""
    points, items, notes = parse_rubric(RUBRIC, "q1")
    assert points == 2.0
    assert [(i.id, i.points) for i in items] == [("1", 1.0), ("2", 0.5), ("3", 0.5)]
    assert items[0].label == "The conflict between real and planned updates."
    assert notes == "Half points for partial answers."


def test_parse_rubric_accepts_the_older_header_form():
    """`**Rubric (2 points).**` with `* 1 pt: text` items parses as well."""
    points, items, _ = parse_rubric("**Rubric (2 points).**\n* 1 pt: a\n* 1 pt: b\n", "q1")
    assert points == 2.0 and [i.label for i in items] == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        "**Rubric (2 points).** 1 point: prose instead of a list. 1 point: more prose.",
        "**Rubric** (2 points):\n\n- a line without points\n",
        "No header here\n- (1 pt) a\n",
    ],
)
def test_parse_rubric_rejects_bad_syntax(text):
    """Prose rubrics, items without points and a missing header are reported, naming the question."""
    with pytest.raises(RubricError, match="q9"):
        parse_rubric(text, "q9")


def _master(rubric_in_prompt: bool = False, manual: bool = True) -> nbformat.NotebookNode:
    prompt = "**Question 1.** Explain."
    cells = [
        new_raw_cell(
            "# BEGIN QUESTION\nname: q1_1\npoints: 2" + ("\nmanual: true" if manual else "")
        ),
        new_markdown_cell(prompt + ("\n\n" + RUBRIC if rubric_in_prompt else "")),
        new_raw_cell("# BEGIN SOLUTION"),
        new_markdown_cell(
            "**Model answer.** Because." + ("" if rubric_in_prompt else "\n\n" + RUBRIC)
        ),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# END QUESTION"),
    ]
    return new_notebook(cells=cells)


@pytest.mark.parametrize("in_prompt", [False, True])
def test_rubrics_from_master_finds_rubric_in_solution_or_prompt(in_prompt):
    """The rubric is found in a solution cell or the prompt cell; the prompt never includes it."""
    rubrics = rubric_mod.rubrics_from_master(_master(rubric_in_prompt=in_prompt))
    rubric = rubrics["q1_1"]
    assert rubric.points == 2.0 and rubric.item_total == 2.0
    assert rubric.prompt_md == "**Question 1.** Explain."


def test_strip_rubrics_removes_rubric_from_prompt_only():
    """strip_rubrics drops a prompt-cell rubric and leaves solution cells alone."""
    nb = _master(rubric_in_prompt=True)
    assert rubric_mod.strip_rubrics(nb) == 1
    assert "Rubric" not in nb.cells[1].source and nb.cells[1].source.startswith("**Question 1.**")
    nb = _master(rubric_in_prompt=False)
    assert rubric_mod.strip_rubrics(nb) == 0
    assert "Rubric" in nb.cells[3].source


def test_manual_question_without_rubric_is_an_error():
    """Every manual question needs a rubric."""
    nb = _master()
    nb.cells[3].source = "**Model answer.** Because."
    with pytest.raises(RubricError, match="q1_1"):
        rubric_mod.rubrics_from_master(nb)


def test_rubrics_json_round_trip_and_determinism(tmp_path):
    """write_rubrics is byte-identical on rerun and load_rubrics returns the parsed rubric."""
    master = tmp_path / "01_toy.ipynb"
    nbformat.write(_master(), master)
    first = rubric_mod.write_rubrics(master, tmp_path).read_bytes()
    second = rubric_mod.write_rubrics(master, tmp_path).read_bytes()
    assert first == second
    loaded = load_rubrics(tmp_path)
    assert isinstance(loaded["q1_1"], Rubric)
    assert loaded == rubric_mod.rubrics_from_master(_master())
    assert load_rubrics(tmp_path / "nowhere") == {}


def test_extract_ok_empty_and_missing():
    """An answer is ok, the placeholder or blank is empty, a deleted answer cell is missing."""
    nb = student_nb("Because $x^2$ grows.", PLACEHOLDER, "   ", None)
    got = extract_written_answers(nb, ["a", "b", "c", "d"])
    assert got == {
        "a": ("ok", "Because $x^2$ grows."),
        "b": ("empty", ""),
        "c": ("empty", ""),
        "d": ("missing", ""),
    }


def test_extract_joins_cells_the_student_added():
    """Extra cells a student inserts inside the block are part of the answer."""
    nb = student_nb("Part one.")
    nb.cells.insert(3, new_markdown_cell("Part two."))
    assert extract_written_answers(nb, ["a"]) == {"a": ("ok", "Part one.\n\nPart two.")}


def test_extract_unterminated_block_is_malformed_but_keeps_text():
    """A deleted END marker gives status malformed with the recovered text."""
    nb = student_nb("My answer.")
    del nb.cells[-1]
    assert extract_written_answers(nb, ["a"]) == {"a": ("malformed", "My answer.")}


def test_extract_by_prompt_survives_deleted_block():
    """With prompts, the remaining blocks still match their questions when one block is gone."""
    nb = student_nb("first", "second")
    del nb.cells[1:4]  # the whole first block
    prompts = {"a": "**Question 1.** Explain thing 1.", "b": "**Question 2.** Explain thing 2."}
    got = extract_written_answers(nb, ["a", "b"], prompts)
    assert got == {"a": ("missing", ""), "b": ("ok", "second")}
    assert extract_written_answers(nb, ["a", "b"])["a"][0] == "malformed"


def test_extract_never_crashes_on_garbage():
    """A notebook without a cell list gives malformed for every question."""
    assert extract_written_answers(nbformat.NotebookNode(cells="nope"), ["a"]) == {
        "a": ("malformed", "")
    }
    assert extract_written_answers(student_nb(), ["a"]) == {"a": ("missing", "")}


def test_extract_on_the_real_student_notebook():
    """The committed student notebook of 01 has one empty block per written question."""
    name = "01_model_learning"
    layout = default_layout(ROOT)
    rubrics = load_rubrics(layout.autograder / name)
    assert rubrics, "autograder/01_model_learning/rubrics.json is missing"
    nb = nbformat.read(layout.assignments / name / f"{name}.ipynb", as_version=4)
    prompts = {q: r.prompt_md for q, r in rubrics.items()}
    got = extract_written_answers(nb, list(rubrics), prompts)
    assert got == {q: ("empty", "") for q in rubrics}


def test_extract_handles_end_and_begin_merged_in_one_cell():
    """Otter merges one question's END marker and the next one's BEGIN marker into one cell."""
    nb = new_notebook(
        cells=[
            _locked(f"{BEGIN_MARKER}\n\n**Q1.**"),
            _answer("one"),
            _locked(f"{END_MARKER}\n\n{BEGIN_MARKER}\n\n**Q2.**"),
            _answer("two"),
            _locked(f"{END_MARKER}\n\nMore text."),
        ]
    )
    assert extract_written_answers(nb, ["a", "b"]) == {"a": ("ok", "one"), "b": ("ok", "two")}
    assert extract_written_answers(nb, ["a", "b"], {"a": "**Q1.**", "b": "**Q2.**"})["b"] == (
        "ok",
        "two",
    )


def test_extract_multi_cell_prompt_without_metadata():
    """A two-cell prompt whose locks were stripped is not mistaken for the answer (with prompts)."""
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"{BEGIN_MARKER}\n\n**Q1.** Part one."),
            new_markdown_cell("Part two of the prompt."),
            new_markdown_cell("The answer."),
            new_markdown_cell(f"{END_MARKER}"),
        ]
    )
    prompts = {"a": "**Q1.** Part one.\n\nPart two of the prompt."}
    assert extract_written_answers(nb, ["a"], prompts) == {"a": ("ok", "The answer.")}
