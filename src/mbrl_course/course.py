"""Where the course lives: the course root, the build layout, and the gradebook's home.

Why: the build, the batch grader, ``samples`` and ``run`` all need the same folders; they ask
:func:`course_root` and :class:`Layout` instead of guessing from their own file locations. The
gradebook holds a term of human grades, so it must not live inside a code checkout that may be
deleted or re-cloned: :func:`gradebook_path` is the one rule every command uses to find it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import CourseConfigError

#: File name of the gradebook database in a course folder.
GRADEBOOK_NAME = "gradebook.sqlite"
#: Optional settings file in the course root (see :func:`gradebook_path`).
COURSE_TOML = "course.toml"
#: Environment variables: the gradebook file itself, or the course folder that holds it.
ENV_GRADEBOOK = "MBRL_GRADEBOOK"
ENV_COURSE_DIR = "MBRL_COURSE_DIR"

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


def is_code_checkout(root: Path) -> bool:
    """Whether `root` is a checkout of this package's code (not a place for term data)."""
    return (root / "pyproject.toml").is_file() and (root / "src" / "mbrl_course").is_dir()


def default_course_dir() -> Path:
    """The course folder used when nothing is configured: ``$XDG_DATA_HOME/mbrl-course``
    (``~/.local/share/mbrl-course``), which outlives any code checkout."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "mbrl-course"


def _from_toml(root: Path) -> Path | None:
    """The gradebook named by ``ROOT/course.toml`` (``gradebook`` or ``course_dir``), or None."""
    path = root / COURSE_TOML
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CourseConfigError(f"cannot read {path}: {exc}") from None
    for key, is_dir in (("gradebook", False), ("course_dir", True)):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise CourseConfigError(f"{path}: {key} must be a path (a string)")
        where = Path(value).expanduser()
        where = where if where.is_absolute() else root / where
        return where / GRADEBOOK_NAME if is_dir else where
    return None


def gradebook_path(db: Path | None = None, root: Path | None = None) -> Path:
    """The gradebook database every command uses, first rule that applies:

    1. ``--db PATH`` (`db`);
    2. ``$MBRL_GRADEBOOK`` (the file), then ``$MBRL_COURSE_DIR/gradebook.sqlite``;
    3. ``course.toml`` in the course root: ``gradebook = "PATH"`` or ``course_dir = "DIR"``
       (relative paths are relative to the course root);
    4. ``ROOT/gradebook.sqlite`` when the course root is a course folder of its own, else (the
       root is this code checkout) :func:`default_course_dir`, unless the checkout still holds
       a gradebook from an older version and the new home has none (it stays in use, so no
       grades seem to vanish; ``mbrl-course backup`` moves it).
    """
    if db is not None:
        return Path(db)
    if os.environ.get(ENV_GRADEBOOK):
        return Path(os.environ[ENV_GRADEBOOK]).expanduser()
    if os.environ.get(ENV_COURSE_DIR):
        return Path(os.environ[ENV_COURSE_DIR]).expanduser() / GRADEBOOK_NAME
    root = course_root(root)
    configured = _from_toml(root)
    if configured is not None:
        return configured
    if is_code_checkout(root):
        home = default_course_dir() / GRADEBOOK_NAME
        legacy = root / GRADEBOOK_NAME  # where versions before issue 20 kept it: never orphan it
        return legacy if legacy.is_file() and not home.exists() else home
    return root / GRADEBOOK_NAME
