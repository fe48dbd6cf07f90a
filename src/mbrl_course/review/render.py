"""Student Markdown to safe HTML for the review page: raw HTML escaped, math left for KaTeX.

Why: answers are untrusted text. markdown-it-py (CommonMark) with ``html=False`` escapes every
tag a student writes, its link validator drops ``javascript:`` and similar URLs, and images are
shown as their alt text so an answer cannot make the grader's browser fetch anything. ``$...$``
and ``$$...$$`` become ``<span class="math inline">`` / ``<div class="math block">`` holding the
escaped TeX; the page's vendored KaTeX (``static/katex``, no CDN) typesets them in the browser
from their text content with ``trust: false``, so TeX cannot inject HTML either.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin


def _image_as_text(self, tokens, idx, options, env) -> str:  # markdown-it renderer signature
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="image-ref">[image: {escape(alt)}]</span>'


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.use(dollarmath_plugin, allow_space=True, double_inline=True)
    md.enable("table")
    md.add_render_rule("image", _image_as_text)
    return md


@lru_cache(maxsize=4096)
def markdown_html(text: str) -> str:
    """Render a block of untrusted Markdown (an answer, a prompt) to safe HTML."""
    return _markdown().render(text or "")


@lru_cache(maxsize=4096)
def inline_html(text: str) -> str:
    """Render one line of Markdown (a rubric item) to safe inline HTML."""
    return _markdown().renderInline(text or "")
