"""Tests for the reference models TabularModel and DeterministicModel."""

from __future__ import annotations

import numpy as np
import pytest

from mbrl_ref.models import DeterministicModel, TabularModel

# Chi-square critical values with p = 1e-6 (df -> value); a correct model fails with p < 1e-6.
CHI2_1E6 = {1: 23.93, 2: 27.63, 3: 30.66, 4: 33.38, 5: 35.89}


def chi_square(counts: np.ndarray, probs: np.ndarray) -> float:
    """Pearson's chi-square statistic of observed counts against expected probabilities."""
    expected = probs * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


def test_tabular_update_matches_exact_counts() -> None:
    """After random transitions, the count arrays equal counts computed independently."""
    rng = np.random.default_rng(0)
    n_s, n_a = 5, 3
    model = TabularModel(n_s, n_a, rng=np.random.default_rng(1))
    data = [
        (rng.integers(n_s), rng.integers(n_a), rng.normal(), rng.integers(n_s)) for _ in range(500)
    ]
    trans = np.zeros((n_s, n_a, n_s))
    rsum = np.zeros((n_s, n_a))
    for s, a, r, s2 in data:
        model.update(int(s), int(a), float(r), int(s2))
        trans[s, a, s2] += 1
        rsum[s, a] += r
    assert model.transition_counts.shape == (n_s, n_a, n_s)
    assert model.transition_counts.dtype == float
    np.testing.assert_array_equal(model.transition_counts, trans)
    np.testing.assert_allclose(model.reward_sum, rsum)
    np.testing.assert_array_equal(model.visit_counts, trans.sum(axis=2))


def test_tabular_predict_unvisited_is_none() -> None:
    """predict on a never-visited pair returns (None, None); nothing sampled before any update."""
    model = TabularModel(4, 2)
    assert model.predict(0, 0) == (None, None)
    assert model.sample_experienced() is None
    model.update(1, 1, 0.5, 2)
    assert model.predict(0, 0) == (None, None)


def test_tabular_predict_follows_counts_and_mean_reward() -> None:
    """predict draws s' with frequencies count(s,a,s')/count(s,a) and returns the mean reward."""
    model = TabularModel(6, 2, rng=np.random.default_rng(3))
    for s2, r in [(2, 1.0), (2, 1.0), (2, 1.0), (5, -3.0), (4, 2.0), (4, 2.0)]:
        model.update(0, 1, r, s2)
    draws = [model.predict(0, 1) for _ in range(3000)]
    states = np.array([d[0] for d in draws])
    assert all(d[1] == pytest.approx(4.0 / 6.0) for d in draws)
    counts = np.array([(states == s).sum() for s in (2, 4, 5)])
    assert counts.sum() == len(draws), "predict returned a never-observed next state"
    assert chi_square(counts, np.array([3, 2, 1]) / 6) < CHI2_1E6[2]


def test_tabular_predict_returns_python_numbers() -> None:
    """predict returns a Python int state and a Python float reward."""
    model = TabularModel(3, 2, rng=np.random.default_rng(0))
    model.update(1, 0, 1, 2)
    s2, r = model.predict(1, 0)
    assert type(s2) is int and s2 == 2
    assert type(r) is float and r == 1.0


def test_tabular_sample_experienced_uniform_over_distinct_pairs() -> None:
    """sample_experienced is uniform over visited pairs, not weighted by how often they occurred."""
    model = TabularModel(10, 4, rng=np.random.default_rng(5))
    pairs = [(0, 0), (3, 2), (9, 3), (5, 1)]
    for i, (s, a) in enumerate(pairs):
        for _ in range(1 + 50 * i):  # very different visit counts
            model.update(s, a, 0.0, 1)
    draws = [model.sample_experienced() for _ in range(4000)]
    assert all(type(s) is int and type(a) is int for s, a in draws)
    counts = np.array([draws.count(p) for p in pairs])
    assert counts.sum() == len(draws), "sampled a pair that was never visited"
    assert chi_square(counts, np.full(4, 0.25)) < CHI2_1E6[3]


def test_deterministic_model_remembers_last_outcome() -> None:
    """DeterministicModel.predict returns the most recent (s', r) of a pair, ints and floats."""
    model = DeterministicModel(5, 2, rng=np.random.default_rng(0))
    assert model.predict(1, 1) == (None, None)
    assert model.sample_experienced() is None
    model.update(1, 1, 0.0, 2)
    model.update(1, 1, 1.0, 3)
    s2, r = model.predict(1, 1)
    assert (s2, r) == (3, 1.0) and type(s2) is int and type(r) is float
    assert model.table == {(1, 1): (3, 1.0)}


def test_deterministic_model_sample_uniform() -> None:
    """DeterministicModel.sample_experienced is uniform over the distinct stored pairs."""
    model = DeterministicModel(8, 4, rng=np.random.default_rng(11))
    pairs = [(0, 1), (2, 3), (7, 0)]
    for i, (s, a) in enumerate(pairs):
        for _ in range(1 + 20 * i):
            model.update(s, a, 0.0, s)
    draws = [model.sample_experienced() for _ in range(3000)]
    counts = np.array([draws.count(p) for p in pairs])
    assert counts.sum() == len(draws)
    assert chi_square(counts, np.full(3, 1 / 3)) < CHI2_1E6[2]


def test_models_default_rng_is_fresh_generator() -> None:
    """rng=None gives each model its own numpy Generator."""
    a, b = TabularModel(2, 2), DeterministicModel(2, 2)
    assert isinstance(a.rng, np.random.Generator) and isinstance(b.rng, np.random.Generator)
    assert a.rng is not b.rng
