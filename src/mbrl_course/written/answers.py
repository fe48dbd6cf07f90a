"""Written (otter ``manual: true``) questions: a student's answers, found in any notebook.

Why: a written answer must be found in every notebook we are handed, including broken ones, with
a status instead of a crash, so that it can be graded (review page, PDFs) and never lost.

Answers in a student notebook built by otter 7.0.0: each manual question is a block starting with
a Markdown cell whose source begins with ``<!-- BEGIN QUESTION -->`` (the locked prompt), then the
answer cell(s) (otter tags them ``otter_answer_cell``; a student may add cells), and ends at a
cell whose source begins with ``<!-- END QUESTION -->``. The markers do not name the question, so
blocks are matched to questions by their prompt text when known, else by order.

The rubric side (syntax, parsing, rubrics.json) lives in :mod:`mbrl_course.written.rubrics`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import nbformat

BEGIN_MARKER = "<!-- BEGIN QUESTION -->"
END_MARKER = "<!-- END QUESTION -->"
PLACEHOLDER = "_Type your answer here, replacing this text._"
STATUSES = ("ok", "empty", "missing", "malformed")

# --------------------------------------------------------------------------- student answers


@dataclass
class _Block:
    prompt: str
    answer_cells: list[str]
    closed: bool


def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(s) for s in source)
    return source if isinstance(source, str) else ""


def _is_locked(cell: Mapping) -> bool:
    metadata = cell.get("metadata") or {}
    tags = metadata.get("tags") or []
    return metadata.get("editable") is False and "otter_answer_cell" not in tags


def _blocks(cells: Sequence[Mapping]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    in_prompt = False
    for cell in cells:
        rest = _source(cell).lstrip()
        if current is not None and rest.startswith(END_MARKER):
            current.closed = True
            blocks.append(current)
            current = None
            # otter merges an END marker and the next question's BEGIN marker into one cell
            rest = rest[len(END_MARKER) :].lstrip()
            if not rest.startswith(BEGIN_MARKER):
                continue
        if rest.startswith(BEGIN_MARKER):
            if current is not None:  # a BEGIN before the END: the previous block is unterminated
                blocks.append(current)
            current = _Block(rest[len(BEGIN_MARKER) :].strip(), [], False)
            in_prompt = True
        elif current is not None:
            if in_prompt and _is_locked(cell):  # further locked prompt cells (otter keeps them)
                current.prompt = f"{current.prompt}\n\n{_source(cell).strip()}".strip()
                continue
            in_prompt = False
            current.answer_cells.append(_source(cell))
    if current is not None:
        blocks.append(current)
    return blocks


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _answer(block: _Block) -> tuple[str, str]:
    if not block.answer_cells:
        return "missing", ""
    text = "\n\n".join(s.strip() for s in block.answer_cells if s.strip())
    if not block.closed:
        return "malformed", text
    if not text or _normalise(text) == _normalise(PLACEHOLDER):
        return "empty", ""
    return "ok", text


def _match_prompt(
    block: _Block, questions: Sequence[str], prompts: Mapping[str, str], taken: Mapping
) -> str | None:
    """The question whose prompt is `block`'s prompt (exactly, else as its first part)."""
    mine = _normalise(block.prompt)
    if not mine:
        return None
    free = [q for q in questions if q not in taken and prompts.get(q)]
    for question in free:
        if _normalise(prompts[question]) == mine:
            return question
    for question in free:
        if _normalise(prompts[question]).startswith(mine):
            return question
    return None


def _absorb_prompt_cells(block: _Block, prompt: str) -> None:
    """Move leading 'answer' cells that are really the rest of a multi-cell prompt to the prompt.

    Needed when cell metadata (otter's locks) was dropped, e.g. by the submission reader.
    """
    full = _normalise(prompt)
    while block.answer_cells and _normalise(block.prompt) != full:
        longer = _normalise(f"{block.prompt} {block.answer_cells[0]}")
        if not full.startswith(longer):
            break
        block.prompt = f"{block.prompt}\n\n{block.answer_cells.pop(0).strip()}"


def extract_written_answers(
    notebook: nbformat.NotebookNode,
    questions: Sequence[str],
    prompts: Mapping[str, str] | None = None,
) -> dict[str, tuple[str, str]]:
    """Return {question: (status, markdown text)} for the written questions of a student notebook.

    `questions` are the manual questions in notebook order. `prompts` (question -> prompt
    Markdown, e.g. from :func:`load_rubrics`) lets blocks be matched by their locked prompt text,
    which survives a student deleting or reordering blocks; without it blocks match by order.

    Statuses: ``ok`` (an answer), ``empty`` (answer cell blank or still the placeholder),
    ``missing`` (no block or no answer cell for the question), ``malformed`` (the block's END
    marker is gone, or blocks cannot be matched to questions; the text is what could be salvaged).
    Never raises on a broken notebook.
    """
    cells = notebook.get("cells") if isinstance(notebook, Mapping) else None
    if not isinstance(cells, list):
        return {q: ("malformed", "") for q in questions}
    cells = [c for c in cells if isinstance(c, Mapping)]
    blocks = _blocks(cells)
    result: dict[str, tuple[str, str]] = {}
    if prompts:
        unmatched: list[_Block] = []
        for block in blocks:
            question = _match_prompt(block, questions, prompts, result)
            if question is not None:
                _absorb_prompt_cells(block, prompts[question])
                result[question] = _answer(block)
            else:
                unmatched.append(block)
        rest = [q for q in questions if q not in result]
        if len(unmatched) == len(rest):  # prompts edited: fall back to order for the rest
            for question, block in zip(rest, unmatched, strict=True):
                result[question] = _answer(block)
        for question in rest:
            result.setdefault(question, ("missing", "") if not unmatched else ("malformed", ""))
        return {q: result[q] for q in questions}
    if len(blocks) == len(questions):
        return {q: _answer(b) for q, b in zip(questions, blocks, strict=True)}
    if not blocks:
        return {q: ("missing", "") for q in questions}
    return {q: ("malformed", "") for q in questions}


def status_message(status: str) -> str:
    """Return a sentence for graders (and PDFs) explaining an answer status."""
    return {
        "ok": "",
        "empty": "No answer: the answer cell is empty or still holds the placeholder text.",
        "missing": "No answer cell for this question was found in the notebook (deleted?).",
        "malformed": (
            "The question's cells are damaged (a question marker was deleted or moved); "
            "the text shown is what could be recovered. Check the notebook by hand."
        ),
    }.get(status, f"Unknown status {status!r}.")
