"""Finding, reading and validating submissions safely (mbrl_course.grading.submissions)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from mbrl_course.errors import InputError
from mbrl_course.grading import submissions as S
from mbrl_course.grading.submissions import (
    InvalidSubmission,
    Submission,
    discover,
    parse_notebook,
    read_submission,
    resolve_assignment,
    safe_filename,
)


def nb_text(*code: str, name: str | None = "02_dyna", kernelspec: dict | None = None) -> str:
    """A notebook with code cells, optional otter metadata and kernelspec."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in code]
    if name:
        nb.metadata["otter"] = {"assignment_name": name}
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec
    return nbformat.writes(nb)


def sub_of(path: Path) -> Submission:
    """A submission for one file."""
    return Submission(id=path.name, path=path)


def test_discover_walks_folders_skips_junk_and_keeps_explicit_files(tmp_path):
    """Folders give .ipynb/.zip files (not checkpoints, hidden or other files); files are taken as given."""
    (tmp_path / "a" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "a" / "x.ipynb").write_text("{}")
    (tmp_path / "a" / "y.zip").write_bytes(b"PK")
    (tmp_path / "a" / ".hidden.ipynb").write_text("{}")
    (tmp_path / "a" / "notes.txt").write_text("")
    (tmp_path / "a" / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}")
    (tmp_path / "renamed.json").write_text("{}")
    subs = discover([tmp_path / "a", tmp_path / "renamed.json", tmp_path / "a" / "x.ipynb"])
    assert [s.id for s in subs] == ["x.ipynb", "y.zip", "renamed.json"]


def test_discover_makes_ids_unique(tmp_path):
    """Same relative names from different folders get longer ids; exact duplicates get a suffix."""
    for d in ("s1/alice", "s2/alice"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "hw.ipynb").write_text("{}")
    ids = [s.id for s in discover([tmp_path / "s1", tmp_path / "s2"])]
    assert ids == ["s1/alice/hw.ipynb", "s2/alice/hw.ipynb"]
    assert len(set(ids)) == 2


def test_discover_missing_input_is_a_tool_error(tmp_path):
    """A path that does not exist stops the tool with a clear message."""
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "nope"])


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n", "whitespace"),
        (b"\xff\xfe garbage", "UTF-8"),
        (b'{"cells": [', "invalid notebook JSON"),
        (b"[1, 2]", "not a Jupyter notebook"),
        (b'{"cells": [{"cell_type": "code", "source": 5}]}', "source"),
        (b'{"cells": [{"cell_type": "widget", "source": ""}]}', "cell_type"),
        (nbformat.writes(nbformat.v4.new_notebook()).encode(), "no code"),
    ],
)
def test_bad_notebooks_are_invalid_with_a_reason(data, reason):
    """Each malformed notebook raises InvalidSubmission naming the problem."""
    with pytest.raises(InvalidSubmission, match=reason):
        parse_notebook(data)


def test_parse_rebuilds_a_clean_notebook_and_ignores_kernelspec():
    """Outputs and odd metadata are dropped; a custom kernelspec does not matter."""
    raw = json.loads(nb_text("x = 1", kernelspec={"name": "my-weird-kernel", "display_name": "W"}))
    raw["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    raw["metadata"]["widgets"] = {"junk": True}
    prepared = parse_notebook(json.dumps(raw).encode())
    nb = prepared.notebook
    assert prepared.metadata_assignment == "02_dyna"
    assert nb.cells[0].source == "x = 1" and nb.cells[0].outputs == []
    assert nb.metadata["kernelspec"]["name"] == "python3" and "widgets" not in nb.metadata
    nbformat.validate(nb)


def test_minimal_notebook_without_metadata_or_ids_is_accepted():
    """A bare-bones but readable notebook (list sources, no metadata) is gradable."""
    data = json.dumps({"cells": [{"cell_type": "code", "source": ["a = 1\n", "b = 2"]}]}).encode()
    prepared = parse_notebook(data)
    assert prepared.metadata_assignment is None
    assert prepared.notebook.cells[0].source == "a = 1\nb = 2"


def test_zip_gives_only_the_notebook_and_never_reads_other_members(tmp_path, monkeypatch):
    """From an otter export only the .ipynb member is opened (never .OTTER_LOG)."""
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("02_dyna.ipynb", nb_text("x = 1"))
        zf.writestr(".OTTER_LOG", b"\x80\x04evil")
        zf.writestr("__zip_filename__", "export.zip")
        zf.writestr("__MACOSX/._02_dyna.ipynb", b"junk")
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *a, **k):
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    prepared = read_submission(sub_of(z))
    assert prepared.member == "02_dyna.ipynb" and opened == ["02_dyna.ipynb"]


