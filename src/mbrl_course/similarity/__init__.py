"""``mbrl-course similarity``: pairwise similarity of the students' graded code, for copy checks.

Why: instructors need a first look at which submissions share code, and no notebook autograder
has one. The fingerprinting is copydetect's (MOSS-style winnowing over code whose identifiers,
strings and comments pygments has normalised, so renamed variables, changed comments and
whitespace do not hide a copy; fingerprints are matched as a set, so reordered functions do not
either). This module is the notebook glue:

* only the *graded cells* count: the code cells that define a name the autograder's tests take
  (``inject.defined_names``), plus the cells defining helpers those cells use;
* everything the handout notebook ``assignments/NN/NN.ipynb`` already contains (stubs, given
  helpers, setup code) is boilerplate: its fingerprints are removed from every submission, so an
  untouched notebook scores 0;
* submissions are read with the batch grader's capped readers (:mod:`mbrl_course.grading.submissions`);
  unreadable ones and notebooks of other assignments are listed, never compared.

The score of a pair is the larger of the two shares of graded code found in the other
submission (so a copy hidden inside a longer submission still ranks high): copydetect's
similarity for the most similar pairs, the fingerprint share for the rest (:func:`compare_all`). Output: a ranked table on the terminal,
``similarity.csv`` and a self-contained ``similarity.html`` (:mod:`mbrl_course.similarity.report`).

    mbrl-course similarity SUBMISSIONS... --assignment NN [--out DIR] [--top N]
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from hashlib import blake2b
from itertools import combinations
from pathlib import Path

import nbformat
import numpy as np
from copydetect import compare_files
from copydetect.utils import filter_code, get_token_coverage, winnow

from ..corpus.inject import defined_names
from ..course import default_layout
from ..errors import InputError
from ..grading.submissions import (
    InvalidSubmission,
    Submission,
    _read_capped,
    _read_zip_notebook,
    discover,
)
from ..options import add_assignment, resolve_assignment

NOISE_THRESHOLD = 25
"""k: matches shorter than this many normalised characters are ignored (copydetect's default)."""
GUARANTEE_THRESHOLD = 30
"""Matches at least this long are always found (winnowing window = guarantee - noise + 1)."""
_MAGIC = re.compile(r"^\s*[%!].*$", re.M)


@dataclass
class Document:
    """The graded code of one submission, fingerprinted."""

    id: str
    code: str
    cells: list[int] = field(default_factory=list)
    """Numbers (among code cells, as the student sees them) of the cells included."""
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True)
class PairScore:
    """How much graded code two submissions share."""

    a: str
    b: str
    similarity_a: float
    """Share of a's fingerprinted graded code that is also in b."""
    similarity_b: float
    """Share of b's fingerprinted graded code that is also in a."""
    overlap: int
    """Matched normalised characters (``copydetect``) or shared fingerprints (``fingerprints``)."""
    measure: str = "fingerprints"
    """``copydetect`` (exact comparison) or ``fingerprints`` (fingerprint share only)."""

    @property
    def score(self) -> float:
        """The ranking score: the larger of the two shares."""
        return max(self.similarity_a, self.similarity_b)


