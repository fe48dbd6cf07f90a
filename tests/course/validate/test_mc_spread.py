"""Tests of the multiple-choice spread check (`validate`, issue 21.3) on toy masters and the course."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mbrl_course.validate.mc_spread import (
    length_warnings,
    longest_warnings,
    max_per_letter,
    read_choices,
    read_course,
    spread_problems,
)

REPO = Path(__file__).resolve().parents[3]


def _master(folder: Path, name: str, questions: list[tuple[str, str, dict[str, str]]]) -> Path:
    """A master with one multiple-choice question per (name, answer, options), in otter's layout."""
    nb = nbformat.v4.new_notebook()
    for q, answer, options in questions:
        bullets = "\n".join(f"* **({k})** {v}" for k, v in options.items())
        nb.cells += [
            nbformat.v4.new_raw_cell(f"# BEGIN QUESTION\nname: {q}\npoints: 1"),
            nbformat.v4.new_markdown_cell(f"**Question.** Which one?\n\n{bullets}\n\nSet `{q}`."),
            nbformat.v4.new_raw_cell("# BEGIN SOLUTION"),
            nbformat.v4.new_code_cell(f'{q} = "{answer}"  # SOLUTION'),
            nbformat.v4.new_raw_cell("# END SOLUTION"),
            nbformat.v4.new_raw_cell("# END QUESTION"),
        ]
    path = folder / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


EVEN = {"a": "one option", "b": "two option", "c": "red option", "d": "blue optio"}


def test_reads_answers_and_multi_line_options(tmp_path: Path) -> None:
    """The answer letter comes from the solution line, option texts join continuation lines."""
    path = _master(tmp_path, "01_x", [("q1_1", "c", {**EVEN, "c": "first line\n  second line"})])
    (choice,) = read_choices(path)
    assert (choice.question, choice.answer, choice.label) == ("q1_1", "c", "01 q1_1")
    assert choice.options["c"] == "first line second line" and len(choice.options) == 4


def test_a_letter_holding_too_many_answers_is_a_problem(tmp_path: Path) -> None:
    """Five "b" answers of eight (62%) fail, naming the questions; validate names only the notebooks involved."""
    _master(tmp_path, "01_x", [(f"q{i}_1", "b", EVEN) for i in range(1, 4)])
    _master(tmp_path, "02_y", [("q1_1", "b", EVEN), ("q2_1", "b", EVEN), ("q3_1", "a", EVEN)])
    _master(tmp_path, "03_z", [("q1_1", "c", EVEN), ("q2_1", "d", EVEN)])
    course = read_course(tmp_path)
    (problem,) = spread_problems(course)
    assert '"b" is the answer of 5 of the course\'s 8 questions' in problem
    assert "01 q1_1" in problem and "02 q2_1" in problem
    assert spread_problems(course, "02_y") == [problem]
    assert spread_problems(course, "03_z") == []


def test_an_even_spread_passes_even_when_35_percent_is_impossible() -> None:
    """One letter may hold 35% of the answers, or an even share where 35% cannot be met."""
    assert [max_per_letter(n) for n in (1, 2, 5, 14, 20)] == [1, 1, 2, 4, 7]


def test_long_correct_options_are_warned(tmp_path: Path) -> None:
    """A correct option 1.5 times longer than its distractors, or longest too often, is warned."""
    long_right = {"a": "x" * 40, "b": "y" * 100, "c": "z" * 40, "d": "w" * 40}
    _master(tmp_path, "01_x", [("q1_1", "b", long_right), ("q2_1", "a", EVEN)])
    course = read_course(tmp_path)
    (warning,) = length_warnings(course)
    assert "01 q1_1" in warning and "(b) has 100 characters, 2.5 times" in warning
    assert longest_warnings(course) == []  # 1 of 2 is an even share
    _master(tmp_path, "02_y", [("q1_1", "d", {**EVEN, "d": "the longest option"})] * 1)
    assert "longest in 2 of the course's 3 questions" in longest_warnings(read_course(tmp_path))[0]


@pytest.mark.parametrize(
    "name", ["01_model_learning", "02_dyna", "03_model_errors", "04_modern_methods"]
)
def test_the_course_answers_cannot_be_guessed(name: str) -> None:
    """The real masters: every notebook's questions are read and the course passes both rules."""
    course = read_course(REPO / "solutions")
    assert len(course) == 14 and any(c.assignment == name for c in course)
    assert all(len(c.options) == 4 for c in course)
    assert spread_problems(course, name) == []
    assert length_warnings(course) == [] and longest_warnings(course) == []
