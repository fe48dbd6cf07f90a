"""Declared and mutated behaviours: does a failing test point at the mistake a mutant made?

A test declares what it checks with a line ``Checks: DynaQ.update/planning`` in its docstring,
after the first sentence (the first sentence is the test's purpose shown to students; otter keeps
docstrings when it writes ``autograder/NN/tests/*.py``). A *behaviour* is a graded name (a
function, a method ``Class.method`` or an answer variable ``q2_2``), optionally with an *aspect*
after a slash. Aspects are labelled in the master's solution code with comments
``# behaviour: planning`` between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` (students never see
them): a label applies to the lines below it, up to the next label or the definition's end.

A mutant's behaviour is its definition plus the aspect of the line it changes. A killed mutant is
*diagnosed at the right place* when some failing test declares its behaviour (a declaration
without an aspect covers every aspect of its definition).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

CHECKS_LINE = re.compile(r"^\s*Checks:\s*(?P<items>.+?)\s*$", re.M)
ASPECT_LABEL = re.compile(r"#\s*behaviour:\s*(?P<aspect>[A-Za-z_][\w-]*)\s*$")
BEHAVIOUR = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?(/[A-Za-z_][\w-]*)?$")


def declared(doc: str | None) -> tuple[str, ...] | None:
    """The behaviours a test's docstring declares (None: no ``Checks:`` line)."""
    match = CHECKS_LINE.search(doc or "")
    if match is None:
        return None
    items = [part.strip() for part in match.group("items").split(",")]
    return tuple(item for item in items if item)


def aspect_labels(source: str, qualname: str) -> list[tuple[int, str]]:
    """``(cell line, aspect)`` of every label inside one definition of a cell, in order."""
    from .mutants import find_definition

    node = find_definition(ast.parse(source), qualname)
    if node is None:
        return []
    lines = source.splitlines()
    found = []
    for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
        match = ASPECT_LABEL.search(lines[number - 1])
        if match:
            found.append((number, match.group("aspect")))
    return found


def mutated_behaviour(source: str, qualname: str, line: int) -> str:
    """The behaviour a change at cell line `line` of definition `qualname` breaks."""
    aspect = ""
    for number, label in aspect_labels(source, qualname):
        if number <= line:
            aspect = label
    return f"{qualname}/{aspect}" if aspect else qualname


def covers(declaration: str, behaviour: str) -> bool:
    """Whether a declared behaviour includes a mutated one (same definition, aspect if given)."""
    if declaration == behaviour:
        return True
    definition, _, aspect = behaviour.partition("/")
    declared_definition, _, declared_aspect = declaration.partition("/")
    if declared_definition != definition:
        return False
    return not declared_aspect or not aspect


def diagnosed(declarations: Iterable[Iterable[str] | None], behaviour: str) -> bool:
    """Whether any failing test's declarations cover the mutated behaviour."""
    return any(covers(d, behaviour) for decl in declarations if decl for d in decl)


def unknown(declaration: str, known: set[str]) -> bool:
    """Whether a declared behaviour names no graded name or labelled aspect of the notebook."""
    return not BEHAVIOUR.match(declaration) or declaration not in known


# ---------------------------------------------------------------- self-contradicting messages

_VALUE = r"(?P<{name}>-?\[[^\]]*\]|\(?-?[\d][\d.,e+\- ]*\)?(?<![.,\s])|True|False|None|'[^']*')"
CONTRADICTION_PATTERNS = (
    re.compile(
        r"should (?:move it|take|be moved) " + _VALUE.format(name="want") + r" times?\b.*?"
        r"as if it (?:moved|took) " + _VALUE.format(name="got") + r" times?",
        re.S,
    ),
    re.compile(
        r"should (?:be|equal|give|return|stay|have|get|reach)\s+(?:about\s+|~)?"
        + _VALUE.format(name="want")
        + r"[^.;]{0,40}?[;,]\s*(?:but\s+)?(?:yours\s+(?:is|are|was|were|gave|returned)|"
        r"you got|got|it is|they are|observed)\s+(?:about\s+|~)?" + _VALUE.format(name="got"),
        re.S,
    ),
    re.compile(
        r"(?:should|must)\b[^.;]{0,120}?(?:=|\bbe|\bto)\s+(?:about\s+|~)?"
        + _VALUE.format(name="want")
        + r"\s*[;,]\s*(?:but\s+)?yours\s+(?:is|are)\s+(?:about\s+|~)?"
        + _VALUE.format(name="got"),
        re.S,
    ),
    re.compile(
        r"expected\s+(?:about\s+|~)?" + _VALUE.format(name="want") + r"[^.;]{0,30}?,?\s*(?:but\s+)?"
        r"(?:got|observed|yours (?:is|are|was))\s+(?:about\s+|~)?" + _VALUE.format(name="got"),
        re.S,
    ),
)


def _norm(value: str) -> str:
    return re.sub(r"\s+", "", value).strip("()")


def contradiction(message: str) -> str | None:
    """The contradicting phrase of a message whose expected and observed values read the same."""
    for pattern in CONTRADICTION_PATTERNS:
        for match in pattern.finditer(message):
            if _norm(match.group("want")) == _norm(match.group("got")):
                return " ".join(match.group(0).split())[:200]
    return None


_TMP_PATH = re.compile(r"(/tmp|/var/folders)/[^\s'\"]+")


def scrub(message: str, limit: int = 240) -> str:
    """A failure message for the report: one line, temporary paths masked, truncated."""
    text = " ".join(_TMP_PATH.sub("<tmp>", message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
