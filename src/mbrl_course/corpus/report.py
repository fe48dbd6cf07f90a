"""How well the public checks teach: per notebook, the share of the mistake corpus they flag.

Why: a student hears about a mistake before submitting only if a public check fails on it. The
corpus ``tests/submissions/NN_topic/bug_*.py`` lists, in ``expected.json``, the exact tests each
mistake fails (verified by grading in the test suite); a mistake is *flagged publicly* when one
of them is public and *caught* when one of them is hidden. Wrong multiple-choice or numeric
answers (every failing test takes only answer variables such as ``q3_2``) are graded by hidden
tests only, by design: they count as caught or not, never towards the public share. Targets (issue 11): at least 80 %
flagged publicly in every notebook, 100 % caught by the hidden tests.

``mbrl-course corpus-report`` prints the table; CI runs it after the tests.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..validate.leaks import parse_test_file

PUBLIC_TARGET = 0.8
HIDDEN_TARGET = 1.0


@dataclass
class CorpusFigures:
    """The mistake corpus of one notebook against its public and hidden tests."""

    name: str
    bugs: int = 0
    flagged_publicly: int = 0
    caught_hidden: int = 0
    answer_mistakes: int = 0
    """Wrong MC/numeric answers: hidden-only by design, left out of the public share."""
    silent_publicly: list[str] = field(default_factory=list)
    missed_hidden: list[str] = field(default_factory=list)

    @property
    def code_bugs(self) -> int:
        """Mistakes in graded code (the ones a public check can and should flag)."""
        return self.bugs - self.answer_mistakes

    @property
    def public_share(self) -> float:
        """Fraction of the code mistakes that fail at least one public test."""
        return self.flagged_publicly / self.code_bugs if self.code_bugs else 0.0

    @property
    def hidden_share(self) -> float:
        """Fraction of the bugs that fail at least one hidden test."""
        return self.caught_hidden / self.bugs if self.bugs else 0.0

    @property
    def meets_targets(self) -> bool:
        """True when both targets are met (and there is a corpus at all)."""
        return (
            self.bugs > 0
            and (self.code_bugs == 0 or self.public_share >= PUBLIC_TARGET)
            and self.hidden_share >= HIDDEN_TARGET
        )


ANSWER_VARIABLE = re.compile(r"^q\d+_\d+$")


def visibility_of_tests(autograder_dir: Path) -> dict[str, tuple[bool, bool]]:
    """``{"q1_2:test_name": (hidden, answer_test)}`` for every test case of an autograder.

    An answer test takes only answer variables (``q3_2``) as arguments.
    """
    out: dict[str, tuple[bool, bool]] = {}
    for path in sorted((autograder_dir / "tests").glob("*.py")):
        question = path.stem
        for case in parse_test_file(path):
            answer = bool(case.params) and all(ANSWER_VARIABLE.match(p) for p in case.params)
            out[f"{question}:{case.name}"] = (case.hidden, answer)
    return out


def figures_for(root: Path, name: str) -> CorpusFigures:
    """The corpus figures of assignment `name` under the course folder `root`."""
    expected_path = root / "tests" / "submissions" / name / "expected.json"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    tests = visibility_of_tests(root / "autograder" / name)
    figures = CorpusFigures(name)
    for variant, entry in sorted(expected.items()):
        if not variant.startswith("bug"):
            continue
        fails = entry.get("fails", [])
        unknown = [k for k in fails if k not in tests]
        if unknown:
            raise ValueError(f"{name}/{variant}: no such test(s) {unknown}")
        figures.bugs += 1
        if fails and all(tests[k][1] for k in fails):
            figures.answer_mistakes += 1
        elif any(not tests[k][0] for k in fails):
            figures.flagged_publicly += 1
        else:
            figures.silent_publicly.append(variant)
        if any(tests[k][0] for k in fails):
            figures.caught_hidden += 1
        else:
            figures.missed_hidden.append(variant)
    return figures


def report(root: Path, names: Sequence[str] | None = None) -> list[CorpusFigures]:
    """Figures for every assignment with a corpus (or the named ones)."""
    found = sorted(p.parent.name for p in (root / "tests" / "submissions").glob("*/expected.json"))
    return [figures_for(root, n) for n in (names or found)]


def format_report(rows: Sequence[CorpusFigures]) -> str:
    """A Markdown table of the figures, then the mistakes the public checks miss."""
    lines = [
        "| notebook | mistakes (code + answers) | code mistakes flagged by public checks "
        "| caught by hidden tests | targets |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.code_bugs} + {r.answer_mistakes} | "
            f"{r.flagged_publicly} of {r.code_bugs} ({r.public_share:.0%}) | "
            f"{r.caught_hidden} ({r.hidden_share:.0%}) | {'met' if r.meets_targets else 'NOT met'} |"
        )
    for r in rows:
        if r.silent_publicly:
            lines.append(f"\n{r.name}, silent publicly: {', '.join(r.silent_publicly)}")
        if r.missed_hidden:
            lines.append(f"\n{r.name}, NOT caught by hidden tests: {', '.join(r.missed_hidden)}")
    return "\n".join(lines)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course corpus-report` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = __doc__
    p.add_argument("names", nargs="*", metavar="NN", help="assignments (default: all)")


def run(args: argparse.Namespace) -> int:
    """`mbrl-course corpus-report [NN...]`: print the table; 1 if a target is missed."""
    from ..course import course_root

    rows = report(course_root(args.root), args.names or None)
    print(format_report(rows))
    return 0 if all(r.meets_targets for r in rows) else 1
