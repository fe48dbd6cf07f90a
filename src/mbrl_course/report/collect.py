"""What the class report shows, computed from one assignment's gradebook (no rendering here).

Why separate: the HTML page, the terminal summary and the review page's ``/report`` route all show
the same numbers, and the tests check the numbers without parsing HTML. Messages are read as the
gradebook stores them (hidden tests' messages are assertion messages only, never test code).
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mbrl_grader.results import Status

from ..gradebook.db import GradebookDB, natural_key
from ..validate.leaks import parse_test_file
from ..written.rubrics import Rubric

TOP_MESSAGES = 3
"""Most frequent failure messages shown per test."""
FLAG_SIMILARITY = 0.6
"""A pair whose similarity score (larger share of matched graded code) reaches this is flagged."""
PROBLEM_REASONS = {
    "timeout": "hung (timed out)",
    "invalid": "not gradable",
    "error": "grading failed",
}
LOWEST_SHARE = 0.1
"""The lowest-scoring tenth of the graded submissions (at least one, never one with the best
total) are worth a look."""


@dataclass(frozen=True)
class QuestionStats:
    """The scores of one question across the class."""

    question: str
    kind: str
    """``auto`` (tests) or ``manual`` (rubric, graded on the review page)."""
    points: float
    scores: tuple[float, ...]
    """One per submission that has a score (ungraded written answers are left out)."""
    ungraded: int = 0

    @property
    def mean(self) -> float:
        """Mean score (0 when nobody has one)."""
        return sum(self.scores) / len(self.scores) if self.scores else 0.0


@dataclass(frozen=True)
class TestStats:
    """How often one test failed and what it said most often."""

    __test__ = False  # not a pytest test class

    key: str
    """``question:test_function``."""
    question: str
    purpose: str
    """The test's one-sentence docstring (or its name when the autograder is not at hand)."""
    hidden: bool
    ran: int
    failed: int
    messages: tuple[tuple[str, int], ...]
    """The most frequent failure messages with their counts, most frequent first."""

    @property
    def share(self) -> float:
        """Share of the submissions that ran this test and failed it."""
        return self.failed / self.ran if self.ran else 0.0


@dataclass(frozen=True)
class RubricStats:
    """How often each rubric item of a written question was ticked."""

    question: str
    graded: int
    zeros: int
    items: tuple[tuple[str, str, float, int], ...]
    """``(id, label, points, times ticked)`` in rubric order."""


@dataclass(frozen=True)
class Flagged:
    """A submission worth a look and why."""

    label: str
    score: float
    reasons: tuple[str, ...]


@dataclass
class ClassReport:
    """Everything the report shows for one assignment."""

    assignment: str
    submissions: int
    possible: float
    totals: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    questions: list[QuestionStats] = field(default_factory=list)
    tests: list[TestStats] = field(default_factory=list)
    rubrics: list[RubricStats] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    """``(label, status, reason)`` of every submission that timed out, was invalid or errored."""
    worth_a_look: list[Flagged] = field(default_factory=list)
    similarity_source: str = ""
    """What the similarity flags come from (a CSV path), or why there are none."""


def test_purposes(autograder_dir: Path | None) -> dict[str, tuple[str, bool]]:
    """``{"q1_2:test_name": (first docstring sentence, hidden)}`` from an autograder's tests."""
    out: dict[str, tuple[str, bool]] = {}
    if autograder_dir is None or not (autograder_dir / "tests").is_dir():
        return out
    import ast

    for path in sorted((autograder_dir / "tests").glob("*.py")):
        for case in parse_test_file(path):
            doc = ast.get_docstring(case.node) or ""
            first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
            out[f"{path.stem}:{case.name}"] = (first, case.hidden)
    return out


def read_similarity(
    path: Path | None, threshold: float = FLAG_SIMILARITY
) -> dict[str, list[tuple[float, str]]]:
    """``{submission id: [(score, other id), ...]}`` for the pairs of ``mbrl-course
    similarity``'s CSV whose score reaches `threshold` (nothing when there is no CSV)."""
    flags: dict[str, list[tuple[float, str]]] = {}
    if path is None or not path.is_file():
        return flags
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                score = float(row["score"])
                a, b = row["submission_a"], row["submission_b"]
            except (KeyError, TypeError, ValueError):
                continue
            if score >= threshold:
                flags.setdefault(a, []).append((score, b))
                flags.setdefault(b, []).append((score, a))
    return flags


def _test_stats(subs, purposes: Mapping[str, tuple[str, bool]]) -> list[TestStats]:
    ran: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    messages: dict[str, Counter[str]] = {}
    meta: dict[str, tuple[str, bool, str]] = {}
    for sub in subs:
        for o in sub.result.outcomes:
            ran[o.key] += 1
            meta.setdefault(o.key, (o.question, o.hidden, o.test or o.name))
            if not o.passed:
                failed[o.key] += 1
                text = " ".join((o.message or "(no message)").split())
                messages.setdefault(o.key, Counter())[text[:300]] += 1
    out = []
    for key, (question, hidden, name) in meta.items():
        purpose, _ = purposes.get(key, (name, hidden))
        top = tuple(messages.get(key, Counter()).most_common(TOP_MESSAGES))
        out.append(TestStats(key, question, purpose or name, hidden, ran[key], failed[key], top))
    return sorted(out, key=lambda t: (-t.share, natural_key(t.key)))