def test_zip_path_traversal_names_are_harmless(tmp_path):
    """A member called ../../evil.ipynb is never a candidate; nothing is written anywhere."""
    z = tmp_path / "sub.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../evil.ipynb", nb_text("x = 1"))
        zf.writestr("/abs/evil2.ipynb", nb_text("x = 1"))
        zf.writestr("ok/student.ipynb", nb_text("y = 2"))
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    prepared = read_submission(sub_of(z))
    assert prepared.member == "ok/student.ipynb"
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before


def test_zip_without_notebook_or_with_several_is_invalid(tmp_path):
    """No notebook, or an ambiguous choice, makes the zip invalid; the assignment name resolves it."""
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr(".OTTER_LOG", b"x")
    with pytest.raises(InvalidSubmission, match="no notebook"):
        read_submission(sub_of(empty))
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("02_dyna.ipynb", nb_text("x = 1"))
        zf.writestr("scratch.ipynb", nb_text("y = 2"))
    with pytest.raises(InvalidSubmission, match="several notebooks"):
        read_submission(sub_of(two))
    assert read_submission(sub_of(two), "02_dyna").member == "02_dyna.ipynb"


def test_oversized_inputs_are_refused_without_reading_them_whole(tmp_path, monkeypatch):
    """Files and zip members beyond the size cap are invalid (zip-bomb safe)."""
    monkeypatch.setattr(S, "MAX_NOTEBOOK_BYTES", 1000)
    big = tmp_path / "big.ipynb"
    big.write_text(nb_text("x = '" + "a" * 5000 + "'"))
    with pytest.raises(InvalidSubmission, match="larger"):
        read_submission(sub_of(big))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("nb.ipynb", "0" * 1_000_000)
    with pytest.raises(InvalidSubmission, match="too large"):
        read_submission(sub_of(bomb))


def test_corrupt_zip_is_invalid(tmp_path):
    """A damaged member header, a truncated file or corrupt data makes the zip invalid, not a crash."""
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.ipynb", nb_text("x = 1"))
    data = good.read_bytes()
    header = tmp_path / "header.zip"  # the member's local header name is overwritten
    header.write_bytes(data[:30] + b"\x00" * 20 + data[50:])
    with pytest.raises(InvalidSubmission, match="cannot extract a.ipynb from the zip"):
        read_submission(sub_of(header))
    truncated = tmp_path / "truncated.zip"  # the central directory is gone
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidSubmission, match="not a readable zip file"):
        read_submission(sub_of(truncated))
    start = 30 + len("a.ipynb")  # first byte of the compressed member data
    flipped = bytearray(data)
    for k in range(start + 5, start + 25):
        flipped[k] ^= 0xFF
    crc = tmp_path / "crc.zip"
    crc.write_bytes(bytes(flipped))
    with pytest.raises(InvalidSubmission, match="cannot extract a.ipynb from the zip"):
        read_submission(sub_of(crc))


def test_resolve_assignment_rules():
    """Metadata names the assignment; --assignment wins only when metadata agrees or is absent."""
    with_meta = parse_notebook(nb_text("x = 1", name="02_dyna").encode())
    no_meta = parse_notebook(nb_text("x = 1", name=None).encode())
    known = ["01_model_learning", "02_dyna"]
    assert resolve_assignment(with_meta, None, known) == "02_dyna"
    assert resolve_assignment(with_meta, "02_dyna", known) == "02_dyna"
    assert resolve_assignment(no_meta, "01_model_learning", known) == "01_model_learning"
    with pytest.raises(
        InvalidSubmission, match="for assignment '02_dyna', not '01_model_learning'"
    ):
        resolve_assignment(with_meta, "01_model_learning", known)
    with pytest.raises(InvalidSubmission, match="pass --assignment"):
        resolve_assignment(no_meta, None, known)
    with pytest.raises(InvalidSubmission, match="no autograder"):
        resolve_assignment(with_meta, None, ["01_model_learning"])


def test_safe_filename_is_flat_and_readable():
    """Ids become single, safe file names."""
    assert safe_filename("sec1/alice/hw (1).ipynb") == "sec1__alice__hw_1_.ipynb"
    assert "/" not in safe_filename("../../etc/passwd") and not safe_filename("../x").startswith(
        "."
    )


def test_zip_is_recognised_by_name_or_signature(tmp_path):
    """A .zip is a zip; an export renamed to .ipynb is still read as a zip; JSON never is."""
    z = tmp_path / "export.ipynb"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("02_dyna.ipynb", nb_text("x = 1"))
    assert sub_of(z).is_zip and read_submission(sub_of(z)).member == "02_dyna.ipynb"
    nb = tmp_path / "nb.ipynb"
    nb.write_text(nb_text("x = 1"))
    assert not sub_of(nb).is_zip
    fake = tmp_path / "fake.zip"
    fake.write_text(nb_text("x = 1"))
    with pytest.raises(InvalidSubmission, match="not a readable zip"):
        read_submission(sub_of(fake))
