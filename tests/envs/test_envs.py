"""Tests for mbrl_envs: maps, transition tables, Gymnasium API and changing layouts."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from mbrl_envs import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BlockingMaze,
    DynaMaze,
    GridWorld,
    ShortcutMaze,
    StochasticGridWorld,
    draw_grid,
    greedy_path,
)

ALL_ENVS = [
    GridWorld,
    lambda: StochasticGridWorld(slip=0.3),
    DynaMaze,
    BlockingMaze,
    ShortcutMaze,
]


@pytest.mark.parametrize("make", ALL_ENVS)
def test_transition_probabilities_sum_to_one(make):
    """Every P[s][a] is a probability distribution over next states."""
    env = make()
    for s in range(env.n_states):
        for a in range(env.n_actions):
            total = sum(p for p, *_ in env.P[s][a])
            assert total == pytest.approx(1.0)
            assert all(p > 0 for p, *_ in env.P[s][a])


@pytest.mark.parametrize("make", ALL_ENVS)
def test_walls_are_never_entered(make):
    """No transition from a free cell leads into a wall."""
    env = make()
    for s in env.free_states():
        for a in range(env.n_actions):
            assert all(s2 not in env.walls for _, s2, _, _ in env.P[s][a])


@pytest.mark.parametrize("make", ALL_ENVS)
def test_goal_is_terminal_and_rewarded_on_entry(make):
    """Entering a goal gives +1 and terminates; other transitions give 0 and continue."""
    env = make()
    for s in env.free_states():
        if s in env.goal_states:
            continue
        for a in range(env.n_actions):
            for _, s2, r, done in env.P[s][a]:
                assert done == (s2 in env.goal_states)
                assert r == (1.0 if s2 in env.goal_states else 0.0)


def test_dyna_maze_layout_matches_example_8_1():
    """The Dyna maze is 6 x 9 with S at [2,0], G at [0,8] and the book's seven wall cells."""
    env = DynaMaze()
    assert (env.nrow, env.ncol, env.n_states) == (6, 9, 54)
    assert env.to_rowcol(env.start_state) == (2, 0)
    assert [env.to_rowcol(g) for g in env.goal_states] == [(0, 8)]
    expected = {(1, 2), (2, 2), (3, 2), (0, 7), (1, 7), (2, 7), (4, 5)}
    assert {env.to_rowcol(w) for w in env.walls} == expected


def test_blocked_moves_stay_in_place():
    """Moving into an edge or a wall leaves the agent where it is."""
    env = DynaMaze()
    env.reset(seed=0)
    s, r, terminated, truncated, _ = env.step(LEFT)  # edge
    assert (s, r, terminated, truncated) == (env.start_state, 0.0, False, False)
    env.step(RIGHT)
    s, *_ = env.step(RIGHT)  # wall at [2, 2]
    assert env.to_rowcol(s) == (2, 1)


def test_reset_and_step_follow_gymnasium_api():
    """reset returns (obs, info); step returns a 5-tuple with Python types."""
    env = GridWorld()
    obs, info = env.reset(seed=3)
    assert obs == env.start_state and isinstance(info, dict)
    out = env.step(DOWN)
    assert len(out) == 5
    assert isinstance(out[0], int) and isinstance(out[1], float)
    assert isinstance(out[2], bool) and out[3] is False
    with pytest.raises(ValueError):
        env.step(7)


def test_registered_ids_make_environments():
    """Each environment is registered with a Gymnasium id."""
    for env_id in [
        "mbrl/GridWorld-v0",
        "mbrl/DynaMaze-v0",
        "mbrl/BlockingMaze-v0",
        "mbrl/ShortcutMaze-v0",
        "mbrl/StochasticGridWorld-v0",
    ]:
        env = gym.make(env_id)
        obs, _ = env.reset(seed=0)
        assert env.observation_space.contains(obs)


def test_ansi_render_marks_the_agent():
    """The ansi render shows the map with the agent as 'A'."""
    env = DynaMaze(render_mode="ansi")
    env.reset()
    text = env.render()
    assert text.splitlines()[2].startswith("A.#")
    assert text.count("#") == 7


