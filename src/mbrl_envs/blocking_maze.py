"""BlockingMaze: Sutton & Barto, Example 8.2 (Figure 8.4).

6 x 9 grid, start at [5, 3], goal at [0, 8]. At first the wall fills row 3, columns 0-7, leaving a
gap on the right (shortest path 10). After ``change_step`` (1000) time steps the wall moves to
columns 1-8: the short path is blocked and a longer one opens on the left (shortest path 16).
"""

from __future__ import annotations

from .changing_maze import ChangingMaze

BLOCKING_MAZE_BEFORE = """
........G
.........
.........
########.
.........
...S.....
"""

BLOCKING_MAZE_AFTER = """
........G
.........
.........
.########
.........
...S.....
"""


class BlockingMaze(ChangingMaze):
    """The blocking maze: the right-hand gap closes and a left-hand one opens at `change_step`."""

    def __init__(self, change_step: int = 1000, render_mode: str | None = None):
        super().__init__(BLOCKING_MAZE_BEFORE, BLOCKING_MAZE_AFTER, change_step, render_mode)
