"""Multiple-choice answers that cannot be guessed: letters spread, correct options not the longest.

Why per course: the course has 14 multiple-choice questions, so a letter holding more than 35 %
of them (5 or more) is a pattern a student can exploit ("always b"), while one notebook has
two to six questions, where any letter holds at least a third (a 35 % rule per notebook would
be impossible to meet with 2 or 3 questions). The spread is therefore checked over all masters
together and a notebook is reported when its answers use the over-used letter. The length rule
is per question: a correct option much longer than its distractors gives the answer away, so
it is a warning (a reviewer's judgement, not a build failure), and so is a course where the
correct option is the longest in more than 35 % of the questions ("pick the longest" would pay).

A question is multiple choice when its solution cell sets its name to one letter
(``q1_1 = "b"  # SOLUTION``) and its statement lists options as Markdown bullets
``* **(a)** ...``, ``* **a)** ...`` or ``* (a) ...``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_LETTER_SHARE = 0.35
"""No letter may be the correct answer of more than this share of the course's questions."""

LENGTH_RATIO = 1.5
"""Warn when the correct option is longer than this many times its distractors' mean length."""

_QUESTION = re.compile(r"#\s*BEGIN QUESTION.*?^name:\s*(\S+)", re.S | re.M)
_BULLET = re.compile(r"^\* (?:\*\*\(?([a-d])\)\*\*|\(([a-d])\)) (.*)$")


@dataclass(frozen=True)
class Choice:
    """One multiple-choice question of a master: its answer letter and option texts."""

    assignment: str
    question: str
    answer: str
    options: dict[str, str]

    @property
    def label(self) -> str:
        """``02 q3_1``: the assignment's number and the question."""
        return f"{self.assignment[:2]} {self.question}"


def _options(markdown: str) -> dict[str, str]:
    options: dict[str, str] = {}
    current = None
    for line in markdown.splitlines():
        m = _BULLET.match(line)
        if m:
            current = m.group(1) or m.group(2)
            options[current] = m.group(3).strip()
        elif current and line.startswith("  ") and line.strip():
            options[current] += " " + line.strip()
        else:
            current = None
    return options


def read_choices(master: Path) -> list[Choice]:
    """The multiple-choice questions of one master notebook, in notebook order."""
    nb = nbformat.read(master, as_version=4)
    name = master.stem
    found: list[Choice] = []
    question, markdown = None, ""
    for cell in nb.cells:
        m = _QUESTION.search(cell.source) if cell.cell_type == "raw" else None
        if m:
            question = m.group(1)
            continue
        if cell.cell_type == "markdown":
            if _options(cell.source):
                markdown = cell.source
            continue
        if cell.cell_type == "code" and question:
            answer = re.search(
                rf"^{re.escape(question)}\s*=\s*['\"]([a-d])['\"]\s*#\s*SOLUTION", cell.source, re.M
            )
            if answer and markdown:
                found.append(Choice(name, question, answer.group(1), _options(markdown)))
                question, markdown = None, ""
    return found


def read_course(solutions: Path) -> list[Choice]:
    """Every multiple-choice question of every master under ``solutions/NN_topic/``."""
    choices: list[Choice] = []
    for folder in sorted(p for p in solutions.iterdir() if p.is_dir()):
        master = folder / f"{folder.name}.ipynb"
        if master.is_file():
            choices += read_choices(master)
    return choices


def max_per_letter(n_questions: int) -> int:
    """How many of ``n_questions`` answers one letter may hold: 35 %, or an even spread if more.

    Why the even spread: with 1, 2 or 5 questions some letter must hold more than 35 %.
    """
    return max(math.floor(MAX_LETTER_SHARE * n_questions), math.ceil(n_questions / 4))


def spread_problems(choices: list[Choice], assignment: str | None = None) -> list[str]:
    """Letters correct in more than 35 % of the course's questions (naming ``assignment``'s part).

    With ``assignment`` given, a letter is reported only if that assignment uses it as an
    answer, so validating one notebook names the answers it could change.
    """
    if not choices:
        return []
    counts = Counter(c.answer for c in choices)
    allowed = max_per_letter(len(choices))
    problems = []
    for letter, n in sorted(counts.items()):
        share = n / len(choices)
        mine = [c.label for c in choices if c.answer == letter]
        if assignment is not None:
            if not any(c.assignment == assignment for c in choices if c.answer == letter):
                continue
        if n > allowed:
            problems.append(
                f'multiple choice: "{letter}" is the answer of {n} of the course\'s '
                f"{len(choices)} questions ({share:.0%}; at most {allowed}, {MAX_LETTER_SHARE:.0%}): "
                + ", ".join(mine)
            )
    return problems


def _is_longest(c: Choice) -> bool:
    right = len(c.options.get(c.answer, ""))
    return all(right > len(t) for k, t in c.options.items() if k != c.answer)


def longest_warnings(choices: list[Choice], assignment: str | None = None) -> list[str]:
    """The correct option is the longest in more than 35 % of the course's questions.

    With ``assignment`` given, the warning is returned only if one of its questions is counted.
    """
    longest = [c for c in choices if _is_longest(c)]
    if assignment is not None and not any(c.assignment == assignment for c in longest):
        return []
    if not choices or len(longest) <= max_per_letter(len(choices)):
        return []
    return [
        f"multiple choice: the correct option is the longest in {len(longest)} of the course's "
        f"{len(choices)} questions (at most {MAX_LETTER_SHARE:.0%}): "
        + ", ".join(c.label for c in longest)
    ]


def length_warnings(choices: list[Choice]) -> list[str]:
    """Questions whose correct option is much longer than its distractors (a giveaway)."""
    warnings = []
    for c in choices:
        right = c.options.get(c.answer)
        others = [len(t) for k, t in c.options.items() if k != c.answer]
        if right is None:
            warnings.append(f"multiple choice {c.label}: no option ({c.answer}) in its statement")
            continue
        if not others:
            continue
        mean = sum(others) / len(others)
        if len(right) > LENGTH_RATIO * mean:
            warnings.append(
                f"multiple choice {c.label}: the correct option ({c.answer}) has {len(right)} "
                f"characters, {len(right) / mean:.1f} times its distractors' mean {mean:.0f}"
            )
    return warnings
