"""Welch's interval for a change between two rounds, against scipy (a reference computed
another way: from the raw values, by its own t distribution)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from scipy import stats as reference

from surveys.scoring import Aggregate, aggregate
from surveys.stats import Difference, difference, incomplete_beta, t_cdf, t_quantile

scores = st.lists(st.integers(1, 5), min_size=2, max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.floats(0.5, 0.9999), st.floats(0.5, 500))
def test_t_quantile_matches_scipy(probability, freedom):
    assert t_quantile(probability, freedom) == pytest.approx(reference.t.ppf(probability, freedom), rel=1e-7, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.floats(-40, 40), st.floats(0.5, 500))
def test_t_cdf_matches_scipy(t, freedom):
    assert t_cdf(t, freedom) == pytest.approx(reference.t.cdf(t, freedom), rel=1e-8, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.1, 50), st.floats(0.1, 50), st.floats(0, 1))
def test_incomplete_beta_matches_scipy(a, b, x):
    assert incomplete_beta(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-7, abs=1e-10)


@settings(max_examples=300, deadline=None)
@given(scores, scores)
def test_welch_interval_matches_scipy_from_the_raw_values(later, earlier):
    found = difference(aggregate(later), aggregate(earlier))
    if len(set(later)) == 1 and len(set(earlier)) == 1:  # no spread at all: scipy has no interval
        assert (found.low, found.high) == (found.change, found.change)
        return
    expected = reference.ttest_ind(later, earlier, equal_var=False).confidence_interval(0.95)
    assert found.change == pytest.approx(sum(later) / len(later) - sum(earlier) / len(earlier))
    assert found.low == pytest.approx(expected.low, rel=1e-6, abs=1e-9)
    assert found.high == pytest.approx(expected.high, rel=1e-6, abs=1e-9)
    # Larger than chance exactly when Welch's test rejects "no change" at 5%.
    p = reference.ttest_ind(later, earlier, equal_var=False).pvalue
    if abs(p - 0.05) > 1e-6:
        assert found.real == (p < 0.05)


def test_worked_example_by_hand():
    # T1: n=20, mean 2.9, sd 0.8; T2: n=25, mean 3.4, sd 0.6.
    # se = sqrt(0.64/20 + 0.36/25) = sqrt(0.0464) = 0.21541
    # df = 0.0464^2 / ((0.032^2)/19 + (0.0144^2)/24) = 0.00215296 / (0.0000538947 + 0.00000864) = 34.43
    # t(0.975, 34.43) = 2.0310 (tables: 2.032 at 34, 2.030 at 35), margin 0.4375
    found = difference(Aggregate(25, 3.4, 0.6, ()), Aggregate(20, 2.9, 0.8, ()))
    assert found.change == pytest.approx(0.5)
    assert found.low == pytest.approx(0.5 - 0.4375, abs=5e-4)
    assert found.high == pytest.approx(0.5 + 0.4375, abs=5e-4)
    assert found.real


def test_a_small_rise_in_a_small_round_is_within_chance():
    # +0.1 on n=15 with a usual spread: the interval takes zero in.
    found = difference(Aggregate(15, 3.6, 0.7, ()), Aggregate(30, 3.5, 0.7, ()))
    assert found.low < 0 < found.high and not found.real


def test_a_fall_is_real_when_the_whole_interval_is_below_zero():
    found = difference(Aggregate(40, 2.5, 0.5, ()), Aggregate(40, 3.5, 0.5, ()))
    assert found.high < 0 and found.real


def test_no_interval_without_a_spread():
    assert difference(Aggregate(1, 3.0, None, (0, 0, 1, 0, 0)), Aggregate(10, 3.0, 0.5, ())) is None
    assert difference(Aggregate(10, 3.0, 0.5, ()), Aggregate(0, None, None, ())) is None


def test_the_interval_is_symmetric_around_the_change():
    found = difference(Aggregate(12, 4.1, 0.9, ()), Aggregate(9, 3.2, 1.3, ()))
    assert math.isclose(found.change - found.low, found.high - found.change)


def test_real_means_the_interval_leaves_out_zero():
    assert Difference(0.3, 0.01, 0.59).real and Difference(-0.3, -0.59, -0.01).real
    assert not Difference(0.3, 0.0, 0.6).real and not Difference(0.3, -0.01, 0.61).real
