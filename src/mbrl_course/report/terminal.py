"""The class report as a short terminal summary (what `mbrl-course report` prints)."""

from __future__ import annotations

from .collect import ClassReport


def summary(report: ClassReport, *, top: int = 8) -> str:
    """Overview, per-question means, the most failed tests, problems and who to look at."""
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(report.statuses.items())) or "none"
    mean = sum(report.totals) / len(report.totals) if report.totals else 0.0
    lines = [
        f"class report, {report.assignment}: {report.submissions} submissions ({statuses}), "
        f"mean total {mean:.1f} of {report.possible:g}",
        "",
        "per question (mean / points):",
    ]
    for q in report.questions:
        extra = f", {q.ungraded} ungraded" if q.ungraded else ""
        lines.append(f"  {q.question:<8} {q.kind:<6} {q.mean:6.2f} / {q.points:g}{extra}")
    failing = [t for t in report.tests if t.failed][:top]
    lines += ["", f"most failed tests (top {len(failing)}):"]
    for t in failing:
        lines.append(f"  {t.share:4.0%}  {t.key}: {t.purpose}")
        if t.messages:
            message, count = t.messages[0]
            lines.append(f"        most often ({count}x): {message[:110]}")
    for rs in report.rubrics:
        ticks = ", ".join(f"{i}: {n}" for i, _, _, n in rs.items)
        lines.append(f"rubric {rs.question}: {rs.graded} graded, {rs.zeros} no credit; {ticks}")
    lines.append(f"timeouts, invalid files, errors: {len(report.problems)}")
    lines += ["", f"worth a look ({len(report.worth_a_look)}; first {top}):"]
    for f in report.worth_a_look[:top]:
        lines.append(f"  {f.label}  {f.score:g}  {'; '.join(f.reasons)}")
    lines.append(f"similarity: {report.similarity_source}")
    return "\n".join(lines)
