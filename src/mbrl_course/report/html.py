"""The class report as one self-contained HTML page (no scripts, no external resources).

Every text that can come from a student or a test (submission ids, messages, reasons, rubric
labels) goes through :func:`html.escape`; figures are base64 PNG ``data:`` images. The page has
no ``<script>`` at all, so it works under the review page's Content-Security-Policy and can be
mailed or opened from disk.
"""

from __future__ import annotations

from html import escape

from .collect import ClassReport
from .figures import question_histograms, total_histogram

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em 2em; color: #222; max-width: 70em; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .7em; background: #c44e52; vertical-align: middle; }
.msg { font-family: ui-monospace, monospace; font-size: .85em; white-space: pre-wrap; }
.note { color: #555; }
img { max-width: 100%; }
"""


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _bar(share: float) -> str:
    return f'<span class="bar" style="width:{share * 8:.2f}em"></span>'


def _overview(r: ClassReport) -> str:
    statuses = ", ".join(f"{escape(k)}: {v}" for k, v in sorted(r.statuses.items()))
    mean = sum(r.totals) / len(r.totals) if r.totals else 0.0
    return (
        f"<p>{r.submissions} submissions ({statuses}); {r.possible:g} points possible; "
        f"mean total {mean:.1f}.</p>"
    )


def _questions(r: ClassReport) -> str:
    if not r.questions:
        return "<p class='note'>No questions recorded for this assignment.</p>"
    rows = "".join(
        f"<tr><td>{escape(q.question)}</td><td>{escape(q.kind)}</td>"
        f"<td class='num'>{q.points:g}</td><td class='num'>{q.mean:.2f}</td>"
        f"<td class='num'>{_pct(q.mean / q.points) if q.points else '-'}</td>"
        f"<td class='num'>{q.ungraded}</td></tr>"
        for q in r.questions
    )
    return (
        f'<img alt="score histogram of each question" id="question-histograms" '
        f'src="data:image/png;base64,{question_histograms(r)}">'
        f'<img alt="histogram of total scores" id="total-histogram" '
        f'src="data:image/png;base64,{total_histogram(r)}">'
        "<table id='questions'><tr><th>question</th><th>graded by</th><th class='num'>points</th>"
        "<th class='num'>mean</th><th class='num'>mean %</th><th class='num'>ungraded</th></tr>"
        f"{rows}</table>"
    )


def _tests(r: ClassReport) -> str:
    failing = [t for t in r.tests if t.failed]
    if not failing:
        return "<p class='note'>No test failed.</p>"
    rows = []
    for t in failing:
        msgs = "".join(
            f"<li><span class='msg'>{escape(m)}</span> <span class='note'>({n}x)</span></li>"
            for m, n in t.messages
        )
        rows.append(
            f"<tr><td>{escape(t.question)}</td><td>{escape(t.purpose)}"
            f"{' <span class=note>(hidden)</span>' if t.hidden else ''}</td>"
            f"<td class='num'>{_pct(t.share)} {_bar(t.share)}</td>"
            f"<td class='num'>{t.failed}/{t.ran}</td><td><ul>{msgs}</ul></td></tr>"
        )
    return (
        "<table id='tests'><tr><th>question</th><th>what the test checks</th>"
        "<th class='num'>failed</th><th class='num'>count</th><th>most frequent messages</th>"
        f"</tr>{''.join(rows)}</table>"
    )


def _rubrics(r: ClassReport) -> str:
    if not r.rubrics:
        return "<p class='note'>No written questions.</p>"
    parts = []
    for rs in r.rubrics:
        rows = "".join(
            f"<tr><td>{escape(i)}</td><td>{escape(text)}</td><td class='num'>{pts:g}</td>"
            f"<td class='num'>{n}</td><td class='num'>{_pct(n / rs.graded) if rs.graded else '-'}"
            f" {_bar(n / rs.graded if rs.graded else 0)}</td></tr>"
            for i, text, pts, n in rs.items
        )
        parts.append(
            f"<h3>{escape(rs.question)}</h3><p>{rs.graded} graded, {rs.zeros} with no credit.</p>"
            "<table class='rubric'><tr><th>item</th><th>text</th><th class='num'>points</th>"
            f"<th class='num'>ticked</th><th class='num'>share</th></tr>{rows}</table>"
        )
    return "".join(parts)


def _problems(r: ClassReport) -> str:
    if not r.problems:
        return "<p class='note'>No timeouts, invalid files or grading errors.</p>"
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(status)}</td><td class='msg'>{escape(why)}</td>"
        "</tr>"
        for name, status, why in r.problems
    )
    return (
        "<table id='problems'><tr><th>submission</th><th>status</th><th>reason</th></tr>"
        f"{rows}</table>"
    )


def _worth(r: ClassReport, limit: int) -> str:
    rows = "".join(
        f"<tr><td>{escape(f.label)}</td><td class='num'>{f.score:g}</td>"
        f"<td>{escape('; '.join(f.reasons))}</td></tr>"
        for f in r.worth_a_look[:limit]
    )
    more = len(r.worth_a_look) - limit
    return (
        f"<p class='note'>Lowest scores, hung or failed gradings, and copies: "
        f"{escape(r.similarity_source)}.</p>"
        "<table id='worth'><tr><th>submission</th><th class='num'>score</th><th>why</th></tr>"
        f"{rows}</table>" + (f"<p class='note'>and {more} more.</p>" if more > 0 else "")
    )


def report_html(report: ClassReport, *, back_url: str | None = None, limit: int = 40) -> str:
    """The whole page; `back_url` adds a link back (the review page's start page)."""
    back = f'<p><a href="{escape(back_url)}">&larr; review page</a></p>' if back_url else ""
    title = f"Class report: {escape(report.assignment)}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>{back}"
        f"<h1>{title}</h1>{_overview(report)}"
        f"<h2>Scores per question</h2>{_questions(report)}"
        f"<h2>What the class got wrong: failed tests</h2>{_tests(report)}"
        f"<h2>Written questions: rubric items</h2>{_rubrics(report)}"
        f"<h2>Timeouts and errors</h2>{_problems(report)}"
        f"<h2>Submissions worth a look</h2>{_worth(report, limit)}"
        "</body></html>"
    )
