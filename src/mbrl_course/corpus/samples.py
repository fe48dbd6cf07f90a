"""The sample submission corpus `samples/NN_topic/`: generated, deterministic, with expected scores.

`samples/` is GENERATED (never edit it by hand): `mbrl-course run` regenerates it before grading
(and `mbrl-course samples` does only this step). For every built assignment
`assignments/NN_topic/NN_topic.ipynb` it writes:

* one notebook per variant `tests/submissions/NN_topic/<variant>.py` (correct alternatives and
  typical bugs, injected with :func:`mbrl_course.corpus.inject.make_submission`), expected outcomes
  from `tests/submissions/NN_topic/expected.json`: ``{"variant": {"fails": [KEY, ...]}}``, the
  exact set of test cases (``question:test_function``) that must fail; every other test must
  pass. No point totals are written anywhere, so changing a question's points needs no edits;
* `blank.ipynb`: the untouched student notebook (expected 0 points);
* `otter_export.zip`: a correct variant packaged like otter's `grader.export()` (notebook,
  a `.OTTER_LOG` that must never be read, `__zip_filename__`), plus a cell that raises;
* malformed ones, each expected to get 0 points and a status: `invalid_json.ipynb`
  (truncated JSON), `empty_file.ipynb` (0 bytes), `empty_notebook.ipynb` (no cells),
  `zip_without_notebook.zip`, `wrong_assignment.ipynb` (metadata names another assignment):
  `invalid`; `infinite_loop.ipynb` (graded with a short time limit, see `timeout` below):
  `timeout`; `os_exit.ipynb` (the process dies in the first cell: the runner skips that cell)
  and `huge_output.ipynb` (prints 400 MB; output is capped): `graded`, 0 points (blank);
* `expected.json`: `{"format", "assignment", "samples": {FILE: {"status", "fails"?,
  "earns_nothing"?, "timeout"?, "what"}}}` where `fails` is the exact set of failing test keys,
  `earns_nothing: true` means the total must be 0, and `timeout` is the limit to grade that
  sample with.

Everything is byte-for-byte reproducible (fixed cell ids, sorted zip entries with a fixed
timestamp), and files are rewritten only when their content changes.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from ..gradebook.rows import GradeRecord
from ..grading.submissions import Submission
from .expectations import mismatches, record_expectations, variant_expectation
from .inject import make_submission

if TYPE_CHECKING:
    from ..grading.batch import Job

FORMAT = "mbrl-course-samples/2"
#: Time limit (s) for the sample that loops forever, so `make run` stays short.
LOOP_TIMEOUT = 20.0
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: The malformed samples this module adds to every assignment (not student work).
MALFORMED = (
    "invalid_json.ipynb",
    "empty_file.ipynb",
    "empty_notebook.ipynb",
    "zip_without_notebook.zip",
    "wrong_assignment.ipynb",
    "infinite_loop.ipynb",
    "os_exit.ipynb",
    "huge_output.ipynb",
)

README = """\
# Sample submissions (GENERATED: do not edit)

Written by `mbrl-course run` (or `mbrl-course samples`) from
`assignments/NN_topic/NN_topic.ipynb` and the variants in `tests/submissions/NN_topic/`.
Each folder holds correct, blank, buggy and malformed submissions of one assignment and
`expected.json`, the status and points each one must get. `make run` grades them all and
checks the result; `tests/course/corpus/test_samples.py` does the same in the test suite.
"""


@dataclass
class Corpus:
    """The generated samples of one assignment."""

    name: str
    folder: Path
    expected: dict[str, dict] = field(default_factory=dict)


def _nb_bytes(nb: nbformat.NotebookNode) -> bytes:
    """A notebook serialised deterministically (cell ids derived from the index)."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A zip archive of `entries`, deterministic (sorted, fixed time and permissions)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name])
    return buf.getvalue()


