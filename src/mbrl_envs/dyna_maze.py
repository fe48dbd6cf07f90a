"""DynaMaze: the 6 x 9 maze of Sutton & Barto, Example 8.1 (Figure 8.2).

Start S at [2, 0], goal G at [0, 8]; walls at [1, 2], [2, 2], [3, 2], [0, 7], [1, 7], [2, 7]
and [4, 5]. The shortest path takes 14 steps. Reward is +1 on reaching G, 0 otherwise.
"""

from __future__ import annotations

from .gridworld import GridWorld

DYNA_MAZE_MAP = """
.......#G
..#....#.
S.#....#.
..#......
.....#...
.........
"""


class DynaMaze(GridWorld):
    """The Dyna maze of Example 8.1 (deterministic, 54 states, shortest path 14)."""

    def __init__(self, render_mode: str | None = None):
        super().__init__(map=DYNA_MAZE_MAP, render_mode=render_mode)
