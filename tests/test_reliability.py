"""Cronbach's alpha, its Feldt interval, item-rest correlations and alpha if deleted, from
sums only (surveys/reliability.py), against references computed another way: numpy from the
raw answer matrix, scipy's pearsonr and F quantiles. The data are generated with a known
structure: items that share one latent factor, and one item that is pure noise."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as reference

from surveys.reliability import (
    MAX_WIDTH,
    TARGET_ALPHA,
    Sums,
    alpha_interval,
    covariance,
    cronbach_alpha,
    f_cdf,
    f_quantile,
    minimum_complete,
    reliability,
)


def sums_of(matrix: np.ndarray) -> Sums:
    """What the database returns for a matrix of complete cases (rows) by items (columns)."""
    matrix = np.asarray(matrix, dtype=np.int64)
    return Sums(
        len(matrix),
        tuple(int(v) for v in matrix.sum(axis=0)),
        tuple(tuple(int(v) for v in row) for row in matrix.T @ matrix),
    )


def numpy_alpha(matrix: np.ndarray) -> float:
    """Alpha straight from its definition on the raw values."""
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def likert(rng, n: int, loadings: list[float], noise: float = 0.8) -> np.ndarray:
    """n people answering items on 1-5 that load on one latent factor (0: pure noise)."""
    factor = rng.normal(size=(n, 1))
    raw = 3 + factor * np.array(loadings) + rng.normal(scale=noise, size=(n, len(loadings)))
    return np.clip(np.rint(raw), 1, 5).astype(int)


@pytest.mark.parametrize("seed", range(5))
def test_every_figure_matches_numpy_and_scipy_on_the_raw_matrix(seed):
    rng = np.random.default_rng(seed)
    matrix = likert(rng, 300, [1.0, 0.9, 1.1, 0.8, 0.0])  # the last one measures nothing
    found = reliability(sums_of(matrix))

    np.testing.assert_allclose(
        np.array(covariance(sums_of(matrix)), dtype=float), np.cov(matrix, rowvar=False), rtol=1e-12
    )
    assert found.n == 300
    assert found.alpha == pytest.approx(numpy_alpha(matrix), rel=1e-12)
    for i, item in enumerate(found.items):
        rest = matrix.sum(axis=1) - matrix[:, i]
        assert item.rest_correlation == pytest.approx(reference.pearsonr(matrix[:, i], rest).statistic, rel=1e-10)
        assert item.alpha_if_deleted == pytest.approx(numpy_alpha(np.delete(matrix, i, axis=1)), rel=1e-12)
    # The known structure shows: the noise item barely goes with the rest and lowers alpha;
    # leaving out any real item lowers alpha instead.
    assert found.items[4].rest_correlation < 0.2 < min(item.rest_correlation for item in found.items[:4])
    assert [found.lowers_alpha(i) for i in range(5)] == [False, False, False, False, True]


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 8), st.integers(2, 60), st.integers(0, 2**32 - 1))
def test_any_matrix_matches_numpy(k, n, seed):
    """Random answers of any shape, also without spread (where alpha has no value)."""
    matrix = np.random.default_rng(seed).integers(1, 6, size=(n, k))
    found = reliability(sums_of(matrix))
    total_spread = matrix.sum(axis=1).var(ddof=1)
    if total_spread == 0:
        assert found.alpha is None and found.low is None and found.high is None
    else:
        assert found.alpha == pytest.approx(numpy_alpha(matrix), rel=1e-9, abs=1e-12)
    for i, item in enumerate(found.items):
        rest = matrix.sum(axis=1) - matrix[:, i]
        if matrix[:, i].std() == 0 or rest.std() == 0:
            assert item.rest_correlation is None
        else:
            r = reference.pearsonr(matrix[:, i], rest).statistic
            assert item.rest_correlation == pytest.approx(r, rel=1e-9, abs=1e-12)
        if k == 2:
            assert item.alpha_if_deleted is None  # one item left: no alpha
        elif np.delete(matrix, i, axis=1).sum(axis=1).var(ddof=1) > 0:
            assert item.alpha_if_deleted == pytest.approx(
                numpy_alpha(np.delete(matrix, i, axis=1)), rel=1e-9, abs=1e-12
            )


def test_a_statement_lowers_alpha_only_when_alpha_without_it_is_higher():
    found = reliability(sums_of(likert(np.random.default_rng(7), 200, [1.0, 1.0, 1.0, 1.0])))
    assert not any(found.lowers_alpha(i) for i in range(4))
    # Alpha without the first statement is exactly alpha (2/3): leaving it out changes nothing.
    tie = reliability(sums_of([[1, 4, 2], [1, 4, 3], [2, 3, 3], [2, 5, 4]]))
    assert tie.alpha == tie.items[0].alpha_if_deleted == pytest.approx(2 / 3)
    assert [tie.lowers_alpha(i) for i in range(3)] == [False, True, False]
    flat = reliability(sums_of([[3, 3, 3]] * 10))
    assert flat.alpha is None and not any(flat.lowers_alpha(i) for i in range(3))


def test_alpha_needs_two_items_and_spread():
    assert cronbach_alpha([[1.0]]) is None
    assert cronbach_alpha([[0.0, 0.0], [0.0, 0.0]]) is None
    with pytest.raises(ValueError):
        covariance(Sums(1, (3, 4), ((9, 12), (12, 16))))


@settings(max_examples=300, deadline=None)
@given(st.floats(0.001, 0.999), st.integers(1, 5000), st.integers(1, 9))
def test_f_quantile_matches_scipy(probability, d1, items):
    """Over the degrees of freedom Feldt's interval uses: d2 = d1 * (k - 1)."""
    d2 = d1 * items
    assert f_quantile(probability, d1, d2) == pytest.approx(reference.f.ppf(probability, d1, d2), rel=1e-8)


