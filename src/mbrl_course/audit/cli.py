"""``mbrl-course audit``: mutation-test the hidden tests and grade the correct-variant corpus.

    mbrl-course audit [--assignment NN] [--jobs N] [--question qX_Y] [--out audit/]

Writes ``OUT/report.json`` (per assignment: verdict counts, survivors, false rejects, input
digest), ``OUT/REPORT.md`` (from the whole json) and ``OUT/SURVIVORS-NN_topic.md``. With
``--question`` (or ``--mutant ID``) only those mutants run and the result is printed, not written
(a quick loop while closing survivors). Exit status 1 with ``--strict`` when a non-equivalent mutant
survives or a correct variant loses a point.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import inputs, report
from .grading import JobResult, cpu_count
from .run import AssignmentAuditor


def select(root: Path, wanted: Sequence[str] | None) -> list[str]:
    """Assignment names under ``autograder/`` matching `wanted` (``02`` or ``02_dyna``)."""
    names = sorted(p.name for p in (root / "autograder").iterdir() if (p / "tests").is_dir())
    if not wanted:
        return names
    chosen = [n for n in names if any(n == w or n.split("_")[0] == w for w in wanted)]
    missing = [w for w in wanted if not any(n == w or n.split("_")[0] == w for n in names)]
    if missing:
        raise SystemExit(f"mbrl-course audit: no assignment {', '.join(missing)} under autograder/")
    return chosen


def auditor_for(root: Path, name: str) -> AssignmentAuditor:
    """The auditor of one built assignment of the course at `root`."""
    return AssignmentAuditor(
        name,
        root / "autograder" / name / f"{name}.ipynb",
        root / "autograder" / name,
        student_nb=root / "assignments" / name / f"{name}.ipynb",
        variants_dir=root / "tests" / "submissions" / name,
        equivalents=inputs.load_equivalents(inputs.equivalents_path(root, name)),
        hide=tuple(str(root / d) for d in ("solutions", "autograder", "tests", "samples")),
        master=root / "solutions" / name / f"{name}.ipynb",
    )


def _progress(enabled: bool) -> Callable[[str, int], Callable[[JobResult], None]] | None:
    if not enabled:
        return None
    from tqdm import tqdm

    def factory(label: str, total: int) -> Callable[[JobResult], None]:
        bar = tqdm(total=total, desc=label, unit="job", file=sys.stderr, dynamic_ncols=True)

        def tick(_res: JobResult) -> None:
            bar.update(1)
            if bar.n >= total:
                bar.close()

        return tick

    return factory


def main(argv: Sequence[str] | None = None) -> int:
    """Run the audit; return the exit status."""
    ap = argparse.ArgumentParser(prog="mbrl-course audit", description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=None, help="course folder (default: this repo)")
    ap.add_argument("--assignment", action="append", metavar="NN", help="repeatable; default all")
    ap.add_argument("--question", metavar="qX_Y", help="only mutants of this question (printed)")
    ap.add_argument(
        "--mutant", action="append", metavar="ID", help="only these mutant ids (printed)"
    )
    ap.add_argument("--jobs", type=int, default=min(2, cpu_count()), help="parallel gradings")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/audit)")
    ap.add_argument("--no-corpus", action="store_true", help="skip the correct-variant corpus")
    ap.add_argument(
        "--corpus-only",
        action="store_true",
        help="grade only the correct variants; keep the report's mutant verdicts",
    )
    ap.add_argument("--no-progress", action="store_true", help="no progress bars")
    ap.add_argument("--strict", action="store_true", help="exit 1 on survivors or false rejects")
    ns = ap.parse_args(argv)

    from mbrl_course.course import course_root

    root = course_root(ns.root)
    out = ns.out if ns.out is not None else root / "audit"
    names = select(root, ns.assignment)
    if (ns.question or ns.mutant) and len(names) != 1:
        ap.error("--question and --mutant need exactly one --assignment")
    progress = _progress(not ns.no_progress)
    json_path = out / "report.json"
    whole = report.load_report(json_path)
    bad = 0
    for name in names:
        digest = inputs.digest(root, name)
        audit = auditor_for(root, name).run(
            ns.jobs,
            ns.question,
            progress,
            corpus=not (ns.no_corpus or ns.question or ns.mutant),
            mutant_ids=set() if ns.corpus_only else (set(ns.mutant) if ns.mutant else None),
        )
        section = report.audit_to_json(audit, digest)
        old = whole.get("assignments", {}).get(name)
        if ns.corpus_only:
            if not old or old.get("digest") != digest:
                print(
                    f"{name}: the report's mutant verdicts are missing or stale; run without --corpus-only"
                )
                bad += 1
                continue
            keep = (
                *("questions", "mutants", "survivors", "errors", "equivalent", "killed_elsewhere"),
                *("diagnosis", "details", "contradictions"),
            )
            section.update(
                {k: old[k] for k in (*keep, "stale_equivalents", "baseline_s") if k in old}
            )
        bad += len(section["survivors"]) + len(section["false_rejects"]) + len(section["errors"])
        if ns.question or ns.mutant:
            print("\n".join(report.assignment_markdown(name, section)))
            continue
        whole.setdefault("assignments", {})[name] = section
        out.mkdir(parents=True, exist_ok=True)
        (out / f"SURVIVORS-{name}.md").write_text(
            report.survivors_markdown(name, section), encoding="utf-8"
        )
        print(
            f"{name}: {section['mutants']} mutants, {len(section['survivors'])} survived, "
            f"{len(section['false_rejects'])} false rejects ({section['seconds']} s)"
        )
    if not (ns.question or ns.mutant):
        whole["format"] = report.FORMAT
        digests = {n: s["digest"] for n, s in whole["assignments"].items()}
        whole["digest"] = inputs.combined_digest(digests)
        report.write_json(json_path, whole)
        (out / "REPORT.md").write_text(report.report_markdown(whole), encoding="utf-8")
        print(f"wrote {out / 'REPORT.md'} and {json_path}")
        if out.resolve() == (root / "audit").resolve() and (root / "README.md").is_file():
            report.update_readme(root / "README.md", whole)
    return 1 if ns.strict and bad else 0


if __name__ == "__main__":
    sys.exit(main())
