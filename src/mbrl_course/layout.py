"""Where the course lives: the one function that finds the course root, and the build layout.

Why: the build, the batch grader, ``samples`` and ``run`` all need the same folders; they ask
:func:`course_root` and :class:`Layout` instead of guessing from their own file locations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The packages the build ships: students get the first, autograders the other two as well.
STUDENT_PACKAGE = "mbrl_envs"
AUTOGRADER_PACKAGES = ("mbrl_ref", "mbrl_grader")


def course_root(explicit: Path | None = None) -> Path:
    """Return the course folder: `explicit`, else the cwd if it looks like one, else this checkout.

    A course folder holds ``solutions/``, ``assignments/`` or ``autograder/``.
    """
    if explicit is not None:
        return Path(explicit).resolve()
    cwd = Path.cwd()
    if any((cwd / name).is_dir() for name in ("solutions", "assignments", "autograder")):
        return cwd.resolve()
    checkout = Path(__file__).resolve().parents[2]
    return checkout if (checkout / "pyproject.toml").is_file() else cwd.resolve()


@dataclass(frozen=True)
class Layout:
    """Where the build reads from and writes to.

    `root` is the course folder (holding `solutions/`, `assignments/`, `autograder/`); `src` is
    the folder holding the packages the build ships (`mbrl_envs`, `mbrl_ref`, `mbrl_grader`).
    """

    root: Path
    src: Path

    @property
    def solutions(self) -> Path:
        """Folder of the masters."""
        return self.root / "solutions"

    @property
    def assignments(self) -> Path:
        """Generated student folders."""
        return self.root / "assignments"

    @property
    def autograder(self) -> Path:
        """Generated autograder folders."""
        return self.root / "autograder"

    @property
    def requirements(self) -> Path:
        """The pinned autograder requirements staged next to every master."""
        return self.src / "mbrl_grader" / "requirements.txt"

    def package(self, name: str) -> Path:
        """The source folder of one shipped package."""
        return self.src / name


def default_layout(root: Path | None = None) -> Layout:
    """Return the layout for the course at `root` (see :func:`course_root`)."""
    root = course_root(root)
    src = root / "src"
    if not (src / STUDENT_PACKAGE / "__init__.py").is_file():
        import mbrl_envs

        src = Path(mbrl_envs.__file__).resolve().parents[1]
    return Layout(root=root, src=src)
