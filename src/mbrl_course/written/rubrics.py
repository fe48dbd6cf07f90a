"""Rubrics of written (otter ``manual: true``) questions: syntax in the masters, rubrics.json.

Why: the written questions carry real points, so their rubric must be data, parsed once by the
build and stored in ``autograder/NN/rubrics.json`` for the review page and the PDFs.

Rubric syntax in a master (see docs/design.md, "Written answers"): inside the question (between
``# BEGIN QUESTION`` and ``# END QUESTION``), a Markdown cell holds, from a header line to the end
of that cell::

    **Rubric** (2 points):

    - (1 pt) The conflict between real and planned updates.
    - (0.5 pts) More planning makes it worse.
    - (0.5 pts) The pure planner cannot recover.

    Optional free notes for graders after the list.

Item points may also be written ``- 0.5: text`` or ``- 1 pt: text``; bullets may be ``-``, ``*`` or
``+``. The header may be ``**Rubric (2 points).**``. Items must add up to the header's points,
which must equal the question's ``points:``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat

RUBRICS_FILE = "rubrics.json"

RUBRIC_HEADER_RE = re.compile(
    r"^[ \t]*\*\*Rubric[ \t]*(?:\*\*[ \t]*)?\([ \t]*(?P<points>\d+(?:\.\d+)?)[ \t]*points?[ \t]*\)"
    r"[ \t]*[.:]?[ \t]*(?:\*\*)?[ \t]*[.:]?",
    re.I | re.M,
)
BULLET_RE = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<body>.*)$")
ITEM_POINTS_RES = (
    re.compile(r"^\(\s*(?P<p>\d+(?:\.\d+)?)\s*(?:pts?|points?)?\s*\)\s*:?\s*(?P<label>.*)$", re.I),
    re.compile(r"^(?P<p>\d+(?:\.\d+)?)\s*(?:pts?|points?)?\s*:\s*(?P<label>.*)$", re.I),
)


class RubricError(ValueError):
    """A master's rubric does not follow the syntax in this module's docstring."""


@dataclass(frozen=True)
class RubricItem:
    """One rubric line: a stable id ("1", "2", ... in master order), its text and its points."""

    id: str
    label: str
    points: float


@dataclass(frozen=True)
class Rubric:
    """The rubric of one written question, with the prompt the student saw (Markdown)."""

    question: str
    points: float
    prompt_md: str
    items: tuple[RubricItem, ...]
    notes: str = ""
    """Free grader notes written after the item list (Markdown), possibly empty."""

    @property
    def item_total(self) -> float:
        """Sum of the items' points (must equal `points`)."""
        return round(sum(item.points for item in self.items), 6)

    def to_json(self) -> dict:
        """Return the JSON form stored in rubrics.json."""
        return {
            "question": self.question,
            "points": self.points,
            "prompt_md": self.prompt_md,
            "items": [{"id": i.id, "label": i.label, "points": i.points} for i in self.items],
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Rubric:
        """Inverse of :meth:`to_json`."""
        items = tuple(
            RubricItem(str(i["id"]), str(i["label"]), float(i["points"])) for i in data["items"]
        )
        return cls(
            question=str(data["question"]),
            points=float(data["points"]),
            prompt_md=str(data.get("prompt_md", "")),
            items=items,
            notes=str(data.get("notes", "")),
        )


# --------------------------------------------------------------------------- rubric parsing


def find_rubric_header(markdown: str) -> re.Match | None:
    """Return the rubric header match in a Markdown cell source, or None."""
    return RUBRIC_HEADER_RE.search(markdown)


def split_rubric(markdown: str) -> tuple[str, str]:
    """Split a Markdown cell into (text before the rubric, rubric text); rubric '' if none."""
    match = find_rubric_header(markdown)
    if match is None:
        return markdown, ""
    return markdown[: match.start()].rstrip(), markdown[match.start() :].strip()


def parse_rubric(text: str, question: str) -> tuple[float, tuple[RubricItem, ...], str]:
    """Parse rubric text (header, list, notes) into (header points, items, notes).

    Raises RubricError with a message naming the question and the offending line.
    """
    match = find_rubric_header(text)
    if match is None:
        raise RubricError(f"{question}: no '**Rubric** (N points):' header")
    header_points = float(match.group("points"))
    items: list[tuple[float, list[str]]] = []
    notes: list[str] = []
    in_list = False
    for line in text[match.end() :].splitlines():
        bullet = BULLET_RE.match(line)
        if bullet and not bullet.group("indent") and not notes:
            body = bullet.group("body").strip()
            for pattern in ITEM_POINTS_RES:
                item = pattern.match(body)
                if item:
                    items.append((float(item.group("p")), [item.group("label").strip()]))
                    break
            else:
                raise RubricError(
                    f"{question}: rubric item without points (write '- (1 pt) text'): {line.strip()!r}"
                )
            in_list = True
        elif in_list and line.strip() and line[:1].isspace() and not notes:
            items[-1][1].append(line.strip())
        elif line.strip():
            if not items:
                raise RubricError(
                    f"{question}: rubric items must be a Markdown list '- (1 pt) text' right "
                    f"after the header, found {line.strip()[:60]!r}"
                )
            notes.append(line.strip() if not notes else line.rstrip())
            in_list = False
        elif notes:
            notes.append("")
    if not items:
        raise RubricError(f"{question}: the rubric has no items")
    parsed = tuple(
        RubricItem(id=str(k), label=" ".join(lines).strip(), points=points)
        for k, (points, lines) in enumerate(items, start=1)
    )
    return header_points, parsed, "\n".join(notes).strip()


# --------------------------------------------------------------------------- masters


@dataclass(frozen=True)
class MasterQuestion:
    """One question of a master: its config and where its cells are."""

    name: str
    points: float
    manual: bool
    cells: tuple[int, ...]
    """Indices of the cells strictly between BEGIN QUESTION and END QUESTION."""
    solution_cells: frozenset[int]
    """Indices (subset of `cells`) inside BEGIN SOLUTION / END SOLUTION."""


def _raw_marker(source: str) -> str:
    return source.strip().splitlines()[0].strip().upper() if source.strip() else ""


def master_questions(nb: nbformat.NotebookNode) -> list[MasterQuestion]:
    """Return the questions of a master notebook in order (name, points, manual, cell indices)."""
    import yaml

    questions: list[MasterQuestion] = []
    current: dict | None = None
    in_solution = False
    for index, cell in enumerate(nb.cells):
        marker = _raw_marker(cell.source) if cell.cell_type == "raw" else ""
        if marker.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1] if "\n" in cell.source else "")
            config = config if isinstance(config, dict) else {}
            current = {
                "name": str(config.get("name", f"question_{len(questions) + 1}")),
                "points": float(config.get("points", 0) or 0),
                "manual": bool(config.get("manual", False)),
                "cells": [],
                "solution": set(),
            }
            in_solution = False
        elif marker.startswith("# END QUESTION"):
            if current is not None:
                questions.append(
                    MasterQuestion(
                        current["name"],
                        current["points"],
                        current["manual"],
                        tuple(current["cells"]),
                        frozenset(current["solution"]),
                    )
                )
            current = None
        elif current is not None:
            if marker.startswith("# BEGIN SOLUTION"):
                in_solution = True
            elif marker.startswith("# END SOLUTION"):
                in_solution = False
            elif marker.startswith(("# BEGIN TESTS", "# END TESTS", "# BEGIN PROMPT")):
                pass
            elif marker.startswith("# END PROMPT"):
                pass
            else:
                current["cells"].append(index)
                if in_solution:
                    current["solution"].add(index)
    return questions


