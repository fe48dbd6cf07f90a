"""`validate` checks for written (manual) questions: answerable, with a rubric that adds up.

Why: a written question whose master lacks ``manual: true`` gets no answer cell from otter (its
placeholder ends up in the locked prompt cell), so students cannot answer it; and a rubric whose
items do not add up to the question's points makes manual grading unfair. Both are master bugs
that only show up in the generated notebook, so validate checks the pair.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..written.answers import PLACEHOLDER, extract_written_answers
from ..written.rubrics import (
    RubricError,
    master_questions,
    parse_rubric,
    question_prompt,
    rubric_cell_index,
    split_rubric,
)


def _looks_written(nb: nbformat.NotebookNode, question) -> str:
    """Return why a non-manual question looks like a written one ('' if it does not)."""
    if rubric_cell_index(nb, question) is not None:
        return "it has a rubric"
    cells = [nb.cells[i] for i in question.cells]
    if any(PLACEHOLDER in c.source for c in cells if c.cell_type == "markdown"):
        return "its prompt holds the answer placeholder"
    solutions = [nb.cells[i] for i in question.solution_cells]
    if solutions and all(c.cell_type == "markdown" for c in solutions):
        return "its solution is Markdown only"
    return ""


def check_master(nb: nbformat.NotebookNode) -> list[str]:
    """Return the problems of a master's written questions (manual flag, rubric, points)."""
    problems = []
    for question in master_questions(nb):
        if not question.manual:
            why = _looks_written(nb, question)
            if why:
                problems.append(
                    f"{question.name} looks like a written question ({why}) but its BEGIN "
                    "QUESTION cell lacks `manual: true`: otter then gives students no answer "
                    "cell. Add `manual: true`."
                )
            continue
        index = rubric_cell_index(nb, question)
        if index is None:
            problems.append(
                f"{question.name}: written question without a rubric (a Markdown cell with "
                "'**Rubric** (N points):' and items '- (1 pt) text')"
            )
            continue
        try:
            points, items, _ = parse_rubric(split_rubric(nb.cells[index].source)[1], question.name)
        except RubricError as exc:
            problems.append(f"rubric: {exc}")
            continue
        total = round(sum(item.points for item in items), 6)
        if points != question.points or total != question.points:
            problems.append(
                f"{question.name}: the rubric's items add up to {total:g} and its header says "
                f"{points:g} points, but the question is worth {question.points:g}"
            )
    return problems


def check_student(master: nbformat.NotebookNode, student: nbformat.NotebookNode) -> list[str]:
    """Return problems with the student notebook's answer cells for the master's manual questions."""
    manual = [q for q in master_questions(master) if q.manual]
    prompts = {q.name: question_prompt(master, q) for q in manual}
    answers = extract_written_answers(student, [q.name for q in manual], prompts)
    problems = []
    for question, (status, _) in answers.items():
        if status != "empty":
            problems.append(
                f"{question}: the student notebook has no editable, empty answer cell for this "
                f"written question (status {status!r})"
            )
    for cell in student.cells:
        metadata = cell.get("metadata", {})
        if "otter_answer_cell" in metadata.get("tags", []) and metadata.get("editable") is False:
            problems.append(
                f"an answer cell is locked (editable: false): {cell.source.strip()[:50]!r}"
            )
        if cell.cell_type == "markdown" and PLACEHOLDER in cell.source:
            if cell.get("metadata", {}).get("editable") is False:
                problems.append(
                    "a locked cell of the student notebook holds the answer placeholder "
                    f"({cell.source.strip()[:50]!r}...): students cannot answer there"
                )
    return problems


def check_written(master_path: Path, student_path: Path) -> list[str]:
    """Return every written-question problem of one assignment (master and student notebook)."""
    if not master_path.is_file():
        return []
    master = nbformat.read(master_path, as_version=4)
    problems = check_master(master)
    if student_path.is_file():
        problems += check_student(master, nbformat.read(student_path, as_version=4))
    return problems
