"""The anonymity threshold: the one place that decides whether a group may be shown.

Every page, chart, export and API response asks here. A group (a round, a level, a domain)
with fewer than `min_size` respondents is never shown; and within a partition of a shown
total (the levels of a round, say) the hidden groups together must also reach `min_size`,
or one small group could be recovered by subtracting the shown groups from the total.
Plain Python: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def large_enough(n: int, min_size: int) -> bool:
    """A group on its own (a whole round) may be shown."""
    return n >= min_size


def shown_groups(counts: Mapping[K, int], total: int, min_size: int) -> set[K]:
    """The groups of a partition of `total` respondents that may be shown.

    Groups below `min_size` are hidden; then, while the hidden groups together are more
    than none but fewer than `min_size`, the smallest shown group is hidden too.
    """
    if not large_enough(total, min_size):
        return set()
    shown = {key for key, n in counts.items() if n >= min_size}
    while shown:
        remainder = total - sum(counts[key] for key in shown)
        if remainder == 0 or remainder >= min_size:
            break
        shown.remove(min(shown, key=lambda key: (counts[key], str(key))))
    return shown