def graded_names(autograder_dir: Path) -> set[str]:
    """The global names the autograder's tests look up: the parameters of the test functions."""
    names: set[str] = set()
    for path in sorted((autograder_dir / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                names.update(a.arg for a in node.args.args + node.args.kwonlyargs)
    return names - {"env"}


@functools.lru_cache(maxsize=4096)
def _names(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names a cell defines at top level, names it uses); cached: most cells are the handout's."""
    code = _MAGIC.sub("", source)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return frozenset(), frozenset()
    used = frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    return frozenset(defined_names(code)), used


def code_sources(nb: nbformat.NotebookNode) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    return [c.source for c in nb.cells if c.cell_type == "code"]


def graded_cells(code: Sequence[str], names: set[str]) -> list[tuple[int, str]]:
    """``[(code cell number, source)]`` of the cells defining graded names or helpers they use."""
    parsed = [_names(src) for src in code]
    chosen = {i for i, (defines, _used) in enumerate(parsed) if defines & names}
    frontier = set(chosen)
    while frontier:  # helpers the chosen cells use, transitively
        used = set().union(*(parsed[i][1] for i in frontier)) - names
        frontier = {i for i, (d, _u) in enumerate(parsed) if i not in chosen and d & used}
        chosen |= frontier
    return [(i + 1, code[i]) for i in sorted(chosen)]


def _document_text(cells: list[tuple[int, str]]) -> str:
    return "\n\n".join(f"# --- code cell {number} ---\n{src.rstrip()}" for number, src in cells)


@dataclass
class Fingerprint:
    """A document's winnowed fingerprints: the attributes copydetect's ``compare_files`` reads."""

    k: int
    raw_code: str
    filtered_code: str
    offsets: np.ndarray
    hashes: set[int]
    hash_idx: dict[int, list[int]]
    token_coverage: float


def kgram_hashes(filtered: str, k: int = NOISE_THRESHOLD) -> np.ndarray:
    """Hashes of every k-gram of normalised code, the same in every process.

    copydetect hashes with Python's ``hash``, which is salted per process (PYTHONHASHSEED), so
    winnowing would keep other fingerprints in every run and scores would move a little from
    one run to the next; an unkeyed BLAKE2 digest makes a report reproducible.
    """
    if len(filtered) < k:
        return np.zeros(0, dtype=np.int64)
    return np.array(
        [
            int.from_bytes(blake2b(filtered[i : i + k].encode(), digest_size=8).digest(), "little")
            - 2**63
            for i in range(len(filtered) - k + 1)
        ],
        dtype=np.int64,
    )


def fingerprint(doc_id: str, code: str, boilerplate: set[int] | None = None) -> Fingerprint:
    """Fingerprint ``code`` (Python) as copydetect does, without the ``boilerplate`` hashes.

    copydetect's own pieces (pygments normalisation ``filter_code``, ``winnow``) with a stable
    hash (:func:`kgram_hashes`); boilerplate is removed here rather than by copydetect, whose
    removal keeps the repeats of a fingerprint that occurs several times in one document.
    """
    filtered, offsets = filter_code(code, f"{doc_id}.py", "python")
    hashes = kgram_hashes(filtered)
    hash_idx: dict[int, list[int]] = {}
    if len(hashes):
        selected, idx = winnow(
            hashes, GUARANTEE_THRESHOLD - NOISE_THRESHOLD + 1, remove_duplicates=False
        )
        for h, i in zip(selected.tolist(), idx.tolist(), strict=True):
            if not boilerplate or h not in boilerplate:
                hash_idx.setdefault(h, []).append(i)
    coverage = get_token_coverage(hash_idx, NOISE_THRESHOLD, len(filtered))
    return Fingerprint(
        NOISE_THRESHOLD, code, filtered, offsets, set(hash_idx), hash_idx, float(coverage)
    )


def boilerplate_hashes(student_code: Sequence[str], names: set[str] | None = None) -> set[int]:
    """Every k-gram hash of the code the handout notebook gives students.

    All k-grams, not only the winnowed ones: which fingerprints winnowing keeps depends on the
    neighbouring code, so a stub line must be boilerplate whatever surrounds it. The handout's
    own graded-cell document is included too, so that an untouched notebook matches nothing.
    """
    texts = list(student_code)
    texts.append("\n\n".join(texts))
    if names is not None:
        texts.append(_document_text(graded_cells(student_code, names)))
    hashes: set[int] = set()
    for text in texts:
        filtered, _offsets = filter_code(_MAGIC.sub("", text), "handout.py", "python")
        hashes.update(kgram_hashes(filtered).tolist())
    return hashes


def make_document(
    doc_id: str, code: Sequence[str], names: set[str], boilerplate: set[int]
) -> Document:
    """The graded code of a notebook (its code cell sources), fingerprinted without boilerplate."""
    cells = graded_cells(code, names)
    text = _document_text(cells)
    return Document(doc_id, text, [n for n, _ in cells], fingerprint(doc_id, text, boilerplate))


def compare_all(docs: Sequence[Document], exact: int | None = None) -> list[PairScore]:
    """Score every pair of documents; best first (ties by ids, so the order is stable).

    Two stages, because copydetect's exact comparison costs about a millisecond per pair and a
    class of 500 has 124,750 pairs. First every pair gets its *fingerprint share* (MOSS's
    measure: the fraction of a document's fingerprints the other also has), all at once as a
    0/1 matrix of documents x shared fingerprints times its transpose. Then the ``exact`` pairs
    with the highest shares (default ``max(2000, 4 * len(docs))``) are scored by copydetect's
    ``compare_files`` (matched code / fingerprinted code, less hurt by the seams of reordered
    definitions) and ranked first by that score; the others follow by fingerprint share.
    """
    sets = [d.fingerprint.hashes if d.fingerprint is not None else set() for d in docs]
    counts = Counter(h for hashes in sets for h in hashes)
    column = {h: j for j, h in enumerate(h for h, c in counts.items() if c > 1)}
    incidence = np.zeros((len(docs), len(column)), dtype=np.float32)
    for i, hashes in enumerate(sets):
        incidence[i, [column[h] for h in hashes if h in column]] = 1.0
    common = incidence @ incidence.T  # exact: counts stay far below 2**24
    sizes = np.array([max(len(h), 1) for h in sets], dtype=np.float64)
    estimates = []
    for i, j in combinations(range(len(docs)), 2):
        shared = int(common[i, j])
        estimates.append(
            PairScore(docs[i].id, docs[j].id, shared / sizes[i], shared / sizes[j], shared)
        )
    estimates.sort(key=lambda p: (-p.score, -p.overlap, p.a, p.b))
    n_exact = max(2000, 4 * len(docs)) if exact is None else exact
    by_id = {d.id: d for d in docs}
    exact_scores = []
    for est in estimates[:n_exact]:
        if est.overlap == 0:
            exact_scores.append(est)
            continue
        fa, fb = by_id[est.a].fingerprint, by_id[est.b].fingerprint
        overlap, (sim_a, sim_b), _slices = compare_files(fa, fb)
        exact_scores.append(
            PairScore(est.a, est.b, float(sim_a), float(sim_b), int(overlap), "copydetect")
        )
    exact_scores.sort(key=lambda p: (-p.score, -p.overlap, p.a, p.b))
    return exact_scores + estimates[n_exact:]


def matching_slices(da: Document, db: Document) -> tuple[np.ndarray, np.ndarray]:
    """The matched regions of two documents' code (2 x N arrays of start/end offsets)."""
    assert da.fingerprint is not None and db.fingerprint is not None
    _overlap, _sims, (slices_a, slices_b) = compare_files(da.fingerprint, db.fingerprint)
    return np.asarray(slices_a), np.asarray(slices_b)


def read_code(sub: Submission, assignment: str) -> list[str]:
    """The code cell sources of one submission, read safely; InvalidSubmission says why not.

    The byte-level reading (size caps, only the notebook member of a zip) is the batch grader's
    (:mod:`mbrl_course.grading.submissions`); the JSON is only picked for code cells and the otter
    metadata, because rebuilding and validating the whole notebook costs more than comparing it.
    """
    data = _read_zip_notebook(sub.path, assignment)[0] if sub.is_zip else _read_capped(sub.path)
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidSubmission(f"invalid notebook JSON ({str(exc)[:80]})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise InvalidSubmission("valid JSON but not a Jupyter notebook (no list of cells)")
    meta = raw.get("metadata")
    otter = meta.get("otter") if isinstance(meta, dict) else None
    claimed = otter.get("assignment_name") if isinstance(otter, dict) else None
    if isinstance(claimed, str) and claimed and claimed != assignment:
        raise InvalidSubmission(f"this notebook is for assignment '{claimed}', not '{assignment}'")
    code = []
    for cell in raw["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            src = cell.get("source", "")
            code.append(
                "".join(s for s in src if isinstance(s, str)) if isinstance(src, list) else str(src)
            )
    return code


def load_documents(
    inputs: Sequence[str | Path], assignment: str, student_nb: Path, autograder_dir: Path
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Read every submission; return its documents and ``(id, reason)`` of those left out."""
    names = graded_names(autograder_dir)
    handout = code_sources(nbformat.read(student_nb, as_version=4))
    boilerplate = boilerplate_hashes(handout, names)
    docs, skipped = [], []
    for sub in discover(list(inputs)):
        try:
            code = read_code(sub, assignment)
        except InvalidSubmission as exc:
            skipped.append((sub.id, str(exc)))
            continue
        docs.append(make_document(sub.id, code, names, boilerplate))
    return docs, skipped


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course similarity` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = "Pairwise similarity of the students' graded code (copy check)."
    p.add_argument("submissions", nargs="+", help="submission notebooks, zips or folders")
    add_assignment(p, required=True)
    p.add_argument("--out", type=Path, default=Path("similarity"), help="folder for the reports")
    p.add_argument("--top", type=int, default=20, help="pairs shown in the terminal")
    p.add_argument("--html-pairs", type=int, default=50, help="pairs shown side by side in HTML")


def run(ns: argparse.Namespace) -> int:
    """`mbrl-course similarity` (see the module docstring)."""
    from .report import format_table, write_csv, write_html

    layout = default_layout(ns.root)
    known = sorted(p.name for p in layout.assignments.glob("*/") if p.is_dir())
    try:
        name = resolve_assignment(ns.assignment, known)
        docs, skipped = load_documents(
            ns.submissions,
            name,
            layout.assignments / name / f"{name}.ipynb",
            layout.autograder / name,
        )
    except InputError as exc:
        print(f"mbrl-course similarity: {exc}", file=sys.stderr)
        return 2
    pairs = compare_all(docs)
    ns.out.mkdir(parents=True, exist_ok=True)
    write_csv(pairs, ns.out / "similarity.csv")
    write_html(
        pairs, {d.id: d for d in docs}, skipped, name, ns.out / "similarity.html", ns.html_pairs
    )
    print(format_table(pairs[: ns.top], len(docs), name))
    for sub_id, why in skipped:
        print(f"not compared: {sub_id}: {why}")
    print(f"wrote {ns.out / 'similarity.csv'} and {ns.out / 'similarity.html'}")
    return 0
