"""What an audit depends on: its input files' digest and the checked-in equivalent mutants.

The digest of one assignment covers its master folder, its submission corpus, every package
grading imports (``GRADING_PACKAGES``: the grader, the reference and the students' ``mbrl_envs``,
which hidden tests and fakes import too) and its equivalents file. A committed report
whose digest differs from the one computed now is stale (``tests/course/audit/test_audit_report.py``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..autograder import GRADING_PACKAGES

SHARED_INPUTS = tuple(f"src/{name}" for name in GRADING_PACKAGES)
SKIPPED_PARTS = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache")


def equivalents_path(root: Path, name: str) -> Path:
    """``audit/NN_topic.equivalent.yaml`` of an assignment."""
    return root / "audit" / f"{name}.equivalent.yaml"


def input_paths(root: Path, name: str) -> list[Path]:
    """The folders and files one assignment's audit depends on (relative to `root`)."""
    return [
        Path("solutions") / name,
        Path("tests") / "submissions" / name,
        *map(Path, SHARED_INPUTS),
        equivalents_path(root, name).relative_to(root),
    ]


def _files(root: Path, rel: Path) -> list[Path]:
    path = root / rel
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part in SKIPPED_PARTS for part in p.parts) and p.suffix != ".pyc"
    )


def digest(root: Path, name: str) -> str:
    """SHA-256 over the relative paths and contents of one assignment's audit inputs."""
    h = hashlib.sha256()
    for rel in input_paths(root, name):
        for path in _files(root, rel):
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def combined_digest(digests: dict[str, str]) -> str:
    """One digest for the whole report (sorted per-assignment digests)."""
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()


def load_equivalents(path: Path) -> dict[str, str]:
    """``{mutant id: reason}`` from a YAML (or JSON) mapping; an absent file means none.

    Every entry needs a non-empty one-line reason: an unexplained equivalence is refused.
    """
    if not path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of mutant id to reason")
    result = {}
    for key, reason in data.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: mutant {key} needs a one-line reason")
        result[str(key)] = " ".join(reason.split())
    return result
