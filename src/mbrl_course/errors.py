"""Errors the instructor tooling reports as a clear message (never a traceback): each means the
command cannot do its job (exit status 2), as opposed to a submission that fails to grade."""

from __future__ import annotations


class BuildError(RuntimeError):
    """The build could not produce an assignment (bad master, missing support files, otter error)."""


class ToolError(Exception):
    """The grading tool itself cannot work (bad --assignment, no autograder, unsafe --out)."""


class InputError(Exception):
    """The instructor's command line is unusable (missing path...); the tool itself cannot work."""


class ExportError(Exception):
    """The export cannot be made (unreadable roster, canvas without roster)."""


class CourseConfigError(Exception):
    """``course.toml`` cannot be read or names the gradebook wrongly."""
