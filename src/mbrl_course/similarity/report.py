"""Outputs of ``mbrl-course similarity``: terminal table, CSV, self-contained HTML report.

Why separate: the comparison (:mod:`mbrl_course.similarity`) returns data; this module only
presents it. The HTML page embeds its CSS, loads nothing from the network, and shows each of the
top pairs side by side with copydetect's matched regions highlighted.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from copydetect.utils import highlight_overlap

if TYPE_CHECKING:
    from . import Document, PairScore

CSV_COLUMNS = (
    "rank",
    "submission_a",
    "submission_b",
    "score",
    "similarity_a",
    "similarity_b",
    "overlap",
    "measure",
)
CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.high td { background: #fde2e2; }
.pair { margin: 2rem 0; border-top: 2px solid #888; padding-top: .5rem; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: 12px; line-height: 1.35; }
mark { background: #ffd76e; }
.note { color: #555; }
"""


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def format_table(pairs: Sequence[PairScore], n_docs: int, assignment: str) -> str:
    """The ranked pairs as a fixed-width table."""
    lines = [
        f"similarity of graded code, {assignment}: {n_docs} submissions, "
        f"{n_docs * (n_docs - 1) // 2} pairs (score = larger share of matched code)",
        f"{'rank':>4}  {'score':>6}  {'in A':>6}  {'in B':>6}  {'A':<30} {'B':<30}",
    ]
    for rank, p in enumerate(pairs, start=1):
        lines.append(
            f"{rank:>4}  {_pct(p.score)}  {_pct(p.similarity_a)}  {_pct(p.similarity_b)}  "
            f"{p.a[:30]:<30} {p.b[:30]:<30}"
        )
    return "\n".join(lines)


def write_csv(pairs: Sequence[PairScore], path: Path) -> None:
    """Every pair, ranked, as CSV (shares as fractions in [0, 1])."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for rank, p in enumerate(pairs, start=1):
            out.writerow(
                [
                    rank,
                    p.a,
                    p.b,
                    f"{p.score:.4f}",
                    f"{p.similarity_a:.4f}",
                    f"{p.similarity_b:.4f}",
                    p.overlap,
                    p.measure,
                ]
            )


def _highlighted(code: str, slices: np.ndarray) -> str:
    if slices.size == 0:
        return html.escape(code)
    text, _share = highlight_overlap(
        code, slices.astype(int), "<mark>", "</mark>", escape_html=True
    )
    return text


def write_html(
    pairs: Sequence[PairScore],
    docs: Mapping[str, Document],
    skipped: Sequence[tuple[str, str]],
    assignment: str,
    path: Path,
    side_by_side: int = 50,
) -> None:
    """The report: the ranked table (top 500 rows) and the top pairs side by side."""
    from . import matching_slices

    esc = html.escape
    rows = []
    for rank, p in enumerate(pairs[:500], start=1):
        anchor = f'<a href="#pair-{rank}">{rank}</a>' if rank <= side_by_side else str(rank)
        rows.append(
            f'<tr class="{"high" if p.score >= 0.5 else ""}"><td class="num">{anchor}</td>'
            f'<td class="num">{_pct(p.score)}</td><td class="num">{_pct(p.similarity_a)}</td>'
            f'<td class="num">{_pct(p.similarity_b)}</td><td>{esc(p.a)}</td><td>{esc(p.b)}</td></tr>'
        )
    sections = []
    for rank, p in enumerate(pairs[:side_by_side], start=1):
        if p.overlap == 0:
            break
        da, db = docs[p.a], docs[p.b]
        slices_a, slices_b = matching_slices(da, db)
        sections.append(
            f'<div class="pair" id="pair-{rank}"><h3>#{rank}: {_pct(p.score)} '
            f'({esc(p.a)} / {esc(p.b)})</h3><div class="side">'
            f"<div><b>{esc(p.a)}</b> ({_pct(p.similarity_a)} matched)"
            f"<pre>{_highlighted(da.code, slices_a)}</pre></div>"
            f"<div><b>{esc(p.b)}</b> ({_pct(p.similarity_b)} matched)"
            f"<pre>{_highlighted(db.code, slices_b)}</pre></div></div></div>"
        )
    skipped_html = "".join(f"<li>{esc(i)}: {esc(why)}</li>" for i, why in skipped)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Similarity of graded code: {esc(assignment)}</title><style>{CSS}</style></head>
<body><h1>Similarity of graded code: {esc(assignment)}</h1>
<p class="note">{len(docs)} submissions compared on the cells that define graded names (and their
helpers), with the handout notebook's code removed as boilerplate. Identifiers, strings,
comments and whitespace are normalised (copydetect winnowing), so renaming or reordering does not
hide a copy. A high score is a reason to look, not proof: read the matched code below.</p>
<table><tr><th>rank</th><th>score</th><th>share of A</th><th>share of B</th><th>A</th><th>B</th></tr>
{"".join(rows)}</table>
{f"<h2>Not compared</h2><ul>{skipped_html}</ul>" if skipped else ""}
<h2>Top pairs side by side</h2>{"".join(sections) or "<p>No pair shares graded code.</p>"}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
