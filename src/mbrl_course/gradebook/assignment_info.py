"""What student feedback needs from a built autograder besides the results: each test's purpose,
the rubric items' text and when hidden test results may be shown.

Why: a feedback line ``q1_1 - 3 (hidden test)`` or a rubric item ``- 2`` tells a student nothing.
The test's own docstring says what it checks (its first sentence is the purpose, see
docs/design.md rule on test docstrings), ``rubrics.json`` holds the rubric items' text, and the
master's build option ``mbrl: hidden_visibility`` (written into the autograder zip as
``mbrl_grading.json``) says whether hidden tests' details may be shown. All three are read from
the autograder folder the submissions were graded with, never hard-coded.
"""

from __future__ import annotations

import inspect
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mbrl_grader.gradescope import GRADING_CONFIG_FILE, hidden_visibility

from ..build.grading_options import DEFAULTS
from ..written.rubrics import Rubric, load_rubrics

_LABEL_RE = re.compile(r"^(?:public|hidden)\s*:\s*", re.I)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`\"'])")


def first_sentence(doc: str | None) -> str:
    """The first sentence of a docstring's first paragraph, on one line ('' when there is none).

    A leading ``Public:``/``Hidden:`` label is dropped (the feedback says which kind it is); the
    first letter is capitalised only when the first word is a plain word, not code.
    """
    if not doc:
        return ""
    paragraph = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())
    paragraph = _LABEL_RE.sub("", paragraph)
    sentence = _SENTENCE_END_RE.split(paragraph, maxsplit=1)[0].strip()
    first_word = sentence.split(" ", 1)[0]
    if first_word.isalpha():  # never capitalise code: predict(), visit_counts[s, a], q1_2
        sentence = sentence[:1].upper() + sentence[1:]
    return sentence


def name_purpose(question: str, function: str) -> str:
    """A purpose read from a test's name when it has no docstring (``test_q1_1_format`` ->
    ``Checks q1_1: format``), so a line never shows otter's ``q1_1 - 1``."""
    words = function.removeprefix("test_")
    prefix = f"{question}_"
    if words.startswith(prefix):
        words = words[len(prefix) :]
    words = words.replace("_", " ").strip()
    return f"Checks {question}: {words}" if words else f"Checks {question}"


def test_purposes(autograder_dir: Path) -> dict[tuple[str, str], str]:
    """``{(question, test function name): purpose}`` of the autograder's tests ({} if unreadable):
    the docstring's first sentence, else :func:`name_purpose`."""
    from mbrl_grader.testfiles import load_tests

    try:
        cases = load_tests(autograder_dir)
    except Exception:  # noqa: BLE001 - a broken test file must not stop the feedback
        return {}
    out = {}
    for case in cases:
        function = getattr(case.func, "__name__", "")
        purpose = first_sentence(getattr(case.func, "__doc__", None))
        out[(case.question, function)] = purpose or name_purpose(case.question, function)
    return out


def grading_config(autograder_dir: Path) -> dict:
    """The build options the autograder zip ships (``mbrl_grading.json``), {} when absent."""
    for zip_path in sorted(autograder_dir.glob("*-autograder.zip")):
        try:
            with zipfile.ZipFile(zip_path) as zf:
                return json.loads(zf.read(GRADING_CONFIG_FILE))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            continue
    return {}


@dataclass
class AssignmentInfo:
    """Test purposes, rubrics and hidden-test visibility of one assignment."""

    purposes: dict[tuple[str, str], str] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    hidden_visibility: str = str(DEFAULTS["hidden_visibility"])

    @property
    def show_hidden_details(self) -> bool:
        """Whether hidden tests' purposes and messages may be shown (not for ``hidden``)."""
        return self.hidden_visibility != "hidden"

    @classmethod
    def load(cls, autograder_dir: Path | None) -> AssignmentInfo:
        """Read everything from `autograder_dir` (None: no autograder, the defaults)."""
        if autograder_dir is None or not Path(autograder_dir).is_dir():
            return cls(hidden_visibility=hidden_visibility(dict(DEFAULTS)))
        folder = Path(autograder_dir)
        config = {**DEFAULTS, **grading_config(folder)}
        try:
            rubrics = load_rubrics(folder)
        except (OSError, ValueError, KeyError):
            rubrics = {}
        return cls(test_purposes(folder), rubrics, hidden_visibility(config))
