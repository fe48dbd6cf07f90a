"""Tests for the command line ``python -m mbrl_ref reproduce ...`` and the figure plotting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mbrl_ref.__main__ import main


def test_cli_fig8_2_writes_json_and_prints_table(tmp_path: Path, capsys) -> None:
    """reproduce fig8.2 prints the checkpoint table and writes a JSON file with the curves."""
    out = tmp_path / "sub" / "fig.json"
    assert (
        main(
            [
                "reproduce",
                "fig8.2",
                "--runs",
                "2",
                "--seed",
                "4",
                "--json",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "ep 2" in text and "mean ep 41-50" in text and "expected" in text
    data = json.loads(out.read_text())
    assert data["figure"] == "8.2" and data["config"]["runs"] == 2 and data["config"]["seed"] == 4
    assert set(data["curves"]) == {"0", "5", "50"}
    assert len(data["curves"]["5"]["mean"]) == 50
    assert set(data["checkpoints"]["50"]["ep 2"]) == {"mean", "se"}


@pytest.mark.slow
def test_cli_fig8_4_writes_plot(tmp_path: Path, capsys) -> None:
    """reproduce fig8.4 with --plot writes a PNG image and reports the opened-cell statistic."""
    png = tmp_path / "fig8_4.png"
    assert main(["reproduce", "fig8.4", "--runs", "1", "--plot", str(png), "--no-progress"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "opened cell" in capsys.readouterr().out


def test_cli_rejects_bad_arguments() -> None:
    """Unknown figures and non-positive run counts are usage errors (exit status 2)."""
    for argv in (["reproduce", "fig9.9"], ["reproduce", "fig8.2", "--runs", "0"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2


@pytest.mark.slow
def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    """`python -m mbrl_ref reproduce fig8.2` runs as a process, progress bar on stderr only."""
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mbrl_ref",
            "reproduce",
            "fig8.2",
            "--runs",
            "2",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["config"]["runs"] == 2
    assert "Figure 8.2" in proc.stdout and "run/s" not in proc.stdout
