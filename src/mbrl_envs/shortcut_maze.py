"""ShortcutMaze: Sutton & Barto, Example 8.3 (Figure 8.5).

6 x 9 grid, start at [5, 3], goal at [0, 8]. At first the wall fills row 3, columns 1-8, so the
only way round is on the left (shortest path 16). After ``change_step`` (3000) time steps a
shortcut opens at column 8 (the wall shrinks to columns 1-7; shortest path 10).
"""

from __future__ import annotations

from .changing_maze import ChangingMaze

SHORTCUT_MAZE_BEFORE = """
........G
.........
.........
.########
.........
...S.....
"""

SHORTCUT_MAZE_AFTER = """
........G
.........
.........
.#######.
.........
...S.....
"""


class ShortcutMaze(ChangingMaze):
    """The shortcut maze: a shorter path opens on the right at `change_step`."""

    def __init__(self, change_step: int = 3000, render_mode: str | None = None):
        super().__init__(SHORTCUT_MAZE_BEFORE, SHORTCUT_MAZE_AFTER, change_step, render_mode)
