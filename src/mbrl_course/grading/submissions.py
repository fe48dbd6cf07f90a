"""Find submissions, read them safely, and decide which assignment each one is for.

Students hand in notebooks (`.ipynb`, possibly renamed), otter export zips (made by
`grader.export()`: the notebook plus `.OTTER_LOG`, `__zip_filename__`, maybe a PDF) or
folders of either. This module turns what the instructor points at into a list of
:class:`Submission` objects with unique ids, and :func:`prepare` turns one of them into a clean
notebook file the trusted runner can grade, or explains in one line why that is impossible.

Safety rules, because everything here reads untrusted files in the trusted grading process:

* only the notebook member of a zip is ever read; `.OTTER_LOG` (a dill pickle), other pickles
  and every other member are ignored, and nothing is extracted under a name taken from the zip
  (no path traversal);
* every read is capped (:data:`MAX_NOTEBOOK_BYTES`), so a zip bomb or a giant file cannot
  exhaust memory;
* the notebook is parsed as JSON, checked to be a Jupyter notebook, and rebuilt from scratch
  (code/markdown/raw cells, sources only, no outputs), so the runner never sees odd structure;
* input files are only opened for reading; nothing is written next to them.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..errors import InputError

#: Largest notebook (or zip member) read, in bytes. Real notebooks with figures stay far below.
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024

#: Largest zip accepted (an export may also hold a PDF and data files).
MAX_ZIP_BYTES = 500 * 1024 * 1024

#: Most members examined in a zip (an export holds a handful).
MAX_ZIP_MEMBERS = 10_000

#: File suffixes picked up when walking a folder.
SUBMISSION_SUFFIXES = (".ipynb", ".zip")

_SKIP_DIRS = {".ipynb_checkpoints", "__MACOSX", "__pycache__"}


class InvalidSubmission(Exception):
    """A submission that cannot be graded; the message is the one-line reason for the gradebook."""


@dataclass(frozen=True)
class Submission:
    """One thing a student handed in.

    `id` is unique within a batch and stable across runs (derived from the path relative to the
    folder given on the command line), so gradebooks of re-runs line up row by row.
    """

    id: str
    path: Path

    @property
    def is_zip(self) -> bool:
        """Whether to read the file as a zip: named `.zip`, or starting with the zip signature
        (an export renamed to `.ipynb`). JSON text can never start with `PK\\x03\\x04`."""
        if self.path.suffix.lower() == ".zip":
            return True
        try:
            with self.path.open("rb") as fh:
                return fh.read(4) == b"PK\x03\x04"
        except OSError:
            return False


@dataclass
class PreparedNotebook:
    """A submission read and validated: the clean notebook and the assignment it claims to be."""

    notebook: nbformat.NotebookNode
    metadata_assignment: str | None
    member: str | None = None  # name of the notebook inside a zip, for messages


# --------------------------------------------------------------------------------------------
# discovery


def _walk(folder: Path) -> list[Path]:
    """Submission files under `folder`, sorted, skipping hidden entries and checkpoint folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if name.lower().endswith(SUBMISSION_SUFFIXES) and path.is_file():  # no FIFOs etc.
                found.append(path)
    return found


def _unique_ids(entries: list[tuple[str, Path]]) -> list[str]:
    """Make ids unique: colliding ids grow leading path components, then get a `~N` suffix."""
    ids = [name for name, _ in entries]
    for _round in range(64):
        counts: dict[str, int] = {}
        for i in ids:
            counts[i] = counts.get(i, 0) + 1
        clashes = [k for k, i in enumerate(ids) if counts[i] > 1]
        if not clashes:
            return ids
        changed = False
        for k in clashes:
            parts = entries[k][1].resolve().parts
            depth = len(Path(ids[k]).parts) + 1
            if depth <= len(parts) - 1:  # never include the filesystem root
                ids[k] = "/".join(parts[-depth:])
                changed = True
        if not changed:
            break
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}~{seen[i]}")
    return out


