"""Headline figures of a round compared with the one before. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass

Scores = dict[str, float | None]


def changes(current: Scores, previous: Scores | None) -> dict[str, float | None]:
    """Change per dimension since the previous round (None where either is missing), between
    the scores as shown (one decimal), so 3.5 -> 3.6 reads +0.1, never +0.0."""
    previous = previous or {}
    return {
        key: round(round(value, 1) - round(previous[key], 1), 1)
        if value is not None and previous.get(key) is not None
        else None
        for key, value in current.items()
    }


@dataclass(frozen=True)
class Headline:
    strongest: tuple[str, float] | None
    weakest: tuple[str, float] | None
    rise: tuple[str, float] | None  # the biggest rise since the previous round
    fall: tuple[str, float] | None  # the biggest fall


def headline(current: Scores, previous: Scores | None) -> Headline:
    scored = [(key, value) for key, value in current.items() if value is not None]
    moved = [(key, delta) for key, delta in changes(current, previous).items() if delta is not None]
    rises = [pair for pair in moved if pair[1] > 0]
    falls = [pair for pair in moved if pair[1] < 0]
    return Headline(
        strongest=max(scored, key=lambda pair: pair[1]) if scored else None,
        weakest=min(scored, key=lambda pair: pair[1]) if scored else None,
        rise=max(rises, key=lambda pair: pair[1]) if rises else None,
        fall=min(falls, key=lambda pair: pair[1]) if falls else None,
    )
