"""Aggregates straight from SQL, per cell of a round: one release, one level, one domain.
Counts, sums, sums of squares and buckets add up, so any figure of a release (the whole
round, a level, a domain, at any earlier release) is a sum of cells, and no answer is ever
loaded into Python."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, select

from extensions import db
from models import Answer, Comment, Response, ResponseScore
from surveys.scoring import HIGH, LOW

Cell = tuple[int, str, str]  # (release number, level, domain)


def _bucket(column):
    """The scale point a score rounds to (halves up), like scoring.bucket."""
    return case(*((column < value + 0.5, value) for value in range(LOW, HIGH)), else_=HIGH)


def _released(round_id: int, up_to: int):
    return (Response.round_id == round_id, Response.release_number.is_not(None), Response.release_number <= up_to)


def waiting(round_id: int) -> int:
    """Responses not yet in any release."""
    return db.session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.round_id == round_id, Response.release_number.is_(None))
    )


def members(round_id: int, up_to: int) -> dict[Cell, int]:
    """{cell: respondents} of the releases up to `up_to`."""
    rows = db.session.execute(
        select(Response.release_number, Response.level, Response.domain, func.count())
        .where(*_released(round_id, up_to))
        .group_by(Response.release_number, Response.level, Response.domain)
    )
    return {(number, level, domain): n for number, level, domain, n in rows}


def score_sums(round_id: int, up_to: int) -> dict[str, dict[Cell, tuple]]:
    """{dimension: {cell: (n, sum, sum of squares, bucket counts 1..5)}} of the dimension scores."""
    bucket = _bucket(ResponseScore.score)
    rows = db.session.execute(
        select(
            ResponseScore.dimension,
            Response.release_number,
            Response.level,
            Response.domain,
            func.count(ResponseScore.score),
            func.sum(ResponseScore.score),
            func.sum(ResponseScore.score * ResponseScore.score),
            *(func.sum(case((bucket == value, 1), else_=0)) for value in range(LOW, HIGH + 1)),
        )
        .join(Response, ResponseScore.response_id == Response.id)
        .where(*_released(round_id, up_to))
        .group_by(ResponseScore.dimension, Response.release_number, Response.level, Response.domain)
    )
    result: dict[str, dict[Cell, tuple]] = defaultdict(dict)
    for dimension, number, level, domain, n, total, squares, *distribution in rows:
        result[dimension][(number, level, domain)] = (
            n,
            float(total),
            float(squares),
            tuple(int(d) for d in distribution),
        )
    return dict(result)


def answer_counts(round_id: int, up_to: int) -> dict[str, dict[int, dict[int | None, int]]]:
    """{item: {release number: {value or None: how many}}}."""
    rows = db.session.execute(
        select(Answer.item_key, Response.release_number, Answer.value, func.count())
        .join(Response, Answer.response_id == Response.id)
        .where(*_released(round_id, up_to))
        .group_by(Answer.item_key, Response.release_number, Answer.value)
    )
    counts: dict[str, dict[int, dict[int | None, int]]] = defaultdict(lambda: defaultdict(dict))
    for item_key, number, value, n in rows:
        counts[item_key][number][value] = n
    return counts


def comments(round_id: int, up_to: int) -> dict[str, list[str]]:
    """{dimension: texts} of the releases up to `up_to`, sorted by text so that one person's
    comments on several dimensions cannot be lined up by their position."""
    rows = db.session.execute(
        select(Comment.dimension, Comment.text)
        .join(Response, Comment.response_id == Response.id)
        .where(*_released(round_id, up_to))
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for dimension, text in rows:
        grouped[dimension].append(text)
    return {dimension: sorted(texts, key=str.casefold) for dimension, texts in grouped.items()}
