"""Scoring rules written out again for tests, from the instrument file and the README rather
than from surveys/scoring.py, so that a test using them fails when the code under test
scores wrongly (a reverse item not flipped, a half-answered dimension scored)."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

# The statements with `reverse = true` in surveys/instruments/v1.toml and v2.toml (one per
# dimension in each); their answers count as 6 - x. A key keeps its meaning in every version,
# so the union serves rounds on either.
REVERSE_WORDED_V1 = frozenset(
    {
        "urgency_differences_stall",
        "investment_meetings",
        "momentum_national_agreements",
        "youth_own_rules",
        "levels_side_by_side",
        "daring_wait_for_plans",
    }
)
REVERSE_WORDED_V2 = frozenset(
    {
        "urgency_differences_stall",
        "investment_right_people",
        "momentum_uses_agreements",
        "youth_offer_first",
        "levels_side_by_side",
        "daring_funding_first",
    }
)
REVERSE_WORDED = REVERSE_WORDED_V1 | REVERSE_WORDED_V2


def dimension_of(item_key: str) -> str:
    """Every item key starts with its dimension's key (the loader refuses any other)."""
    return item_key.split("_", 1)[0]


def scores_by_hand(answers: dict[str, int | None]) -> dict[str, float]:
    """{dimension: mean of its answered statements, reverse ones as 6 - x} for every dimension
    where at least half of its statements (in `answers`, None for "weet ik niet") are answered."""
    statements, values = defaultdict(int), defaultdict(list)
    for key, answer in answers.items():
        statements[dimension_of(key)] += 1
        if answer is not None:
            values[dimension_of(key)].append(6 - answer if key in REVERSE_WORDED else answer)
    return {d: sum(v) / len(v) for d, v in values.items() if 2 * len(v) >= statements[d]}


def aggregate_by_hand(values: list[float]) -> tuple[int, float | None, float | None, tuple[int, ...]]:
    """(n, mean, sample sd, how many round to 1..5 with halves up) of the values."""
    mean = statistics.fmean(values) if values else None
    sd = statistics.stdev(values) if len(values) > 1 else None
    distribution = tuple(sum(1 for v in values if math.floor(v + 0.5) == point) for point in range(1, 6))
    return len(values), mean, sd, distribution
