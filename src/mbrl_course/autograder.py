"""What the batch grader needs to know about the built autograders: where they are, the points of
their questions (auto-graded and manual), and a digest that changes whenever grading could.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

#: Packages whose code decides a grade besides the autograder folder (runner, fakes, reference).
GRADING_PACKAGES = ("mbrl_grader", "mbrl_ref", "mbrl_envs")


def find_autograders(root: Path) -> dict[str, Path]:
    """Built autograders under `root` (`NAME/tests/*.py`), by assignment name."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    for d in sorted(root.iterdir()):
        if d.is_dir() and not d.name.startswith(".") and any((d / "tests").glob("*.py")):
            found[d.name] = d
    return found


def question_table(autograder_dir: Path) -> dict[str, float]:
    """Points available per auto-graded question, read from the test files with otter's rules.

    The test files are the instructor's own (trusted); otter's parser resolves per-case points
    exactly as otter and our runner do. Used for rows that could not be graded (they still show
    what was possible).
    """
    from otter.test_files.exception_test import ExceptionTestFile

    table: dict[str, float] = {}
    for f in sorted(Path(autograder_dir).glob("tests/*.py")):
        try:
            tf = ExceptionTestFile.from_file(str(f))
        except Exception:  # noqa: BLE001 - a broken test file shows up when grading, not here
            continue
        table[tf.name] = round(sum(float(tc.points or 0) for tc in tf.test_cases), 4)
    return table


def _files_for_digest(autograder_dir: Path) -> list[tuple[str, Path]]:
    """(label, path) of every file whose content can change a grade, in a stable order."""
    files: list[tuple[str, Path]] = []
    for p in sorted(Path(autograder_dir).rglob("*")):
        rel = p.relative_to(autograder_dir).as_posix()
        if not p.is_file() or "__pycache__" in rel or p.suffix in {".pyc", ".zip"}:
            continue  # the zip repeats the folder's own files
        files.append((f"autograder/{rel}", p))
    import importlib

    for name in GRADING_PACKAGES:
        pkg = Path(importlib.import_module(name).__file__).parent
        for p in sorted(pkg.rglob("*.py")):
            files.append((f"{name}/{p.relative_to(pkg).as_posix()}", p))
    return files


def autograder_digest(autograder_dir: Path) -> str:
    """sha256 over the autograder's tests and support files and the grading packages' code.

    Two gradings with the same digest and the same submission bytes give the same result, which
    is what ``mbrl-course grade --resume`` relies on to skip work.
    """
    h = hashlib.sha256()
    for label, path in _files_for_digest(Path(autograder_dir)):
        data = path.read_bytes()
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---- written (manual) questions: rubrics and answers come from mbrl_course.written.answers


def manual_questions(autograder_dir: Path) -> dict[str, tuple[float, str]]:
    """``{manual question: (points, prompt Markdown)}`` from the rubrics stored with the
    autograder (``rubrics.json``, written by the build); {} when it has none."""
    from .written.rubrics import load_rubrics

    return {
        str(q): (float(r.points), str(r.prompt_md))
        for q, r in load_rubrics(Path(autograder_dir)).items()
    }


def extract_written(
    notebook: Any, questions: Mapping[str, tuple[float, str]]
) -> dict[str, tuple[str, str]]:
    """Each manual question's ``(status, text)`` in `notebook`, matched by its prompt (all
    ``malformed`` when the extraction itself fails: a strange notebook never stops a batch)."""
    if not questions:
        return {}
    from .written.answers import extract_written_answers

    prompts = {q: prompt for q, (_, prompt) in questions.items()}
    try:
        found = dict(extract_written_answers(notebook, list(questions), prompts))
    except Exception:  # noqa: BLE001 - untrusted notebook: a row with a status, never a crash
        return {q: ("malformed", "") for q in questions}
    return {
        q: (str(found.get(q, ("missing", ""))[0]), str(found.get(q, ("", ""))[1]))
        for q in questions
    }


@dataclass(frozen=True)
class Autograder:
    """A built autograder folder, ``autograder/NN_topic/``: what grading reads from it, each fact
    read once (the batch used to cache these in its settings)."""

    name: str
    path: Path

    @cached_property
    def points(self) -> dict[str, float]:
        """Auto-graded points per question (:func:`question_table`)."""
        return question_table(self.path)

    @cached_property
    def written(self) -> dict[str, tuple[float, str]]:
        """Manual (written) questions: (points, prompt) each (:func:`manual_questions`)."""
        return manual_questions(self.path)

    @property
    def manual_points(self) -> dict[str, float]:
        """Manual (written) questions and their points."""
        return {q: points for q, (points, _) in self.written.items()}

    @cached_property
    def digest(self) -> str:
        """What grading depends on (:func:`autograder_digest`); --resume compares it."""
        return autograder_digest(self.path)
