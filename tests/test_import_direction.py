"""The four packages import one way only: course -> grader -> ref -> envs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ORDER = ["mbrl_envs", "mbrl_ref", "mbrl_grader", "mbrl_course"]
"""Each package may import only the packages before it in this list (and itself)."""


def imported_packages(path: Path) -> set[str]:
    """The first-party top-level packages that a module imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(ORDER)


@pytest.mark.parametrize("package", ORDER)
def test_package_imports_only_lower_layers(package: str) -> None:
    """No module of `package` imports a package that sits above it in the layering."""
    allowed = set(ORDER[: ORDER.index(package) + 1])
    offenders = {
        str(path.relative_to(SRC)): sorted(imported_packages(path) - allowed)
        for path in sorted((SRC / package).rglob("*.py"))
        if imported_packages(path) - allowed
    }
    assert offenders == {}, (
        f"imports against the layering course -> grader -> ref -> envs: {offenders}"
    )


def test_student_package_uses_relative_imports_only() -> None:
    """mbrl_envs is copied into student folders, so it never imports itself by absolute name."""
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted((SRC / "mbrl_envs").rglob("*.py"))
        if "mbrl_envs" in imported_packages(path)
    ]
    assert offenders == []


def test_the_layering_check_sees_a_violation(tmp_path: Path) -> None:
    """The AST scan reports an upward import (so the check above can fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from mbrl_course.cli import main\nimport mbrl_grader.runner\n")
    assert imported_packages(bad) == {"mbrl_course", "mbrl_grader"}
