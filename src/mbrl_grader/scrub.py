"""Remove test code from messages shown to students (local feedback and Gradescope alike).

Why: test messages are written in student words (docs/design.md), but a message may still carry
a traceback or a line of a test's source. :class:`CodeScrubber` removes traceback frames and any
line identical to a code line of the autograder's test files, and cuts long messages.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

_FRAME = re.compile(r'^\s*File ".*", line \d+')
_REMOVED = "[test code removed]"
MAX_MESSAGE_CHARS = 2000


def code_lines(source: str) -> set[str]:
    """The stripped lines of `source` that hold code (not only strings or comments)."""
    lines = source.splitlines()
    out: set[str] = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return {ln.strip() for ln in lines if len(ln.strip()) >= 8}
    skip = {
        tokenize.STRING,
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    fstring_parts = {
        getattr(tokenize, n)
        for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
        if hasattr(tokenize, n)
    }
    code_rows = {
        tok.start[0] for tok in tokens if tok.type not in skip and tok.type not in fstring_parts
    }
    for row in code_rows:
        text = lines[row - 1].strip() if 0 < row <= len(lines) else ""
        if len(text) >= 8:  # short lines like `else:` or `)` reveal nothing
            out.add(text)
    return out


class CodeScrubber:
    """Removes traceback frames and test-source lines from messages shown to students."""

    def __init__(self, autograder_dir: Path | None = None):
        self.lines: set[str] = set()
        if autograder_dir is not None:
            for f in sorted(Path(autograder_dir).glob("tests/*.py")):
                try:
                    self.lines |= code_lines(f.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue

    def __call__(self, message: str) -> str:
        """`message` with every revealing line replaced by a marker, cut to a sane length."""
        out: list[str] = []
        skip_next = False
        for line in str(message).splitlines():
            if skip_next:
                skip_next = False
                if line.startswith("    "):
                    continue
            if _FRAME.match(line):
                skip_next = True  # the frame's next line is the source line it points at
                if not out or out[-1] != _REMOVED:
                    out.append(_REMOVED)
                continue
            if line.strip() in self.lines:
                if not out or out[-1] != _REMOVED:
                    out.append(_REMOVED)
                continue
            out.append(line)
        text = "\n".join(out).strip()
        if len(text) > MAX_MESSAGE_CHARS:
            text = text[:MAX_MESSAGE_CHARS] + "\n… (message cut)"
        return text
