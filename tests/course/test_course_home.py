"""Where the gradebook lives: --db, the environment, course.toml, else outside the code checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbrl_course.cli import main as cli_main
from mbrl_course.course import gradebook_path, is_code_checkout
from mbrl_course.errors import CourseConfigError

REPO = Path(__file__).resolve().parents[2]


def test_default_gradebook_of_the_code_checkout_lives_outside_it(tmp_path, monkeypatch):
    """Run from a code checkout with nothing configured, the gradebook is in the user's data
    folder ($XDG_DATA_HOME/mbrl-course), not inside the code."""
    assert is_code_checkout(REPO)
    checkout = tmp_path / "clone"
    (checkout / "src" / "mbrl_course").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = gradebook_path(None, checkout)
    assert path == tmp_path / "data" / "mbrl-course" / "gradebook.sqlite"
    assert not path.resolve().is_relative_to(checkout)


def test_a_course_folder_of_its_own_keeps_its_gradebook(tmp_path):
    """A course root that is not a code checkout holds its own gradebook.sqlite."""
    (tmp_path / "autograder").mkdir()
    assert gradebook_path(None, tmp_path) == tmp_path / "gradebook.sqlite"


def test_course_toml_and_environment_choose_and_db_wins(tmp_path, monkeypatch):
    """course.toml's course_dir/gradebook (relative to the root), then $MBRL_COURSE_DIR and
    $MBRL_GRADEBOOK over it, and --db over everything."""
    root = tmp_path / "course"
    root.mkdir()
    (root / "course.toml").write_text('course_dir = "../term-2027"\n')
    assert gradebook_path(None, root) == root / "../term-2027" / "gradebook.sqlite"
    (root / "course.toml").write_text('gradebook = "/srv/grades/mbrl.sqlite"\n')
    assert gradebook_path(None, root) == Path("/srv/grades/mbrl.sqlite")
    monkeypatch.setenv("MBRL_COURSE_DIR", str(tmp_path / "env-course"))
    assert gradebook_path(None, root) == tmp_path / "env-course" / "gradebook.sqlite"
    monkeypatch.setenv("MBRL_GRADEBOOK", str(tmp_path / "env.sqlite"))
    assert gradebook_path(None, root) == tmp_path / "env.sqlite"
    assert gradebook_path(tmp_path / "cli.sqlite", root) == tmp_path / "cli.sqlite"


def test_a_broken_course_toml_is_a_clear_error(tmp_path, monkeypatch, capsys):
    """An unreadable course.toml is named with the reason; commands exit 2 instead of guessing."""
    (tmp_path / "autograder").mkdir()
    (tmp_path / "course.toml").write_text("course_dir = [\n")
    with pytest.raises(CourseConfigError, match="course.toml"):
        gradebook_path(None, tmp_path)
    (tmp_path / "course.toml").write_text("gradebook = 3\n")
    monkeypatch.chdir(tmp_path)
    assert cli_main(["export"]) == 2
    assert "gradebook must be a path" in capsys.readouterr().err


def test_a_gradebook_left_in_the_checkout_stays_in_use_until_moved(tmp_path, monkeypatch):
    """A checkout that still holds gradebook.sqlite from an older version keeps using it while
    the new home has none, so an upgrade never hides a term's grades."""
    checkout = tmp_path / "clone"
    (checkout / "src" / "mbrl_course").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    home = tmp_path / "data" / "mbrl-course" / "gradebook.sqlite"
    assert gradebook_path(None, checkout) == home
    (checkout / "gradebook.sqlite").write_bytes(b"")
    assert gradebook_path(None, checkout) == checkout / "gradebook.sqlite"
    home.parent.mkdir(parents=True)
    home.write_bytes(b"")
    assert gradebook_path(None, checkout) == home
