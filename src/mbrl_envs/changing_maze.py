"""ChangingMaze: a GridWorld whose layout switches to a second map at an exact time step.

The counter ``time_step`` counts every ``step()`` since construction, across episodes
(``reset()`` does not rewind it, as in the book's experiments). Right after step number
``change_step`` the second layout is installed, even in the middle of an episode, so step
``change_step + 1`` already happens in the new world. ``P`` always describes the current layout.
Should the agent stand where a wall appears, it simply moves out of it on its next step.
"""

from __future__ import annotations

from collections.abc import Sequence

from .gridworld import GridWorld, parse_map


class ChangingMaze(GridWorld):
    """A maze that switches from `before` to `after` once `change_step` steps have been taken."""

    def __init__(
        self,
        before: str | Sequence[str],
        after: str | Sequence[str],
        change_step: int,
        render_mode: str | None = None,
    ):
        self._before, self._after = parse_map(before), parse_map(after)
        if (len(self._before), len(self._before[0])) != (len(self._after), len(self._after[0])):
            raise ValueError("both layouts must have the same shape")
        self.change_step = int(change_step)
        self.time_step = 0
        self.changed = False
        super().__init__(map=self._before, render_mode=render_mode)

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        """Take a step in the current layout, then switch layouts when the time has come."""
        result = super().step(action)
        self.time_step += 1
        if not self.changed and self.time_step >= self.change_step:
            self._set_layout(self._after)
            self.changed = True
        return result

    def reset_world(self) -> None:
        """Rewind the clock and restore the first layout (a fresh experiment)."""
        self.time_step = 0
        self.changed = False
        self._set_layout(self._before)
        self.s = self.start_state