@settings(max_examples=300, deadline=None)
@given(st.floats(0, 20), st.integers(1, 500), st.integers(1, 5000))
def test_f_cdf_matches_scipy(x, d1, d2):
    assert f_cdf(x, d1, d2) == pytest.approx(reference.f.cdf(x, d1, d2), rel=1e-8, abs=1e-12)


@pytest.mark.parametrize(
    "alpha, n, k", [(0.7, 90, 5), (0.85, 30, 4), (0.3, 200, 6), (-0.2, 50, 3), (0.95, 100_000, 5), (0.7, 150, 2)]
)
def test_feldt_interval_matches_scipy_f_quantiles(alpha, n, k):
    """Feldt (1965): (1 - alpha) / (1 - estimate) ~ F(n - 1, (n - 1)(k - 1))."""
    d1, d2 = n - 1, (n - 1) * (k - 1)
    low, high = alpha_interval(alpha, n, k)
    assert low == pytest.approx(1 - (1 - alpha) * reference.f.ppf(0.975, d1, d2), rel=1e-9)
    assert high == pytest.approx(1 - (1 - alpha) * reference.f.ppf(0.025, d1, d2), rel=1e-9)
    assert low < alpha < high


def test_the_interval_covers_the_true_alpha_about_95_percent_of_the_time():
    """Normal items with equal loadings: the population alpha is known,
    k * rho / (1 + (k - 1) * rho) with rho the correlation of any two items."""
    rng = np.random.default_rng(2024)
    k, rho, n = 5, 0.4, 60
    true_alpha = k * rho / (1 + (k - 1) * rho)
    correlation = np.full((k, k), rho) + np.eye(k) * (1 - rho)
    covered = 0
    for _ in range(1000):
        matrix = rng.multivariate_normal(np.zeros(k), correlation, size=n)
        sums = Sums(n, tuple(matrix.sum(axis=0)), tuple(map(tuple, matrix.T @ matrix)))
        found = reliability(sums)
        covered += found.low <= true_alpha <= found.high
    assert 0.93 <= covered / 1000 <= 0.97  # 95%, give or take two standard errors of 0.7%


@pytest.mark.parametrize("k", range(2, 9))
def test_the_minimum_is_the_smallest_n_with_a_narrow_enough_interval(k):
    """The smallest n at which the 95% interval of alpha = 0.70 is at most 0.20 wide (by
    scipy), rounded up to ten."""

    def width(n):
        d1, d2 = n - 1, (n - 1) * (k - 1)
        return (1 - TARGET_ALPHA) * (reference.f.ppf(0.975, d1, d2) - reference.f.ppf(0.025, d1, d2))

    smallest = next(n for n in range(3, 1000) if width(n) <= MAX_WIDTH)
    assert minimum_complete(k) == math.ceil(smallest / 10) * 10


def test_the_minimum_named_in_the_code():
    assert minimum_complete(5) == 90  # the instrument's five statements per dimension
    assert minimum_complete(2) == 150
    assert minimum_complete(1) is None
