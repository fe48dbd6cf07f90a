"""Prepare the worker's private folder: the submission, the public support files, font cache.

Why its own module: staging reads from both autograder layouts (ours and Gradescope's zip) and
must never write outside the destination (zip member names are checked).
"""

from __future__ import annotations

import glob
import os
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path


def stage_support_files(autograder_dir: Path, dest: Path, names: Sequence[str]) -> None:
    """Copy the public support files (``files:`` of the assignment) into the worker's directory."""
    zips = sorted(autograder_dir.glob("*.zip"))
    for name in names:
        src = autograder_dir / name
        if not src.exists() and (autograder_dir / "files" / name).exists():
            src = autograder_dir / "files" / name  # Gradescope layout
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, dest / name)
        else:
            for z in zips:
                extract_from_zip(z, f"files/{name}", dest / name)


def extract_from_zip(zpath: Path, prefix: str, dest: Path) -> None:
    with zipfile.ZipFile(zpath) as zf:
        for info in zf.infolist():
            n = info.filename
            if not (n == prefix or n.startswith(prefix + "/")) or info.is_dir():
                continue
            rel = Path(n[len(prefix) :].lstrip("/"))
            if rel.is_absolute() or ".." in rel.parts:
                continue
            target = dest / rel if str(rel) not in ("", ".") else dest
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as fin, open(target, "wb") as fout:
                shutil.copyfileobj(fin, fout)


def copy_mpl_cache(dest: Path) -> None:
    src = Path(os.environ.get("MPLCONFIGDIR", Path.home() / ".cache" / "matplotlib"))
    (dest).mkdir(exist_ok=True)
    for f in glob.glob(str(src / "fontlist-*.json")):
        shutil.copy2(f, dest)
