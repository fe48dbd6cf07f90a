"""What a submission's path says about its student: Canvas bulk-download names, otter export names.

Why: the export matches gradebook rows to roster students by these names, and files downloaded
from an LMS carry the student in a fixed pattern rather than as a bare login.

* Canvas ("Download Submissions" of an assignment) names each file
  ``<name>[_LATE]_<user id>_<attachment id>_<file name as uploaded>``, e.g.
  ``smithalice_5500_123456_02_dyna.ipynb`` and ``smithalice_LATE_5500_123456_02_dyna.ipynb``:
  ``<name>`` is the student's sortable name ("Smith, Alice") lower-cased with every character
  that is not a letter, digit or ``_`` removed, ``<user id>`` is the Canvas user id (the roster's
  ``ID`` column). With anonymous grading the name is left out and the id is ``anon_<anonymous
  id>``, which no roster column holds.
* otter's ``grader.export()`` names its zip ``<notebook stem>_<YYYY_MM_DDTHH_MM_SS_ffffff>.zip``;
  the time stamp is dropped before the stem is compared with a login.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

CANVAS_RE = re.compile(
    r"^(?P<name>\w*?)(?:_(?P<late>late))?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$", re.I
)
CANVAS_ANON_RE = re.compile(r"^anon_(?P<anon>[A-Za-z0-9]+)_(?P<attachment>\d+)_(?P<file>.+)$")
OTTER_STAMP_RE = re.compile(r"_\d{4}_\d{2}_\d{2}T\d{2}_\d{2}_\d{2}(?:_\d+)?$")


@dataclass(frozen=True)
class CanvasName:
    """The parts of a Canvas bulk-download file name."""

    name: str
    """The sanitised sortable name (``smithalice``); empty for an anonymous download."""
    user_id: str
    """The Canvas user id (``5500``); empty for an anonymous download."""
    attachment_id: str
    late: bool
    file: str
    """The file name the student uploaded."""
    anonymous_id: str = ""


def canvas_name(file_name: str) -> CanvasName | None:
    """Parse a Canvas bulk-download file name (None when it is not one)."""
    anon = CANVAS_ANON_RE.match(file_name)
    if anon:
        return CanvasName("", "", anon["attachment"], False, anon["file"], anon["anon"])
    m = CANVAS_RE.match(file_name)
    if m is None:
        return None
    return CanvasName(m["name"].lower(), m["user"], m["attachment"], bool(m["late"]), m["file"])


def sortable_name_key(student: str) -> str:
    """A roster ``Student`` ("Smith, Alice") as Canvas writes it in file names (``smithalice``)."""
    return re.sub(r"\W", "", student.lower())


def stem(file_name: str) -> str:
    """The file name without suffixes and without otter's export time stamp."""
    return OTTER_STAMP_RE.sub("", file_name.split(".")[0])


def submission_keys(submission_id: str) -> list[tuple[str, str]]:
    """What a submission id can match, most specific first, as ``(kind, value)``.

    Kinds: ``submission`` (a roster ``Submission`` column), ``canvas_id`` (the roster's ``ID``),
    ``canvas_name`` (the roster's ``Student``, as :func:`sortable_name_key`), ``id`` (any of
    SIS Login ID, SIS User ID, ID): the id, its first folder, its file stem (time stamp dropped).
    """
    p = PurePosixPath(submission_id)
    keys = [("submission", submission_id)]
    for part in dict.fromkeys((p.name, p.parts[0])):
        canvas = canvas_name(part)
        if canvas is not None and canvas.user_id:
            keys += [("canvas_id", canvas.user_id), ("canvas_name", canvas.name)]
    keys.append(("id", submission_id))
    if len(p.parts) > 1:
        keys.append(("id", p.parts[0]))
    keys += [("id", p.name.split(".")[0]), ("id", stem(p.name))]
    return list(dict.fromkeys(k for k in keys if k[1]))


def describe(submission_id: str) -> str:
    """A hint for an unmatched submission: what its Canvas name says, if it is one."""
    canvas = canvas_name(PurePosixPath(submission_id).name)
    if canvas is None:
        return ""
    if canvas.anonymous_id:
        return (
            f"anonymous Canvas download (anon_{canvas.anonymous_id}): no roster column names "
            "it; add a Submission column to the roster"
        )
    late = ", late" if canvas.late else ""
    return f"Canvas user id {canvas.user_id}, name {canvas.name}{late}"