def test_stochastic_table_is_exact():
    """With slip 0.2 the intended move has probability 0.85 and each other action 0.05."""
    env = StochasticGridWorld(map=["S...", "...G"], slip=0.2)
    s = env.to_state(0, 1)
    probs = {s2: p for p, s2, _, _ in env.P[s][RIGHT]}
    assert probs[env.to_state(0, 2)] == pytest.approx(0.85)
    assert probs[env.to_state(1, 1)] == pytest.approx(0.05)
    assert probs[env.to_state(0, 0)] == pytest.approx(0.05)
    assert probs[s] == pytest.approx(0.05)  # UP hits the edge


def test_stochastic_steps_follow_the_table():
    """Sampled next states match P's probabilities (fixed seed, 5-sigma tolerance)."""
    env = StochasticGridWorld(map=["S...", "...G"], slip=0.4)
    env.reset(seed=123)
    s0 = env.to_state(0, 1)
    n = 4000
    hits = 0
    for _ in range(n):
        env.s = s0
        s2, *_ = env.step(RIGHT)
        hits += s2 == env.to_state(0, 2)
    p = 1 - 0.4 + 0.1
    assert abs(hits / n - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_seeded_reset_makes_episodes_reproducible():
    """The same seed gives the same stochastic trajectory."""

    def trajectory(seed):
        env = StochasticGridWorld(slip=0.5)
        env.reset(seed=seed)
        return [env.step(RIGHT)[0] for _ in range(30)]

    assert trajectory(7) == trajectory(7)
    assert trajectory(7) != trajectory(8)


def test_blocking_maze_changes_at_the_exact_time_step():
    """The wall moves right after step `change_step`, mid-episode, and reset does not rewind it."""
    env = BlockingMaze(change_step=5)
    env.reset(seed=0)
    gap_old, gap_new = env.to_state(3, 8), env.to_state(3, 0)
    assert gap_new in env.walls and gap_old not in env.walls
    for _ in range(4):
        env.step(UP)
    env.reset()
    assert not env.changed and env.time_step == 4
    env.step(UP)
    assert env.changed and env.time_step == 5
    assert gap_old in env.walls and gap_new not in env.walls
    env.reset_world()
    assert env.time_step == 0 and gap_new in env.walls


def test_shortcut_maze_opens_the_shortcut():
    """The shortcut cell [3, 8] is a wall before the change and free after it."""
    env = ShortcutMaze(change_step=1)
    env.reset()
    assert env.to_state(3, 8) in env.walls
    env.step(UP)
    assert env.to_state(3, 8) not in env.walls
    assert env.to_state(3, 0) not in env.walls


def test_map_validation_gives_clear_errors():
    """Malformed maps are rejected with a message saying what is wrong."""
    with pytest.raises(ValueError, match="same length"):
        GridWorld(["S..", "..G."])
    with pytest.raises(ValueError, match="start"):
        GridWorld(["...", "..G"])
    with pytest.raises(ValueError, match="unknown"):
        GridWorld(["S.x", "..G"])


def test_transition_matrix_matches_table():
    """The dense transition array agrees with P and has rows summing to one."""
    env = StochasticGridWorld(slip=0.1)
    T = env.transition_matrix()
    assert np.allclose(T.sum(axis=2), 1.0)
    p, s2, _, _ = env.P[0][RIGHT][0]
    assert T[0, RIGHT, s2] == pytest.approx(p)


def test_draw_grid_and_greedy_path(tmp_path):
    """draw_grid renders values, policy and path without error; greedy_path stops at loops."""
    import matplotlib

    matplotlib.use("Agg")
    env = DynaMaze()
    q = np.zeros((env.n_states, 4))
    path = greedy_path(env, q)  # always UP from the start: loops at the top edge
    assert path[0] == env.start_state and len(path) <= env.n_states + 1
    ax = draw_grid(
        env,
        values=np.arange(env.n_states),
        policy=q.argmax(1),
        path=path,
        title="t",
        annotate=True,
        colorbar=True,
    )
    ax.figure.savefig(tmp_path / "grid.png")
    assert (tmp_path / "grid.png").stat().st_size > 1000


def test_envs_package_does_not_import_the_reference():
    """The envs package ships to students, so it must not import mbrl_ref modules."""
    from pathlib import Path

    import mbrl_envs

    for path in Path(mbrl_envs.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "import mbrl_ref" not in text and "from mbrl_ref" not in text, path.name