def discover(inputs: list[str | Path]) -> list[Submission]:
    """Return the submissions named by `inputs` (files and folders), in a stable order.

    A folder contributes every `.ipynb` and `.zip` below it (ids are paths relative to the
    folder); a file given explicitly is taken whatever its name (renamed notebooks, `.json`...),
    with its file name as id. Raises :class:`InputError` if an input does not exist.
    """
    entries: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            files = [(f.relative_to(p).as_posix(), f) for f in _walk(p)]
        elif p.is_file():
            files = [(p.name, p)]
        elif p.exists():
            raise InputError(f"{p} is neither a file nor a folder")
        else:
            raise InputError(f"no such file or folder: {p}")
        for sid, f in files:
            key = f.resolve()
            if key in seen:  # the same file named twice (folder and file) is graded once
                continue
            seen.add(key)
            entries.append((sid, f))
    ids = _unique_ids(entries)
    return [Submission(id=i, path=f) for i, (_, f) in zip(ids, entries, strict=True)]


def safe_filename(submission_id: str) -> str:
    """A file-system-safe, readable name for `submission_id` (used for feedback files)."""
    name = submission_id.replace("/", "__")
    name = re.sub(r"[^A-Za-z0-9._~+-]+", "_", name).strip("._") or "submission"
    return name[:150]


# --------------------------------------------------------------------------------------------
# reading


def _read_capped(path: Path) -> bytes:
    """Read at most MAX_NOTEBOOK_BYTES from `path`, raising InvalidSubmission beyond that."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise InvalidSubmission(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise InvalidSubmission(
            f"file larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MB: not a notebook we grade"
        )
    return data


def _is_candidate_member(name: str) -> bool:
    """Whether a zip member name looks like a student notebook (not a checkpoint or macOS junk)."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return False  # absolute names are never taken (they are also never extracted)
    parts = [p for p in re.split(r"[\\/]+", name) if p]
    if not parts or not parts[-1].lower().endswith(".ipynb"):
        return False
    return not any(p.startswith(".") or p in _SKIP_DIRS for p in parts)


