"""Scoring rules written out again for tests, from the instrument file and the README rather
than from surveys/scoring.py, so that a test using them fails when the code under test
scores wrongly (a reverse item not flipped, a half-answered dimension scored)."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

# The statements with `reverse = true` in surveys/instruments/v1.toml (one per dimension);
# their answers count as 6 - x.
REVERSE_WORDED = frozenset(
    {
        "urgency_differences_stall",
        "investment_meetings",
        "momentum_national_agreements",
        "youth_own_rules",
        "levels_side_by_side",
        "daring_wait_for_plans",
    }
)


def dimension_of(item_key: str) -> str:
    """Every v1 item key starts with its dimension's key."""
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
