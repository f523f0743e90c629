"""Scoring: answers -> dimension scores -> group aggregates. Plain Python, no Flask.

Answers are 1..5 or None for "weet ik niet / n.v.t.", which never counts as a number.
Reverse-worded statements are flipped before they count.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .instrument import Dimension, Instrument, Item

LOW, HIGH = 1, 5


def flip(value: int, low: int = LOW, high: int = HIGH) -> int:
    """Mirror a value on the scale: 1 <-> 5, 2 <-> 4, 3 stays."""
    return low + high - value


def item_value(item: Item, answer: int | None) -> int | None:
    """The value an answer adds to its dimension score (None for "weet ik niet")."""
    if answer is None:
        return None
    if not LOW <= answer <= HIGH:
        raise ValueError(f"answer {answer!r} to {item.key} is outside {LOW}..{HIGH}")
    return flip(answer) if item.reverse else answer


def dimension_score(dimension: Dimension, answers: Mapping[str, int | None]) -> float | None:
    """Mean of the answered statements, or None when fewer than half are answered."""
    values = [v for item in dimension.items if (v := item_value(item, answers.get(item.key))) is not None]
    if not values or 2 * len(values) < len(dimension.items):
        return None
    return sum(values) / len(values)


def dimension_scores(instrument: Instrument, answers: Mapping[str, int | None]) -> dict[str, float | None]:
    """One score (or None) per dimension, in the instrument's order."""
    return {dimension.key: dimension_score(dimension, answers) for dimension in instrument.dimensions}


@dataclass(frozen=True)
class Aggregate:
    """A group's score on one dimension (or one statement)."""

    n: int
    mean: float | None
    sd: float | None  # sample standard deviation; None below two values
    distribution: tuple[int, ...]  # how many values round to 1, 2, 3, 4, 5


def bucket(value: float) -> int:
    """The scale point a (mean) score rounds to, halves rounded up: 3.5 -> 4."""
    return min(HIGH, max(LOW, math.floor(value + 0.5)))


def aggregate(values: Iterable[float | None]) -> Aggregate:
    """Mean, n, standard deviation and distribution of the values that are not None."""
    numbers = [float(v) for v in values if v is not None]
    distribution = [0] * (HIGH - LOW + 1)
    for value in numbers:
        distribution[bucket(value) - LOW] += 1
    return Aggregate(
        n=len(numbers),
        mean=statistics.fmean(numbers) if numbers else None,
        sd=statistics.stdev(numbers) if len(numbers) > 1 else None,
        distribution=tuple(distribution),
    )


def aggregate_from_sums(n: int, total: float, total_of_squares: float, distribution: tuple[int, ...]) -> Aggregate:
    """The same aggregate, from sums a database computed (so no value leaves the database)."""
    if n == 0:
        return Aggregate(0, None, None, tuple(distribution))
    mean = total / n
    sd = math.sqrt(max(0.0, (total_of_squares - n * mean * mean) / (n - 1))) if n > 1 else None
    return Aggregate(n, mean, sd, tuple(distribution))


# Score bands, for headline cards and colours.
CONCERN_BELOW, STRENGTH_FROM = 3.0, 4.0


def band(score: float | None) -> str | None:
    """ "concern" below 3.0, "borderline" from 3.0 to under 4.0, "strength" from 4.0, judged
    on the score as shown (one decimal), so 2.98 shown as 3.0 is borderline."""
    if score is None:
        return None
    score = round(score, 1)
    if score < CONCERN_BELOW:
        return "concern"
    return "strength" if score >= STRENGTH_FROM else "borderline"
