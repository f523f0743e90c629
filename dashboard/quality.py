"""How good is the instrument? Per version: Cronbach's alpha of each dimension with its
interval, each statement's item-rest correlation, alpha without it and its "weet ik niet"
share, pooled over every released response of every round that may be shown (all
partnerships together, never a partnership, level or domain on its own).

The database returns sums only: per dimension the count of complete cases, the sum of each
statement and of each product of two statements (surveys/reliability.py needs nothing else),
and per statement how many answered it and how many of them said "weet ik niet". No answer
row leaves the database.

What keeps it from being a small group's figure: the pool is every partnership's, at least
minimum_complete() responses for an alpha (90 at five statements) and as many answers for a
"weet ik niet" share, and it only moves when a round makes a release (at least MIN_GROUP_SIZE
new responses, though fewer of them may be complete in a dimension). The page shows no sums
and no counts but the complete responses behind each alpha, and rounds to two decimals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from extensions import db
from models import Answer, Response, Round
from surveys.instrument import Dimension, Instrument, Item, available_versions, get_instrument
from surveys.reliability import Reliability, Sums, minimum_complete, reliability
from surveys.scoring import HIGH, LOW

from .results import shown_release_numbers


@dataclass(frozen=True)
class StatementQuality:
    item: Item
    answers: int  # pooled responses that were asked the statement
    unknown: int  # of them, "weet ik niet"
    minimum: int | None

    @property
    def unknown_share(self) -> float | None:
        """None below the minimum: a share of a few people says little and is no pooled figure."""
        return self.unknown / self.answers if self.minimum is not None and self.answers >= self.minimum else None


@dataclass(frozen=True)
class DimensionQuality:
    dimension: Dimension
    complete: int  # pooled responses that answered every statement of the dimension 1-5
    minimum: int | None  # complete responses needed (None: too few statements for an alpha)
    reliability: Reliability | None  # None below the minimum
    statements: tuple[StatementQuality, ...]

    @property
    def has_figures(self) -> bool:
        """Anything to show per statement: an alpha, or "weet ik niet" shares (which explain
        why too few responses were complete)."""
        return self.reliability is not None or any(s.unknown_share is not None for s in self.statements)


@dataclass(frozen=True)
class VersionQuality:
    instrument: Instrument
    responses: int  # pooled released responses
    dimensions: tuple[DimensionQuality, ...]


def pooled_responses(version: int):
    """The ids of every response leaders can see of the rounds of one version, as a subquery:
    counted in a release up to the latest of a round that may be shown (results.py's rule)."""
    rounds = list(db.session.scalars(select(Round).where(Round.instrument_version == version)))
    shown = shown_release_numbers(rounds)
    return (
        select(Response.id)
        .join(shown, Response.round_id == shown.c.round_id)
        .where(Response.release_number.is_not(None), Response.release_number <= shown.c.number)
        .subquery()
    )


def _scored(item: Item):
    """The value an answer adds to its dimension (reverse statements flipped, as scoring does)."""
    return (LOW + HIGH) - Answer.value if item.reverse else Answer.value


def dimension_sums(pool, dimension: Dimension) -> Sums:
    """The sums of the dimension's complete cases (listwise: every statement answered 1-5),
    in one query: a per-response pivot of the dimension's answers (one column per statement),
    kept only when no answer is "weet ik niet", then summed."""
    items = dimension.items
    pivot = (
        select(
            *(
                func.max(case((Answer.item_key == item.key, _scored(item)))).label(f"v{i}")
                for i, item in enumerate(items)
            )
        )
        .join(pool, Answer.response_id == pool.c.id)
        .where(Answer.item_key.in_([item.key for item in items]))
        .group_by(Answer.response_id)
        # COUNT(value) skips NULL ("weet ik niet"); one row per response and statement (unique).
        .having(func.count(Answer.value) == len(items))
        .subquery()
    )
    values = [pivot.c[f"v{i}"] for i in range(len(items))]
    pairs = [(i, j) for i in range(len(items)) for j in range(i, len(items))]
    n, *sums = db.session.execute(
        select(
            func.count(),
            *(func.coalesce(func.sum(value), 0) for value in values),
            *(func.coalesce(func.sum(values[i] * values[j]), 0) for i, j in pairs),
        ).select_from(pivot)
    ).one()
    totals, products = sums[: len(items)], dict(zip(pairs, sums[len(items) :]))
    return Sums(
        n,
        tuple(int(total) for total in totals),
        tuple(tuple(int(products[min(i, j), max(i, j)]) for j in range(len(items))) for i in range(len(items))),
    )


def unknown_counts(pool, instrument: Instrument) -> dict[str, tuple[int, int]]:
    """{statement: (pooled answers, of which "weet ik niet")} in one grouped query."""
    rows = db.session.execute(
        select(Answer.item_key, func.count(), func.count() - func.count(Answer.value))
        .join(pool, Answer.response_id == pool.c.id)
        .where(Answer.item_key.in_([item.key for item in instrument.items]))
        .group_by(Answer.item_key)
    )
    return {key: (answers, unknown) for key, answers, unknown in rows}


def dimension_quality(pool, dimension: Dimension, unknown: dict[str, tuple[int, int]]) -> DimensionQuality:
    sums = dimension_sums(pool, dimension)
    minimum = minimum_complete(sums.k)
    enough = minimum is not None and sums.n >= minimum
    statements = tuple(StatementQuality(item, *unknown.get(item.key, (0, 0)), minimum) for item in dimension.items)
    return DimensionQuality(dimension, sums.n, minimum, reliability(sums) if enough else None, statements)


def version_quality(version: int) -> VersionQuality:
    instrument = get_instrument(version)
    pool = pooled_responses(version)
    responses = db.session.scalar(select(func.count()).select_from(pool))
    unknown = unknown_counts(pool, instrument)
    dimensions = tuple(dimension_quality(pool, dimension, unknown) for dimension in instrument.dimensions)
    return VersionQuality(instrument, responses, dimensions)


def instrument_quality() -> list[VersionQuality]:
    """Every version of the instrument, the oldest first."""
    return [version_quality(version) for version in available_versions()]
