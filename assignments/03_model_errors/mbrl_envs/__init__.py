"""Environments for the Model-Based RL chapter (Gymnasium toy-text style) and drawing helpers.

The only code students get (the build copies it into every assignment folder), and the same
package the reference and the tests import. It imports only the standard library,
numpy, gymnasium and matplotlib, and refers to its own modules relatively.

Gymnasium ids: ``mbrl/GridWorld-v0``, ``mbrl/StochasticGridWorld-v0``, ``mbrl/DynaMaze-v0``,
``mbrl/BlockingMaze-v0``, ``mbrl/ShortcutMaze-v0``.
"""

from __future__ import annotations

import gymnasium as gym

from .blocking_maze import BlockingMaze
from .changing_maze import ChangingMaze
from .drawing import draw_grid, greedy_path, greedy_policy, plot_values
from .dyna_maze import DYNA_MAZE_MAP, DynaMaze
from .gridworld import ACTION_NAMES, DEFAULT_MAP, DOWN, LEFT, RIGHT, UP, GridWorld, parse_map
from .shortcut_maze import ShortcutMaze
from .stochastic_gridworld import StochasticGridWorld

__all__ = [
    "ACTION_NAMES",
    "DEFAULT_MAP",
    "DOWN",
    "DYNA_MAZE_MAP",
    "LEFT",
    "RIGHT",
    "UP",
    "BlockingMaze",
    "ChangingMaze",
    "DynaMaze",
    "GridWorld",
    "ShortcutMaze",
    "StochasticGridWorld",
    "draw_grid",
    "greedy_path",
    "greedy_policy",
    "parse_map",
    "plot_values",
]

_IDS = {
    "mbrl/GridWorld-v0": GridWorld,
    "mbrl/StochasticGridWorld-v0": StochasticGridWorld,
    "mbrl/DynaMaze-v0": DynaMaze,
    "mbrl/BlockingMaze-v0": BlockingMaze,
    "mbrl/ShortcutMaze-v0": ShortcutMaze,
}
for _env_id, _cls in _IDS.items():
    gym.register(id=_env_id, entry_point=_cls)