def rubric_cell_index(nb: nbformat.NotebookNode, question: MasterQuestion) -> int | None:
    """Return the index of the Markdown cell holding `question`'s rubric, or None."""
    for index in question.cells:
        cell = nb.cells[index]
        if cell.cell_type == "markdown" and find_rubric_header(cell.source):
            return index
    return None


def question_prompt(nb: nbformat.NotebookNode, question: MasterQuestion) -> str:
    """Return the prompt Markdown a student sees: the question's non-solution Markdown cells."""
    parts = []
    for index in question.cells:
        cell = nb.cells[index]
        if cell.cell_type != "markdown" or index in question.solution_cells:
            continue
        before, _ = split_rubric(cell.source)
        if before.strip():
            parts.append(before.strip())
    return "\n\n".join(parts)


def rubrics_from_master(nb: nbformat.NotebookNode) -> dict[str, Rubric]:
    """Parse the rubric of every manual question of a master (RubricError when one is bad).

    A manual question without a rubric is an error too: every written point needs a rubric.
    """
    rubrics: dict[str, Rubric] = {}
    for question in master_questions(nb):
        if not question.manual:
            continue
        index = rubric_cell_index(nb, question)
        if index is None:
            raise RubricError(f"{question.name}: manual question without a '**Rubric**' cell")
        _, text = split_rubric(nb.cells[index].source)
        points, items, notes = parse_rubric(text, question.name)
        rubrics[question.name] = Rubric(
            question=question.name,
            points=points,
            prompt_md=question_prompt(nb, question),
            items=items,
            notes=notes,
        )
    return rubrics


