"""`mbrl-course written-pdf SUBMISSIONS --assignment NN --out DIR`: written answers as PDFs.

Why: Gradescope grades written answers on PDFs. otter's own export needs pandoc/LaTeX (and the
student export has ``pdf: false``), so we write one PDF per submission ourselves with fpdf2 (pure
Python): a cover line naming the submission, then each written question on a new page, its
prompt and the student's answer rendered from Markdown (LaTeX kept as ``$...$`` text). Files are
named after the submission id (``<id>.pdf``) so Gradescope's bulk upload can be matched to
students by file name. A submission that cannot be read still gets a PDF that says why, and the
command prints one status line per submission; it never stops half-way.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from fpdf import FPDF, XPos, YPos
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from ..course import default_layout
from ..errors import ToolError
from ..grading.submissions import InvalidSubmission, discover, read_submission, safe_filename
from ..options import add_assignment, resolve_assignment
from .answers import extract_written_answers, status_message
from .rubrics import Rubric, load_rubrics

FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)
FONT = "DejaVu"
MONO = "DejaVuMono"


def _fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _math_as_text(self, tokens, idx, options, env) -> str:  # markdown-it renderer signature
    token = tokens[idx]
    fence = "$$" if token.type == "math_block" else "$"
    text = f"<code>{escape(fence + token.content.strip() + fence)}</code>"
    return f"<p>{text}</p>" if token.type == "math_block" else text


def _image_as_text(self, tokens, idx, options, env) -> str:
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return f"[image: {escape(alt)}]"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.use(dollarmath_plugin, allow_space=True, double_inline=True)
    for rule in ("math_inline", "math_block", "math_inline_double", "math_block_label"):
        md.add_render_rule(rule, _math_as_text)
    md.add_render_rule("image", _image_as_text)
    return md


def _code_styles() -> dict:
    """Monospaced Unicode font for code (fpdf2's default Courier is Latin-1 only)."""
    from fpdf.fonts import TextStyle

    return {"code": TextStyle(font_family=MONO), "pre": TextStyle(font_family=MONO)}


class AnswersPDF(FPDF):
    """An A4 PDF with Unicode fonts (DejaVu, shipped with matplotlib) and page numbers."""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        fonts = _fonts_dir()
        self.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        self.add_font(FONT, "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
        self.add_font(MONO, "", str(fonts / "DejaVuSansMono.ttf"))
        self.set_title(title)
        self.set_creator("mbrl-course written-pdf")
        self.set_creation_date(FIXED_DATE)  # reproducible files
        self.set_auto_page_break(True, margin=15)
        self.title_text = title

    def footer(self) -> None:
        """Submission and page number at the bottom of every page."""
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"{self.title_text} · page {self.page_no()}", align="C")

    def para(self, text: str, height: float = 6.0) -> None:
        """Write a paragraph of plain text at the left margin, then move below it."""
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def markdown(self, text: str) -> None:
        """Write untrusted Markdown (escaped HTML subset); fall back to plain text on trouble."""
        html = _markdown().render(text)
        start_page, start_y = self.page, self.get_y()
        try:
            self.write_html(html, font_family=FONT, tag_styles=_code_styles())
        except Exception:  # noqa: BLE001 - fpdf2's HTML layer rejects odd structure; keep the text
            if (self.page, self.get_y()) != (start_page, start_y):
                self.ln(4)
            self.set_font(FONT, "", 11)
            self.para(text, 5)
        self.set_font(FONT, "", 11)


def write_answers_pdf(
    path: Path,
    submission_id: str,
    assignment: str,
    rubrics: Mapping[str, Rubric],
    answers: Mapping[str, tuple[str, str]],
    problem: str = "",
) -> Path:
    """Write one submission's PDF: cover, then each written question on its own page."""
    pdf = AnswersPDF(f"{assignment} · {submission_id}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.para(f"{assignment}: written answers")
    pdf.set_font(FONT, "", 12)
    pdf.para(f"Submission: {submission_id}")
    total = sum(r.points for r in rubrics.values())
    pdf.para(f"{len(rubrics)} written questions, {total:g} points")
    if problem:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 12)
        pdf.para(f"This submission could not be read: {problem}")
    for question, rubric in rubrics.items():
        status, text = answers.get(question, ("missing", ""))
        pdf.add_page()
        pdf.set_font(FONT, "B", 14)
        pdf.para(f"{question} ({rubric.points:g} points)")
        pdf.set_font(FONT, "", 10)
        pdf.set_text_color(80, 80, 80)
        pdf.markdown(rubric.prompt_md)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.para("Answer")
        pdf.set_font(FONT, "", 11)
        if status != "ok":
            pdf.set_font(FONT, "I", 11)
            pdf.para(f"[{status}] {status_message(status)}")
            pdf.set_font(FONT, "", 11)
        if text.strip():
            pdf.markdown(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


#: Start of the status line of a submission whose PDF could not be written.
WRITE_FAILED = "error: no PDF"


def pdf_name(submission_id: str) -> str:
    """The PDF file name for a submission: its id made file-safe, extension replaced."""
    stem = submission_id
    for suffix in (".ipynb", ".zip"):
        stem = stem.removesuffix(suffix)
    return safe_filename(stem) + ".pdf"


def written_pdfs(
    inputs: Sequence[str | Path], assignment: str, autograder_dir: Path, out: Path
) -> list[tuple[str, str, Path]]:
    """Write one PDF per submission; return (submission id, status line, PDF path) per submission."""
    rubrics = load_rubrics(autograder_dir)
    prompts = {q: r.prompt_md for q, r in rubrics.items()}
    report = []
    for sub in discover(list(inputs)):
        path = out / pdf_name(sub.id)
        problem = ""
        try:
            prepared = read_submission(sub, assignment)
            answers = extract_written_answers(prepared.notebook, list(rubrics), prompts)
        except InvalidSubmission as exc:
            problem, answers = str(exc), {}
        try:
            write_answers_pdf(path, sub.id, assignment, rubrics, answers, problem=problem)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            report.append((sub.id, f"{WRITE_FAILED} ({type(exc).__name__}: {exc})", path))
            continue
        if problem:
            report.append((sub.id, f"invalid: {problem}", path))
            continue
        counts: dict[str, int] = {}
        for status, _ in answers.values():
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        report.append((sub.id, summary or "no written questions", path))
    return report


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course written-pdf` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = (
        __doc__.split("\n")[0] + " Exit 0: every PDF written; 1: some could not be written "
        "(listed); 2: none written (unknown assignment, no written questions, unusable --out)."
    )
    p.add_argument("submissions", nargs="+", help="notebooks, otter zips or folders of them")
    add_assignment(p, required=True)
    p.add_argument("--out", required=True, type=Path, help="folder for the PDFs")


def run(args: argparse.Namespace) -> int:
    """Write the PDFs; exit 0 when every PDF was written (status lines say what each holds)."""
    layout = default_layout(args.root)
    names = (
        sorted(p.name for p in layout.autograder.iterdir()) if layout.autograder.is_dir() else []
    )
    assignment = resolve_assignment(args.assignment, names)
    if not load_rubrics(layout.autograder / assignment):
        raise ToolError(f"{assignment} has no written questions (rubrics.json)")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolError(f"cannot create the output folder {args.out}: {exc}") from None
    report = written_pdfs(args.submissions, assignment, layout.autograder / assignment, args.out)
    for sid, status, path in report:
        print(f"{sid}: {status} -> {os.path.relpath(path)}")
    failed = sum(status.startswith(WRITE_FAILED) for _, status, _ in report)
    if not failed:
        print(f"{len(report)} PDFs in {args.out}")
        return 0
    print(f"mbrl-course written-pdf: {failed} of {len(report)} PDFs could not be written to "
          f"{args.out} (see the 'error:' lines above)", file=sys.stderr)  # fmt: skip
    return 2 if failed == len(report) else 1