def _with_cell(nb: nbformat.NotebookNode, source: str, first: bool) -> nbformat.NotebookNode:
    """A copy of `nb` with a code cell `source` added first (or last)."""
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    if first:
        nb.cells.insert(0, cell)
    else:
        nb.cells.append(cell)
    return nb


def _expected_variants(folder: Path) -> dict[str, dict]:
    """tests/submissions/NN/expected.json (empty when absent or unreadable)."""
    path = folder / "expected.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        print(f"warning: {path} is not valid JSON; variant scores are not checked", file=sys.stderr)
        return {}
    return data if isinstance(data, dict) else {}


def build_corpus(
    name: str, student_nb: Path, variants_dir: Path, other_names: Sequence[str]
) -> tuple[dict[str, bytes], dict[str, dict]]:
    """The sample files (name -> bytes) and their expectations for one assignment."""
    blank = nbformat.read(student_nb, as_version=4)
    scores = _expected_variants(variants_dir)
    files: dict[str, bytes] = {}
    expected: dict[str, dict] = {}
    first_correct: tuple[str, nbformat.NotebookNode] | None = None
    for vpath in sorted(variants_dir.glob("*.py")) if variants_dir.is_dir() else []:
        try:
            nb = make_submission(blank, vpath.read_text(encoding="utf-8"))
        except ValueError as exc:
            print(f"warning: variant {vpath} skipped: {exc}", file=sys.stderr)
            continue
        fname = f"{vpath.stem}.ipynb"
        files[fname] = _nb_bytes(nb)
        exp: dict = {"status": "graded", "what": f"variant tests/submissions/{name}/{vpath.name}"}
        if vpath.stem in scores:
            exp.update(variant_expectation(vpath.stem, scores[vpath.stem]))
        expected[fname] = exp
        if first_correct is None and vpath.stem.startswith("correct"):
            first_correct = (vpath.stem, nb)

    if "blank.ipynb" not in files:
        files["blank.ipynb"] = _nb_bytes(blank)
        expected["blank.ipynb"] = {
            "status": "graded",
            "earns_nothing": True,
            "what": "the untouched student notebook",
        }

    # an otter export zip of the first correct variant (the blank one while there is none)
    stem, nb = first_correct if first_correct is not None else ("blank", blank)
    nb = _with_cell(nb, 'raise RuntimeError("a cell that raises at the end")', first=False)
    files["otter_export.zip"] = _zip_bytes(
        {
            f"{name}.ipynb": _nb_bytes(nb),
            ".OTTER_LOG": b"NOT A PICKLE: a grader must never load this file\n",
            "__zip_filename__": f"{name}_2026_01_01T00_00_00_000000.zip".encode(),
        }
    )
    expected["otter_export.zip"] = {
        "status": "graded",
        "what": f"otter export zip of {stem} with a final cell that raises",
    }
    if "fails" in expected[f"{stem}.ipynb"]:
        expected["otter_export.zip"]["fails"] = expected[f"{stem}.ipynb"]["fails"]

    bad = "invalid (0 points)"
    text = _nb_bytes(blank)
    files["invalid_json.ipynb"] = text[: len(text) * 3 // 5]
    expected["invalid_json.ipynb"] = {
        "status": "invalid",
        "earns_nothing": True,
        "what": f"truncated JSON: {bad}",
    }
    files["empty_file.ipynb"] = b""
    expected["empty_file.ipynb"] = {
        "status": "invalid",
        "earns_nothing": True,
        "what": f"0 bytes: {bad}",
    }
    empty = nbformat.v4.new_notebook(metadata=copy.deepcopy(blank.metadata))
    files["empty_notebook.ipynb"] = _nb_bytes(empty)
    expected["empty_notebook.ipynb"] = {
        "status": "invalid",
        "earns_nothing": True,
        "what": f"no cells: {bad}",
    }
    files["zip_without_notebook.zip"] = _zip_bytes(
        {".OTTER_LOG": b"NOT A PICKLE\n", "__zip_filename__": b"x.zip", "answers.txt": b"42\n"}
    )
    expected["zip_without_notebook.zip"] = {
        "status": "invalid",
        "earns_nothing": True,
        "what": f"zip without .ipynb: {bad}",
    }
    other = next((o for o in other_names if o != name), "00_another_course")
    wrong = copy.deepcopy(blank)
    wrong.metadata.setdefault("otter", {})["assignment_name"] = other
    files["wrong_assignment.ipynb"] = _nb_bytes(wrong)
    expected["wrong_assignment.ipynb"] = {
        "status": "invalid",
        "earns_nothing": True,
        "what": f"metadata names '{other}': {bad}",
    }
    files["infinite_loop.ipynb"] = _nb_bytes(_with_cell(blank, "while True:\n    pass", first=True))
    expected["infinite_loop.ipynb"] = {
        "status": "timeout",
        "earns_nothing": True,
        "timeout": LOOP_TIMEOUT,
        "what": f"loops forever: timeout after {LOOP_TIMEOUT:g} s, 0 points",
    }
    files["os_exit.ipynb"] = _nb_bytes(_with_cell(blank, "import os\nos._exit(3)", first=True))
    expected["os_exit.ipynb"] = {
        "status": "graded",
        "earns_nothing": True,
        "what": "the process dies (os._exit) in a first cell: the runner skips that cell; blank otherwise",
    }
    files["huge_output.ipynb"] = _nb_bytes(
        _with_cell(
            blank,
            "import sys\nfor _ in range(400):\n    sys.stdout.write('y' * 1_000_000)",
            first=True,
        )
    )
    expected["huge_output.ipynb"] = {
        "status": "graded",
        "earns_nothing": True,
        "what": "prints 400 MB before the blank notebook",
    }
    return files, expected


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` to `path` unless it already holds exactly that."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def generate(
    root: Path, only: Sequence[str] | None = None, out_root: Path | None = None
) -> dict[str, Corpus]:
    """Regenerate `samples/` (or `out_root`) from the built assignments under `root`."""
    root = Path(root)
    out_root = Path(out_root) if out_root is not None else root / "samples"
    names = (
        sorted(
            d.name
            for d in (root / "assignments").glob("*")
            if d.is_dir() and (d / f"{d.name}.ipynb").is_file()
        )
        if (root / "assignments").is_dir()
        else []
    )
    all_names = list(names)  # the "wrong assignment" sample must not depend on --only
    if only:
        names = [n for n in names if n in set(only)]
    corpora: dict[str, Corpus] = {}
    for name in names:
        files, expected = build_corpus(
            name,
            root / "assignments" / name / f"{name}.ipynb",
            root / "tests" / "submissions" / name,
            all_names,
        )
        folder = out_root / name
        doc = {"format": FORMAT, "assignment": name, "samples": dict(sorted(expected.items()))}
        files["expected.json"] = (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
        for fname, data in sorted(files.items()):
            _write_if_changed(folder / fname, data)
        for stale in sorted(folder.iterdir()):  # samples/ is generated: drop what we no longer make
            if stale.is_file() and stale.name not in files:
                stale.unlink()
        corpora[name] = Corpus(name=name, folder=folder, expected=dict(sorted(expected.items())))
    if corpora:
        _write_if_changed(out_root / "README.md", README.encode())
    return corpora


def load(samples_root: Path) -> dict[str, Corpus]:
    """Read an existing corpus (every `samples_root/NN/expected.json`)."""
    corpora: dict[str, Corpus] = {}
    for exp in sorted(Path(samples_root).glob("*/expected.json")):
        doc = json.loads(exp.read_text(encoding="utf-8"))
        corpora[exp.parent.name] = Corpus(exp.parent.name, exp.parent, doc.get("samples", {}))
    return corpora


#: ``make run``'s handful per assignment: which samples stand for each kind (first match wins).
QUICK_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("correct", ("correct_",)),
    ("buggy", ("bug_",)),
    ("malformed", ("invalid_json.ipynb",)),
    ("hostile", ("attack_", "os_exit.ipynb")),
)


def quick_selection(corpora: dict[str, Corpus]) -> dict[str, Corpus]:
    """The representative handful ``make run`` grades: per assignment one correct, one buggy,
    one malformed and one hostile sample (an ``attack_`` variant, else the ``os_exit`` one).

    Deterministic (first file by name for each kind); samples expected to time out (the
    deliberate infinite loop, the ``bug_hang_*`` variants) are left out because they cost their
    time budgets. The full corpus is graded by ``make test``
    (tests/course/corpus/test_samples.py) and ``mbrl-course run`` without ``--quick``.
    """
    picked: dict[str, Corpus] = {}
    for name, corpus in corpora.items():
        chosen: dict[str, dict] = {}
        for _kind, prefixes in QUICK_KINDS:
            for prefix in prefixes:
                match = next(
                    (
                        f
                        for f in sorted(corpus.expected)
                        if f.startswith(prefix) and corpus.expected[f].get("status") != "timeout"
                    ),
                    None,
                )
                if match is not None:
                    chosen[match] = corpus.expected[match]
                    break
        picked[name] = Corpus(corpus.name, corpus.folder, dict(sorted(chosen.items())))
    return picked


def jobs_for(corpora: dict[str, Corpus], exclude_status: Sequence[str] = ()) -> list[Job]:
    """Grading jobs for every sample: forced assignment, per-sample time limit where set."""
    from ..grading.batch import Job

    jobs: list[Job] = []
    for name, corpus in sorted(corpora.items()):
        for fname, exp in sorted(corpus.expected.items()):
            if exp.get("status") in exclude_status:
                continue
            sub = Submission(id=f"{name}/{fname}", path=corpus.folder / fname)
            jobs.append(Job(sub, assignment=name, timeout=exp.get("timeout")))
    return jobs


def compare(
    records: Sequence[GradeRecord], corpora: dict[str, Corpus], tol: float = 1e-3
) -> list[str]:
    """Differences between graded records and the samples' expectations (empty when all match)."""
    problems: list[str] = []
    by_id = {r.id: r for r in records}
    for name, corpus in sorted(corpora.items()):
        for fname, exp in sorted(corpus.expected.items()):
            sid = f"{name}/{fname}"
            rec = by_id.get(sid)
            if rec is None:
                continue
            problems += [f"{sid}: {p}" for p in mismatches(rec, exp, tol)]
    return problems


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course samples` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = __doc__.split("\n")[0]
    p.add_argument(
        "--only", action="append", metavar="NN", help="only this assignment (repeatable)"
    )
    p.add_argument(
        "--record",
        nargs="+",
        metavar=("NAME", "VARIANT"),
        help="grade NAME's variants (all, or those listed) and print their fails lists",
    )
    p.add_argument(
        "--write", action="store_true", help="with --record: merge the lists into expected.json"
    )


def run(args: argparse.Namespace) -> int:
    """`mbrl-course samples [--only NN]`: regenerate samples/ (or record expectations)."""
    from ..course import course_root

    root = course_root(args.root)
    if args.record:
        name, variants = args.record[0], args.record[1:]
        recorded = record_expectations(root, name, variants)
        print(json.dumps(recorded, indent=2, sort_keys=True))
        if args.write:
            path = root / "tests" / "submissions" / name / "expected.json"
            current = _expected_variants(path.parent)
            current.update(recorded)
            path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return 0
    corpora = generate(root, only=args.only)
    if not corpora:
        print(
            f"no built assignments under {root / 'assignments'}; run `mbrl-course build`",
            file=sys.stderr,
        )
        return 2
    for c in corpora.values():
        print(f"{c.folder}: {len(c.expected)} samples")
    return 0


if __name__ == "__main__":
    from ..cli import main

    sys.exit(main(["samples", *sys.argv[1:]]))
