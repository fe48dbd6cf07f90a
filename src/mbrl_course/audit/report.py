"""The audit's outputs: ``audit/REPORT.md``, ``audit/report.json``, ``audit/SURVIVORS-NN.md``.

``report.json`` holds, per assignment, the verdict counts per question, the survivors, the false
rejects and the digest of the inputs the verdicts depend on (:mod:`.inputs`), so a fast test can
tell when the committed report is stale without grading any mutant.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .run import AssignmentAudit

FORMAT = "mbrl-course-audit/1"
VERDICTS = ("killed", "killed_elsewhere", "timeout", "survived", "equivalent", "error")


def question_rows(audit: AssignmentAudit) -> list[dict[str, Any]]:
    """Per question with mutants: counts of each verdict and the mutation score."""
    counts: dict[str, Counter] = {}
    for m in audit.mutants:
        counts.setdefault(m.question, Counter())[m.verdict] += 1
    rows = []
    order = {q: i for i, q in enumerate(audit.questions)}
    for question in sorted(counts, key=lambda q: order.get(q, 1e9)):
        c = counts[question]
        total = sum(c.values())
        scored = total - c["equivalent"]
        detected = c["killed"] + c["killed_elsewhere"] + c["timeout"]
        rows.append(
            {
                "question": question,
                "mutants": total,
                **{v: c[v] for v in VERDICTS},
                "score": round(detected / scored, 4) if scored else 1.0,
            }
        )
    return rows


def diagnosis_rows(audit: AssignmentAudit) -> list[dict[str, Any]]:
    """Per question: killed mutants and how many a failing test declaring their behaviour caught."""
    counts: dict[str, Counter] = {}
    for m in audit.mutants:
        if m.diagnosed is None:
            continue
        c = counts.setdefault(m.question, Counter())
        c["killed"] += 1
        c["diagnosed"] += bool(m.diagnosed)
        c["charged_once"] += bool(m.diagnosed) and not m.stray
    order = {q: i for i, q in enumerate(audit.questions)}
    return [
        {
            "question": q,
            "killed": c["killed"],
            "diagnosed": c["diagnosed"],
            "accuracy": round(c["diagnosed"] / c["killed"], 4) if c["killed"] else 1.0,
            "charged_once": c["charged_once"],
        }
        for q, c in sorted(counts.items(), key=lambda item: order.get(item[0], 1e9))
    ]


def mutant_details(audit: AssignmentAudit) -> list[dict[str, Any]]:
    """Per detected mutant: its behaviour, the failing tests, their messages and the diagnosis."""
    return [
        {
            "id": m.id,
            "question": m.question,
            "behaviour": m.behaviour,
            "verdict": m.verdict,
            "diagnosed": m.diagnosed,
            "failed": m.failed,
            "messages": m.messages,
            "contradictions": m.contradictions,
            "stray": m.stray,
        }
        for m in audit.mutants
        if m.failed
    ]


def false_rejects(audit: AssignmentAudit) -> list[dict[str, Any]]:
    """Correct variants that lost a point (or could not be graded)."""
    return [v.to_dict() for v in audit.variants if v.failed or v.status != "graded"]


def audit_to_json(audit: AssignmentAudit, digest: str) -> dict[str, Any]:
    """The machine-readable section of one assignment."""
    return {
        "digest": digest,
        "questions": question_rows(audit),
        "mutants": len(audit.mutants),
        "survivors": [m.to_dict() for m in audit.mutants if m.verdict == "survived"],
        "errors": [m.to_dict() for m in audit.mutants if m.verdict == "error"],
        "equivalent": [
            {"id": m.id, "question": m.question, "reason": m.reason}
            for m in audit.mutants
            if m.verdict == "equivalent"
        ],
        "killed_elsewhere": [
            {"id": m.id, "question": m.question, "failed": m.failed}
            for m in audit.mutants
            if m.verdict == "killed_elsewhere"
        ],
        "stale_equivalents": audit.stale_equivalents,
        "diagnosis": diagnosis_rows(audit),
        "details": mutant_details(audit),
        "declarations": audit.declarations,
        "undeclared": sorted(k for k, v in audit.declarations.items() if v is None),
        "unknown_behaviours": audit.unknown,
        "contradictions": [
            {"id": m.id, "test": k, "phrase": phrase}
            for m in audit.mutants
            for k, phrase in sorted(m.contradictions.items())
        ],
        "variants": [v.to_dict() for v in audit.variants],
        "false_rejects": false_rejects(audit),
        "baseline_s": audit.baseline,
        "seconds": round(audit.seconds, 1),
        "notes": audit.notes,
    }


def load_report(path: Path) -> dict[str, Any]:
    """The committed ``report.json`` (an empty report when there is none)."""
    if not path.is_file():
        return {"format": FORMAT, "assignments": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write ``report.json`` with sorted keys (stable diffs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _score_table(name: str, section: dict[str, Any]) -> list[str]:
    lines = [
        "| question | mutants | killed | killed by other questions | timed out | survived "
        "| equivalent | error | mutation score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in section["questions"]:
        lines.append(
            f"| {row['question']} | {row['mutants']} | {row['killed']} | "
            f"{row['killed_elsewhere']} | {row['timeout']} | {row['survived']} | "
            f"{row['equivalent']} | {row['error']} | {100 * row['score']:.1f}% |"
        )
    return lines


def _survivor_block(m: dict[str, Any]) -> list[str]:
    head = f"#### `{m['id']}` ({m['question']}, {m['operator']}, cell line {m['line']})"
    return [head, "", "```diff", m["diff"].rstrip("\n"), "```", ""]


def diagnosis_totals(section: dict[str, Any]) -> tuple[int, int] | None:
    """(killed, diagnosed at the right place) of one assignment; None for an older report."""
    if "diagnosis" not in section:
        return None
    rows = section["diagnosis"]
    return sum(r["killed"] for r in rows), sum(r["diagnosed"] for r in rows)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _diagnosis_lines(section: dict[str, Any], heading: str) -> list[str]:
    """Diagnosis accuracy per question, the misdiagnosed mutants, contradictions, undeclared."""
    totals = diagnosis_totals(section)
    if totals is None:
        return []
    lines = [
        f"{heading}# Diagnosis: do the failing tests name what the mutant broke?",
        "",
        "A killed mutant is *diagnosed at the right place* when one of its failing tests declares "
        "(`Checks:` in its docstring) the behaviour the mutant changed (its definition and the "
        "`# behaviour:` label of its line).",
        "",
        "*Charged once*: every failing test declares it (no test of another behaviour fails too).",
        "",
        "| question | killed | diagnosed at the right place | accuracy | charged once |",
        "|---|---|---|---|---|",
    ]
    for row in section["diagnosis"]:
        lines.append(
            f"| {row['question']} | {row['killed']} | {row['diagnosed']} | "
            f"{_percent(row['diagnosed'], row['killed'])} | {row.get('charged_once', 'n/a')} |"
        )
    killed, right = totals
    once = sum(r.get("charged_once", 0) for r in section["diagnosis"])
    lines += [
        "",
        f"Overall: {right} of {killed} killed mutants ({_percent(right, killed)}) diagnosed at "
        f"the right place; {once} ({_percent(once, killed)}) charged once.",
        "",
    ]
    declarations = section.get("declarations", {})
    wrong = [d for d in section.get("details", []) if d["diagnosed"] is False]
    if wrong:
        lines += [f"{heading}# Misdiagnosed mutants ({len(wrong)})", ""]
        for d in wrong:
            tests = ", ".join(
                f"{k} ({', '.join(declarations.get(k) or ['undeclared'])})" for k in d["failed"]
            )
            lines.append(f"- `{d['id']}` breaks `{d['behaviour']}`; fails {tests}")
        lines.append("")
    stray = [d for d in section.get("details", []) if d["diagnosed"] and d.get("stray")]
    if stray:
        lines += [f"{heading}# Diagnosed, but also charged by tests of other behaviours", ""]
        for d in stray:
            tests = ", ".join(
                f"{k} ({', '.join(declarations.get(k) or ['undeclared'])})" for k in d["stray"]
            )
            lines.append(f"- `{d['id']}` breaks `{d['behaviour']}`; also fails {tests}")
        lines.append("")
    if section.get("contradictions"):
        lines += [f"{heading}# Self-contradicting messages", ""]
        lines += [
            f'- `{c["id"]}`, {c["test"]}: "{c["phrase"]}"' for c in section["contradictions"]
        ] + [""]
    if section.get("undeclared"):
        lines += [f"{heading}# Tests that declare no behaviour", ""]
        lines += [f"- {k}" for k in section["undeclared"]] + [""]
    if section.get("unknown_behaviours"):
        lines += [f"{heading}# Declared behaviours the notebook does not have", ""]
        lines += [
            f"- {k}: {', '.join(v)}" for k, v in sorted(section["unknown_behaviours"].items())
        ] + [""]
    return lines


def assignment_markdown(name: str, section: dict[str, Any], heading: str = "##") -> list[str]:
    """The REPORT.md section of one assignment."""
    lines = [f"{heading} {name}", ""]
    lines += _score_table(name, section)
    totals = Counter()
    for row in section["questions"]:
        for v in VERDICTS:
            totals[v] += row[v]
    scored = sum(totals.values()) - totals["equivalent"]
    detected = totals["killed"] + totals["killed_elsewhere"] + totals["timeout"]
    score = 100 * detected / scored if scored else 100.0
    lines += [
        "",
        f"{section['mutants']} mutants: {detected} of {scored} non-equivalent ones detected "
        f"({score:.1f}%), {totals['equivalent']} equivalent; audit took {section['seconds']} s.",
        "",
    ]
    lines += _diagnosis_lines(section, heading)
    if section["survivors"]:
        lines += [f"{heading}# Surviving mutants ({len(section['survivors'])})", ""]
        for m in section["survivors"]:
            lines += _survivor_block(m)
    if section["errors"]:
        lines += [f"{heading}# Mutants the grader could not grade", ""]
        lines += [f"- `{m['id']}`: {m['reason']}" for m in section["errors"]] + [""]
    if section["killed_elsewhere"]:
        lines += [f"{heading}# Killed only by another question's tests", ""]
        for m in section["killed_elsewhere"]:
            lines.append(f"- `{m['id']}` ({m['question']}): fails {', '.join(m['failed'])}")
        lines.append("")
    if section["equivalent"]:
        lines += [f"{heading}# Equivalent mutants", ""]
        lines += [f"- `{m['id']}` ({m['question']}): {m['reason']}" for m in section["equivalent"]]
        lines.append("")
    if section["stale_equivalents"]:
        lines += [
            f"{heading}# Equivalents file entries that no longer match a surviving mutant",
            "",
        ]
        lines += [f"- `{k}`" for k in section["stale_equivalents"]] + [""]
    lines += [f"{heading}# Correct variants (fairness)", ""]
    if not section["variants"]:
        lines += ["No correct variants in the corpus.", ""]
    for v in section["variants"]:
        verdict = "full marks" if not v["failed"] and v["status"] == "graded" else "FALSE REJECT"
        fails = f": fails {', '.join(v['failed'])}" if v["failed"] else ""
        lines.append(f"- `{v['variant']}`: {verdict} ({v['status']}){fails}")
    lines.append("")
    if section["notes"]:
        lines += [f"{heading}# Notes", ""] + [f"- {n}" for n in section["notes"]] + [""]
    return lines


def summary_rows(report: dict[str, Any]) -> list[str]:
    """One line per assignment: mutants, score, survivors, false rejects."""
    lines = [
        "| assignment | mutants | equivalent | survived | mutation score | diagnosed at the right "
        "place | false rejects |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, section in sorted(report["assignments"].items()):
        rows = section["questions"]
        total = sum(r["mutants"] for r in rows)
        eq = sum(r["equivalent"] for r in rows)
        surv = sum(r["survived"] + r["error"] for r in rows)
        score = 100 * (total - eq - surv) / (total - eq) if total - eq else 100.0
        diag = diagnosis_totals(section)
        accuracy = _percent(diag[1], diag[0]) if diag else "n/a"
        lines.append(
            f"| {name} | {total} | {eq} | {surv} | {score:.1f}% | {accuracy} | "
            f"{len(section['false_rejects'])} |"
        )
    return lines


def report_markdown(report: dict[str, Any]) -> str:
    """The whole REPORT.md."""
    lines = [
        "# Mutation audit of the hidden tests",
        "",
        "Generated by `make audit` (`mbrl-course audit`); do not edit. Each mutant changes one",
        "node of a graded definition's solution code and is graded with the real trusted runner;",
        "a mutant is *killed* when a test of its question fails. Equivalent mutants (no behaviour",
        "change) are listed with their reason in `audit/NN_topic.equivalent.yaml` and count apart.",
        "*Diagnosed at the right place*: a failing test declares (`Checks:`) the behaviour the",
        "mutant changed; per question in each assignment's diagnosis table.",
        "",
        f"Input digest: `{report.get('digest', '')}`",
        "",
    ]
    lines += summary_rows(report) + [""]
    for name, section in sorted(report["assignments"].items()):
        lines += assignment_markdown(name, section)
    return "\n".join(lines).rstrip("\n") + "\n"


def survivors_markdown(name: str, section: dict[str, Any]) -> str:
    """``SURVIVORS-NN.md``: what the notebook's author must close, with everything needed."""
    lines = [
        f"# Surviving mutants of {name}",
        "",
        "Generated by `mbrl-course audit --assignment "
        f"{name[:2]}`; each diff is a bug the hidden tests do not catch. Close it with a",
        "test, or, when it cannot change behaviour, list its id with a one-line reason in",
        f"`audit/{name}.equivalent.yaml`.",
        "",
    ]
    lines += assignment_markdown(name, section, heading="##")[2:]
    return "\n".join(lines).rstrip("\n") + "\n"


README_BEGIN = "<!-- BEGIN AUDIT SUMMARY (generated by mbrl-course audit; do not edit) -->"
README_END = "<!-- END AUDIT SUMMARY -->"


def readme_block(report: dict[str, Any]) -> str:
    """The summary table the README shows between its audit markers."""
    return "\n".join([README_BEGIN, *summary_rows(report), README_END])


def update_readme(readme: Path, report: dict[str, Any]) -> bool:
    """Rewrite the README's audit summary between the markers; False when it has no markers."""
    text = readme.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        return False
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    new = head + readme_block(report) + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return True
