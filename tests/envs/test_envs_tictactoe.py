"""Tic-tac-toe rules (shipped to students as mbrl_envs.tictactoe)."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from mbrl_envs import tictactoe as ttt


def test_empty_board_and_player_to_move():
    assert ttt.EMPTY_BOARD == (0,) * 9
    assert ttt.player_to_move(ttt.EMPTY_BOARD) == ttt.X
    assert ttt.player_to_move(ttt.next_board(ttt.EMPTY_BOARD, 4)) == ttt.O
    assert ttt.legal_moves(ttt.EMPTY_BOARD) == list(range(9))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("XXX OO. ...", 1),
        ("OOO XX. X..", -1),
        ("XO. XO. X..", 1),
        ("X.O .O. O.X", -1),
        ("XOX XOO OXX", 0),
        ("XO. ... ...", None),
    ],
)
def test_winner(text, expected):
    assert ttt.winner(ttt.from_string(text)) == expected


def test_no_moves_after_a_win_and_illegal_moves_rejected():
    won = ttt.from_string("XXX OO. ...")
    assert ttt.legal_moves(won) == [] and ttt.is_terminal(won)
    with pytest.raises(ValueError):
        ttt.next_board(ttt.from_string("X.. ... ..."), 0)  # occupied
    with pytest.raises(ValueError):
        ttt.from_string("XX")


def test_encode_decode_roundtrip_and_uniqueness():
    rng = random.Random(0)
    seen = {}
    for _ in range(300):
        for board, _, nxt in ttt.random_game(rng):
            for b in (board, nxt):
                code = ttt.encode(b)
                assert 0 <= code < 3**9 and ttt.decode(code) == b
                assert seen.setdefault(code, b) == b


def test_reachable_board_count_is_5478():
    seen, frontier = {ttt.EMPTY_BOARD}, [ttt.EMPTY_BOARD]
    while frontier:
        board = frontier.pop()
        for m in ttt.legal_moves(board):
            nxt = ttt.next_board(board, m)
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert len(seen) == 5478


def test_env_step_rewards_the_winning_mover():
    env = ttt.TicTacToe()
    board, info = env.reset(board=ttt.from_string("XX. OO. ..."))
    assert info["player"] == ttt.X
    board, reward, terminated, truncated, info = env.step(2)
    assert (reward, terminated, truncated, info["winner"]) == (1.0, True, False, 1)
    env.reset()
    _, reward, terminated, _, _ = env.step(0)
    assert (reward, terminated) == (0.0, False)


def test_render_and_random_game():
    assert ttt.render(ttt.from_string("XO. .X. ..O")) == "XO.\n.X.\n..O"
    steps = ttt.random_game(random.Random(1))
    assert ttt.is_terminal(steps[-1][2])
    assert all(ttt.next_board(b, m) == n for b, m, n in steps)


def test_module_is_self_contained_for_students():
    src = Path(ttt.__file__).read_text()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            assert all(a.name in {"random"} for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.module in {"__future__", "collections.abc"}, node.module