def _read_zip_notebook(path: Path, assignment: str | None) -> tuple[bytes, str]:
    """Return (bytes, member name) of the one notebook inside the zip at `path`.

    Only the chosen `.ipynb` member is decompressed (never `.OTTER_LOG` or anything else); its
    declared and actual size are capped. With several notebooks, the one named after the
    assignment wins; otherwise the submission is ambiguous and invalid.
    """
    try:
        if path.stat().st_size > MAX_ZIP_BYTES:
            raise InvalidSubmission(f"zip larger than {MAX_ZIP_BYTES // (1024 * 1024)} MB")
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidSubmission(f"not a readable zip file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise InvalidSubmission(f"zip holds more than {MAX_ZIP_MEMBERS} files")
        candidates = [i for i in infos if not i.is_dir() and _is_candidate_member(i.filename)]
        if not candidates:
            raise InvalidSubmission("the zip contains no notebook (.ipynb)")
        if len(candidates) > 1 and assignment:
            named = [
                i
                for i in candidates
                if re.split(r"[\\/]+", i.filename)[-1] == f"{assignment}.ipynb"
            ]
            if len(named) == 1:
                candidates = named
        if len(candidates) > 1:
            names = ", ".join(sorted(i.filename for i in candidates)[:5])
            raise InvalidSubmission(
                f"the zip contains several notebooks ({names}); cannot tell which to grade"
            )
        info = candidates[0]
        if info.file_size > MAX_NOTEBOOK_BYTES:
            raise InvalidSubmission(f"the notebook {info.filename} in the zip is too large")
        try:
            with zf.open(info) as fh:
                data = fh.read(MAX_NOTEBOOK_BYTES + 1)
        except (
            zipfile.BadZipFile,
            OSError,
            RuntimeError,
            NotImplementedError,
            EOFError,
            zlib.error,
        ) as exc:
            raise InvalidSubmission(
                f"cannot extract {info.filename} from the zip ({exc})"
            ) from None
        if len(data) > MAX_NOTEBOOK_BYTES:
            raise InvalidSubmission(f"the notebook {info.filename} in the zip is too large")
        return data, info.filename


def _source(value: object) -> str:
    """A cell source as a string (nbformat allows a string or a list of strings)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return "".join(value)
    raise InvalidSubmission(
        "a cell's source is neither text nor a list of lines: not a valid notebook"
    )


def parse_notebook(data: bytes) -> PreparedNotebook:
    """Validate notebook bytes and rebuild a clean nbformat-4 notebook from them.

    The rebuilt notebook keeps the cells' types and sources (outputs, attachments and cell
    metadata are dropped: grading re-executes the code anyway; only a code cell's ``demo`` tag is
    kept, so that the runner skips demo cells) and only the `otter` part of the notebook metadata.
    A missing or custom kernelspec is irrelevant: no Jupyter kernel is used.
    """
    if not data.strip():
        raise InvalidSubmission(
            "the file is empty (0 bytes of content)"
            if not data
            else "the file holds only whitespace"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidSubmission("not a notebook: the file is not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidSubmission(
            f"invalid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise InvalidSubmission("invalid notebook JSON (nested too deeply)") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", None), list):
        if isinstance(raw, dict) and isinstance(raw.get("worksheets"), list):
            try:  # nbformat 3: let nbformat convert it
                raw = json.loads(nbformat.writes(nbformat.reads(text, as_version=4)))
            except Exception as exc:  # noqa: BLE001 - any failure means "unreadable"
                raise InvalidSubmission(
                    f"old-format notebook that cannot be converted ({exc})"
                ) from None
        else:
            raise InvalidSubmission("valid JSON but not a Jupyter notebook (no list of cells)")
    cells = []
    for i, cell in enumerate(raw["cells"]):
        if not isinstance(cell, dict):
            raise InvalidSubmission(f"cell {i + 1} is not a JSON object: not a valid notebook")
        kind = cell.get("cell_type")
        src = _source(cell.get("source", ""))
        if kind == "code":
            new = nbformat.v4.new_code_cell(src)
            meta = cell.get("metadata")
            tags = meta.get("tags") if isinstance(meta, dict) else None
            if isinstance(tags, list) and "demo" in tags:  # the runner skips demo cells
                new.metadata["tags"] = ["demo"]
        elif kind == "markdown":
            new = nbformat.v4.new_markdown_cell(src)
        elif kind == "raw":
            new = nbformat.v4.new_raw_cell(src)
        else:
            raise InvalidSubmission(
                f"cell {i + 1} has unknown cell_type {kind!r}: not a valid notebook"
            )
        new["id"] = f"cell-{i}"
        cells.append(new)
    if not any(c.cell_type == "code" and c.source.strip() for c in cells):
        raise InvalidSubmission(
            f"the notebook has no code ({len(cells)} cell{'s' if len(cells) != 1 else ''}, none with code)"
        )
    meta = raw.get("metadata")
    otter_meta = meta.get("otter") if isinstance(meta, dict) else None
    name = otter_meta.get("assignment_name") if isinstance(otter_meta, dict) else None
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if isinstance(name, str) and name:
        nb.metadata["otter"] = {"assignment_name": name}
    nbformat.validate(nb)
    return PreparedNotebook(
        notebook=nb, metadata_assignment=name if isinstance(name, str) and name else None
    )


def read_submission(sub: Submission, assignment_hint: str | None = None) -> PreparedNotebook:
    """Read and validate `sub` (a notebook or a zip holding one); raise InvalidSubmission if bad."""
    if sub.is_zip:
        data, member = _read_zip_notebook(sub.path, assignment_hint)
        prepared = parse_notebook(data)
        prepared.member = member
        return prepared
    return parse_notebook(_read_capped(sub.path))


def resolve_assignment(prepared: PreparedNotebook, requested: str | None, known: list[str]) -> str:
    """Decide which assignment grades this notebook, or raise InvalidSubmission saying why not.

    `requested` is `--assignment` (may be None); `known` the assignments with a built
    autograder. otter writes `metadata.otter.assignment_name` into every student notebook; a
    notebook whose metadata names another assignment than the requested one is refused
    (otter does the same), one without that metadata is graded as the requested assignment.
    """
    claimed = prepared.metadata_assignment
    if requested:
        if claimed and claimed != requested:
            raise InvalidSubmission(
                f"this notebook is for assignment '{claimed}', not '{requested}' (notebook metadata)"
            )
        return requested
    if not claimed:
        raise InvalidSubmission(
            "cannot tell the assignment: the notebook metadata has no otter.assignment_name; "
            "pass --assignment NAME"
        )
    if claimed not in known:
        known_txt = ", ".join(known) if known else "none built"
        raise InvalidSubmission(
            f"the notebook is for assignment '{claimed}', which has no autograder here (known: {known_txt})"
        )
    return claimed


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write a prepared notebook to `path` (inside the grader's own scratch folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path