def collect(
    db: GradebookDB,
    assignment: str,
    *,
    rubrics: Mapping[str, Rubric] | None = None,
    autograder_dir: Path | None = None,
    similarity_csv: Path | None = None,
    label: Callable[[str], str] | None = None,
) -> ClassReport:
    """Read `assignment`'s gradebook into a :class:`ClassReport`.

    `label` names submissions (the review page passes "Submission N" when grading blind);
    `similarity_csv` is ``mbrl-course similarity``'s CSV (the default when it is None:
    ``similarity/similarity.csv`` next to the gradebook, when it exists).
    """
    label = label or (lambda sid: sid)
    rubrics = rubrics or {}
    if similarity_csv is None:
        similarity_csv = db.path.parent / "similarity" / "similarity.csv"
    subs = db.submissions(assignment)
    auto = db.questions(assignment, "auto")
    manual = db.questions(assignment, "manual") or {q: r.points for q, r in rubrics.items()}
    scores = db.manual_scores(assignment)
    report = ClassReport(assignment, len(subs), sum(auto.values()) + sum(manual.values()))
    report.statuses = dict(Counter(s.result.status.value for s in subs))

    per_sub: dict[str, float] = {}
    auto_scores: dict[str, list[float]] = {q: [] for q in auto}
    for sub in subs:
        per_q = sub.result.per_question()
        for q in auto_scores:
            auto_scores[q].append(per_q.get(q, {}).get("score", 0.0))
        per_sub[sub.submission_id] = sub.result.score
    for q, points in auto.items():
        report.questions.append(QuestionStats(q, "auto", points, tuple(auto_scores[q])))
    ids = [s.submission_id for s in subs]
    for q, points in manual.items():
        got = [scores[(sid, q)].points for sid in ids if (sid, q) in scores]
        for sid in ids:
            if (sid, q) in scores:
                per_sub[sid] += scores[(sid, q)].points
        report.questions.append(
            QuestionStats(q, "manual", points, tuple(got), ungraded=len(ids) - len(got))
        )
        rubric = rubrics.get(q)
        ticked: Counter[str] = Counter()
        zeros = 0
        for sid in ids:
            score = scores.get((sid, q))
            if score is not None:
                ticked.update(score.items)
                zeros += score.points == 0
        items = tuple(
            (i.id, i.label, i.points, ticked[i.id]) for i in (rubric.items if rubric else ())
        ) or tuple((i, i, 0.0, n) for i, n in sorted(ticked.items()))
        report.rubrics.append(RubricStats(q, len(got), zeros, items))
    report.totals = [per_sub[sid] for sid in ids]
    report.tests = _test_stats(subs, test_purposes(autograder_dir))

    flags: dict[str, list[str]] = {sid: [] for sid in ids}
    for sub in subs:
        status = sub.result.status
        if status is not Status.GRADED:
            report.problems.append((label(sub.submission_id), status.value, sub.result.reason))
            flags[sub.submission_id].append(PROBLEM_REASONS.get(status.value, status.value))
        elif sub.result.cell_errors:
            flags[sub.submission_id].append(f"{len(sub.result.cell_errors)} cell error(s)")
    graded = sorted(
        (s for s in subs if s.result.status is Status.GRADED),
        key=lambda s: (per_sub[s.submission_id], natural_key(s.submission_id)),
    )
    best = max((per_sub[s.submission_id] for s in graded), default=0.0)
    for sub in graded[: max(1, math.ceil(LOWEST_SHARE * len(graded)))]:
        if per_sub[sub.submission_id] < best:  # a class that all did equally well has no lowest
            flags[sub.submission_id].append(f"among the lowest {LOWEST_SHARE:.0%}")
    similar = read_similarity(similarity_csv)
    if similarity_csv.is_file():
        report.similarity_source = (
            f"pairs with similarity >= {FLAG_SIMILARITY:.0%} in {similarity_csv}"
        )
    else:
        report.similarity_source = (
            f"no similarity flags: {similarity_csv} does not exist (run `mbrl-course similarity "
            "SUBMISSIONS --assignment NN --out DIR`, then `report --similarity DIR/similarity.csv`)"
        )
    for sid in ids:
        for score, other in similar.get(sid, []):
            flags[sid].append(f"{score:.0%} similar to {label(other)}")
    report.worth_a_look = sorted(
        (Flagged(label(sid), per_sub[sid], tuple(why)) for sid, why in flags.items() if why),
        key=lambda f: (-len(f.reasons), f.score, natural_key(f.label)),
    )
    return report
