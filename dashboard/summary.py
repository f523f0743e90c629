"""Changes between two rounds and the headline figures of a round. Plain Python, no Flask.

A change is shown as the difference of the two scores as they are shown (one decimal), so
3.5 -> 3.6 reads +0.1, never +0.0; whether it is larger than chance comes from Welch's 95%
interval of the unrounded means (surveys.stats.difference). The two rounds are answered by
different people, so a small change can be nothing but who happened to answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.scoring import Aggregate
from surveys.stats import Difference, difference

Scores = Mapping[str, float | None]
Aggregates = Mapping[str, Aggregate]


@dataclass(frozen=True)
class Change:
    """One dimension's change from an earlier round to a later one."""

    shown: float  # difference of the one-decimal scores
    difference: Difference | None  # Welch's interval of the unrounded means; None without spread

    @property
    def real(self) -> bool:
        """Larger than chance: the 95% interval leaves out zero."""
        return self.difference is not None and self.difference.real

    @property
    def rise(self) -> bool:
        return self.real and self.difference.change > 0

    @property
    def fall(self) -> bool:
        return self.real and self.difference.change < 0


def change(later: Aggregate | None, earlier: Aggregate | None) -> Change | None:
    """The change of one dimension, or None when either round has no score for it."""
    if later is None or earlier is None or later.mean is None or earlier.mean is None:
        return None
    return Change(round(round(later.mean, 1) - round(earlier.mean, 1), 1), difference(later, earlier))


def changes(current: Aggregates, previous: Aggregates | None) -> dict[str, Change | None]:
    """Per dimension of `current`, its change since `previous` (None where either is missing)."""
    previous = previous or {}
    return {key: change(aggregate, previous.get(key)) for key, aggregate in current.items()}


@dataclass(frozen=True)
class Headline:
    """The cards on top of a round. A rise or fall is only named when it is larger than
    chance; `largest_rise`/`largest_fall` name the largest one within chance when none is."""

    strongest: tuple[str, float] | None
    weakest: tuple[str, float] | None
    rise: tuple[str, Change] | None  # the largest rise larger than chance
    fall: tuple[str, Change] | None  # the largest fall larger than chance
    largest_rise: tuple[str, Change] | None  # the largest rise of all, when `rise` is None
    largest_fall: tuple[str, Change] | None
    compared: bool  # there is an earlier round to compare with


def _largest(moved: list[tuple[str, Change]], sign: int) -> tuple[str, Change] | None:
    """The largest change in one direction: by the number shown, then by the unrounded change
    (so the card never names a smaller number than the table shows for another dimension);
    the first dimension wins a tie."""
    if not moved:
        return None
    return max(
        moved,
        key=lambda pair: (sign * pair[1].shown, sign * (pair[1].difference.change if pair[1].difference else 0)),
    )


def headline(current: Aggregates, previous: Aggregates | None) -> Headline:
    scored = [(key, a.mean) for key, a in current.items() if a.mean is not None]
    moved = [(key, c) for key, c in changes(current, previous).items() if c is not None]
    rise = _largest([pair for pair in moved if pair[1].rise], 1)
    fall = _largest([pair for pair in moved if pair[1].fall], -1)
    return Headline(
        strongest=max(scored, key=lambda pair: pair[1]) if scored else None,
        weakest=min(scored, key=lambda pair: pair[1]) if scored else None,
        rise=rise,
        fall=fall,
        largest_rise=None if rise else _largest([pair for pair in moved if pair[1].shown > 0], 1),
        largest_fall=None if fall else _largest([pair for pair in moved if pair[1].shown < 0], -1),
        compared=bool(moved),
    )
