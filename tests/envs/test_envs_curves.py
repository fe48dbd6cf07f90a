"""Tests for the student helper module mbrl_envs.curves (src/mbrl_ref/envs/curves.py)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mbrl_envs.curves import mean_and_stderr, plot_curves  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_mean_and_stderr_matches_numpy():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(7, 11))
    mean, se = mean_and_stderr(data)
    np.testing.assert_allclose(mean, data.mean(axis=0))
    np.testing.assert_allclose(se, data.std(axis=0, ddof=1) / np.sqrt(7))


def test_single_run_and_nan_handling():
    mean, se = mean_and_stderr([1.0, 2.0, 3.0])
    np.testing.assert_allclose(mean, [1, 2, 3])
    np.testing.assert_allclose(se, 0)
    mean, se = mean_and_stderr([[1.0, np.nan], [3.0, 4.0]])
    np.testing.assert_allclose(mean, [2.0, 4.0])
    np.testing.assert_allclose(se, [1.0, 0.0])
    with pytest.raises(ValueError):
        mean_and_stderr(np.zeros((2, 2, 2)))


def test_plot_curves_lines_bands_labels():
    curves = {"a": np.ones((5, 10)) + np.arange(5)[:, None], "b": np.arange(10.0)}
    ax = plot_curves(curves, xlabel="episode", ylabel="steps", title="T")
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), 3.0)
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), np.arange(1, 11))
    assert len(ax.collections) == 1  # only "a" has several runs -> one band
    assert ax.get_xlabel() == "episode" and ax.get_ylabel() == "steps" and ax.get_title() == "T"
    assert ax.get_legend() is not None


def test_plot_curves_options():
    fig, ax = plt.subplots()
    out = plot_curves(
        {"a": np.ones((3, 4)) * [[1], [2], [3]]},
        ax=ax,
        x=[10, 20, 30, 40],
        log_y=True,
        colors=["red"],
    )
    assert out is ax
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [10, 20, 30, 40])
    assert ax.get_lines()[0].get_color() == "red"
    with pytest.raises(ValueError):
        plot_curves({"a": np.ones((2, 3))}, x=[1, 2])
    with pytest.raises(TypeError):
        plot_curves([np.ones(3)])
