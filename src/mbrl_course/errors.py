"""Errors the instructor tooling reports as a clear message (never a traceback)."""

from __future__ import annotations


class BuildError(RuntimeError):
    """The build could not produce an assignment (bad master, missing support files, otter error)."""
