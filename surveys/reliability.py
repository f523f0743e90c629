"""How well do a dimension's statements measure one thing? Cronbach's alpha with its 95%
interval, item-rest correlations and alpha if a statement is left out, from the sufficient
statistics a database computes (n, the sum of each item, the sum of each product of two items).
Plain Python, no Flask, no database: the sums come in, no answer ever does.

Every figure here is a function of the covariance matrix of the items, and the covariance
matrix is a function of those sums, which is why sums are all a database has to return."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from .stats import incomplete_beta

CONFIDENCE = 0.95

#: The minimum number of complete responses per dimension is the smallest n at which the 95%
#: interval of an alpha of TARGET_ALPHA is at most MAX_WIDTH wide (Feldt), rounded up to ten.
#: 0.70 is the usual lower bound for a usable scale; an interval 0.20 wide (about 0.59 to 0.79
#: at five statements) still tells "too low" (below 0.60) from "good" (0.80 and up) apart. Fewer
#: responses give an interval so wide that a statement that looks bad may just be chance. At
#: five statements this is 90; fewer statements need more responses (two need 150).
TARGET_ALPHA = 0.70
MAX_WIDTH = 0.20


@dataclass(frozen=True)
class Sums:
    """Sufficient statistics of k items over n complete cases: `totals[i]` the sum of item i,
    `products[i][j]` the sum of item i times item j (squares on the diagonal)."""

    n: int
    totals: tuple[float, ...]
    products: tuple[tuple[float, ...], ...]

    @property
    def k(self) -> int:
        return len(self.totals)


@dataclass(frozen=True)
class ItemReliability:
    rest_correlation: float | None  # with the sum of the other items; None without spread
    alpha_if_deleted: float | None  # None when fewer than two items would remain

    def lowers_alpha(self, alpha: float | None) -> bool:
        """The dimension's alpha would be higher without this statement."""
        return alpha is not None and self.alpha_if_deleted is not None and self.alpha_if_deleted > alpha


@dataclass(frozen=True)
class Reliability:
    n: int
    alpha: float | None  # None without spread in the total, or with fewer than two items
    low: float | None
    high: float | None
    items: tuple[ItemReliability, ...]

    def lowers_alpha(self, index: int) -> bool:
        return self.items[index].lowers_alpha(self.alpha)


def covariance(sums: Sums) -> list[list[Fraction]]:
    """The sample covariance matrix (divided by n - 1), exact: with answers on 1-5 every sum
    is an integer, so a spread of zero is exactly zero (never a rounding residue that would
    turn into an alpha of millions) and nothing is lost to subtraction."""
    n = sums.n
    if n < 2:
        raise ValueError("a covariance needs at least two cases")
    return [
        [Fraction(n * sums.products[i][j] - sums.totals[i] * sums.totals[j]) / (n * (n - 1)) for j in range(sums.k)]
        for i in range(sums.k)
    ]


def cronbach_alpha(matrix: list[list[Fraction]]) -> float | None:
    """k / (k - 1) * (1 - sum of the item variances / variance of the total). The variance of
    the total is the sum of every entry of the covariance matrix."""
    k = len(matrix)
    total = sum(map(sum, matrix))
    if k < 2 or total <= 0:
        return None
    return float(Fraction(k, k - 1) * (1 - sum(matrix[i][i] for i in range(k)) / total))


def _without(matrix: list[list[Fraction]], index: int) -> list[list[Fraction]]:
    return [[value for j, value in enumerate(row) if j != index] for i, row in enumerate(matrix) if i != index]


def alpha_if_deleted(matrix: list[list[Fraction]]) -> list[float | None]:
    """Alpha of the other items, per item; None when fewer than two would remain."""
    return [cronbach_alpha(_without(matrix, i)) if len(matrix) > 2 else None for i in range(len(matrix))]


def item_rest_correlations(matrix: list[list[Fraction]]) -> list[float | None]:
    """Pearson's r of each item with the sum of the others (not the whole sum, which holds the
    item itself and would flatter it)."""
    correlations = []
    for i, row in enumerate(matrix):
        rest = _without(matrix, i)
        with_rest = sum(value for j, value in enumerate(row) if j != i)
        spread = row[i] * sum(map(sum, rest))
        correlations.append(float(with_rest) / math.sqrt(spread) if rest and spread > 0 else None)
    return correlations


def f_cdf(x: float, d1: float, d2: float) -> float:
    """The F distribution function P(F <= x), through the incomplete beta function."""
    if x <= 0:
        return 0.0
    return incomplete_beta(d1 / 2, d2 / 2, d1 * x / (d1 * x + d2))


def f_quantile(probability: float, d1: float, d2: float) -> float:
    """The value below which F(d1, d2) falls with the given probability, by bisection on the
    distribution function (which rises from 0 at 0): no scipy at run time."""
    if not 0 < probability < 1:
        raise ValueError(f"probability {probability} outside (0, 1)")
    low, high = 0.0, 1.0
    while f_cdf(high, d1, d2) < probability:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if f_cdf(middle, d1, d2) < probability:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * high:
            break
    return (low + high) / 2


def alpha_interval(alpha: float, n: int, k: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Feldt's (1965) interval: (1 - true alpha) / (1 - alpha) follows F(n - 1, (n - 1)(k - 1))."""
    d1, d2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    return 1 - (1 - alpha) * f_quantile(1 - tail, d1, d2), 1 - (1 - alpha) * f_quantile(tail, d1, d2)


def interval_width(alpha: float, n: int, k: int) -> float:
    low, high = alpha_interval(alpha, n, k)
    return high - low


@cache
def minimum_complete(k: int) -> int | None:
    """The fewest complete responses a dimension of k statements needs (see TARGET_ALPHA);
    None below two statements, which have no alpha. The width falls as n grows, so the
    smallest n is found by bisection."""
    if k < 2:
        return None
    low, high = 2, 16
    while interval_width(TARGET_ALPHA, high, k) > MAX_WIDTH:
        low, high = high, high * 2
    while high - low > 1:  # width(low) > MAX_WIDTH >= width(high)
        middle = (low + high) // 2
        if interval_width(TARGET_ALPHA, middle, k) > MAX_WIDTH:
            low = middle
        else:
            high = middle
    return -(-high // 10) * 10


def reliability(sums: Sums) -> Reliability:
    """Every figure of one dimension from its sums (at least two complete cases)."""
    matrix = covariance(sums)
    alpha = cronbach_alpha(matrix)
    low, high = alpha_interval(alpha, sums.n, sums.k) if alpha is not None else (None, None)
    items = tuple(map(ItemReliability, item_rest_correlations(matrix), alpha_if_deleted(matrix)))
    return Reliability(sums.n, alpha, low, high, items)