def strip_rubrics(nb: nbformat.NotebookNode) -> int:
    """Remove rubric text from non-solution cells of questions (in place); return how many.

    Rubrics inside a solution block never reach students (otter drops the block); a rubric written
    in the prompt cell would, so the build strips it before `otter assign`.
    """
    stripped = 0
    for question in master_questions(nb):
        for index in question.cells:
            cell = nb.cells[index]
            if cell.cell_type != "markdown" or index in question.solution_cells:
                continue
            before, rubric = split_rubric(cell.source)
            if rubric:
                cell.source = before
                stripped += 1
    return stripped


def prepare_master_for_build(staged_master: Path) -> dict[str, Rubric]:
    """Parse the staged master's well-formed rubrics, strip prompt rubrics in place; return them.

    The build stays lenient (a bad rubric is reported by `validate`, see written_checks) so one
    notebook's rubric typo does not block building the others.
    """
    nb = nbformat.read(staged_master, as_version=4)
    rubrics: dict[str, Rubric] = {}
    for question in master_questions(nb):
        index = rubric_cell_index(nb, question) if question.manual else None
        if index is None:
            continue
        try:
            points, items, notes = parse_rubric(
                split_rubric(nb.cells[index].source)[1], question.name
            )
        except RubricError:
            continue
        prompt = question_prompt(nb, question)
        rubrics[question.name] = Rubric(question.name, points, prompt, items, notes)
    if strip_rubrics(nb):
        nbformat.write(nb, staged_master)
    return rubrics


def rubrics_json(rubrics: Mapping[str, Rubric], assignment: str) -> str:
    """Return the deterministic rubrics.json text for an assignment."""
    data = {
        "assignment": assignment,
        "questions": [rubric.to_json() for rubric in rubrics.values()],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_rubrics(master: Path, autograder_dir: Path) -> Path:
    """Parse `master`'s rubrics and write `autograder_dir/rubrics.json`; return its path."""
    nb = nbformat.read(master, as_version=4)
    path = autograder_dir / RUBRICS_FILE
    path.write_text(rubrics_json(rubrics_from_master(nb), master.stem), encoding="utf-8")
    return path


def load_rubrics(autograder_dir: Path) -> dict[str, Rubric]:
    """Return {question: Rubric} from `autograder_dir/rubrics.json`, in notebook order.

    An autograder folder without rubrics.json (an assignment without written questions, or one
    built before rubrics existed) gives {}.
    """
    path = Path(autograder_dir) / RUBRICS_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    rubrics = [Rubric.from_json(entry) for entry in data.get("questions", [])]
    return {rubric.question: rubric for rubric in rubrics}
