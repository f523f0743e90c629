"""Is a change between two rounds real? Welch's interval for the difference of two means,
from the n, mean and spread of each round's released figures. Plain Python, no Flask.

The two rounds are different groups of people (answers are anonymous, so nobody can be
followed from one round to the next), with spreads that need not be equal: Welch's
t-interval, with the Welch-Satterthwaite degrees of freedom. A change is "larger than
chance" only when its 95% interval leaves out zero."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .scoring import Aggregate

CONFIDENCE = 0.95
_EPSILON = 1e-15
_TINY = 1e-300


@dataclass(frozen=True)
class Difference:
    """`later` minus `earlier`, with its interval."""

    change: float
    low: float
    high: float
    confidence: float = CONFIDENCE

    @property
    def real(self) -> bool:
        """The interval leaves out zero: larger than chance."""
        return self.low > 0 or self.high < 0


def difference(later: Aggregate, earlier: Aggregate, confidence: float = CONFIDENCE) -> Difference | None:
    """The change of the mean from `earlier` to `later` with its Welch interval; None when
    either has fewer than two values (no spread, so no interval)."""
    if later.sd is None or earlier.sd is None or later.n < 2 or earlier.n < 2:
        return None
    change = later.mean - earlier.mean
    share_later, share_earlier = later.sd**2 / later.n, earlier.sd**2 / earlier.n
    error = math.sqrt(share_later + share_earlier)
    if error == 0:  # nobody differed from anybody in either round: the change is exact
        return Difference(change, change, change, confidence)
    freedom = (share_later + share_earlier) ** 2 / (share_later**2 / (later.n - 1) + share_earlier**2 / (earlier.n - 1))
    margin = t_quantile(0.5 + confidence / 2, freedom) * error
    return Difference(change, change - margin, change + margin, confidence)


def t_quantile(probability: float, freedom: float) -> float:
    """The value below which Student's t with `freedom` degrees of freedom falls with the
    given probability (0.5 < probability < 1), by bisection on the distribution function."""
    if not 0.5 <= probability < 1:
        raise ValueError(f"probability {probability} outside [0.5, 1)")
    low, high = 0.0, 1.0
    while t_cdf(high, freedom) < probability:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, freedom) < probability:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def t_cdf(t: float, freedom: float) -> float:
    """Student's t distribution function: P(T <= t). Near zero from P(|T| < t), in the tails
    from P(|T| > t), so that neither loses its digits to 1 - x."""
    square = t * t
    if square < freedom:
        half_middle = 0.5 * incomplete_beta(0.5, freedom / 2, square / (freedom + square))
        return 0.5 + half_middle if t >= 0 else 0.5 - half_middle
    tail = 0.5 * incomplete_beta(freedom / 2, 0.5, freedom / (freedom + square))
    return 1 - tail if t >= 0 else tail


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction
    (modified Lentz), on the side where the fraction converges fast."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > _TINY else _TINY)
            c = 1 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1) < _EPSILON:
            break
    return result
