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


def _comment_order(dialect: str) -> tuple:
    """Comments by text, ignoring the case of A-Z, then by text and id: the same total order
    on SQLite (lower() folds ASCII, BINARY compares code points) and on PostgreSQL (lower()
    under the "C" collation folds ASCII too, "C" compares bytes, which in UTF-8 is code point
    order). Never by arrival, so one person's comments on several dimensions cannot be lined up."""
    if dialect == "postgresql":
        text = Comment.text.collate("C")
        return (func.lower(text).collate("C"), text, Comment.id)
    return (func.lower(Comment.text), Comment.text, Comment.id)


def _released_comments(round_id: int, up_to: int, *columns):
    return select(*columns).join(Response, Comment.response_id == Response.id).where(*_released(round_id, up_to))


def comment_counts(round_id: int, up_to: int) -> dict[str, int]:
    """{dimension: how many comments} of the releases up to `up_to`, in one grouped query."""
    rows = db.session.execute(
        _released_comments(round_id, up_to, Comment.dimension, func.count()).group_by(Comment.dimension)
    )
    return {dimension: n for dimension, n in rows}


def first_comments(round_id: int, up_to: int, per_dimension: int) -> dict[str, list[str]]:
    """{dimension: the first `per_dimension` texts in comment order} in one query."""
    order = _comment_order(db.session.get_bind().dialect.name)
    position = func.row_number().over(partition_by=Comment.dimension, order_by=order).label("position")
    ranked = _released_comments(round_id, up_to, Comment.dimension, Comment.text, position).subquery()
    rows = db.session.execute(
        select(ranked.c.dimension, ranked.c.text)
        .where(ranked.c.position <= per_dimension)
        .order_by(ranked.c.dimension, ranked.c.position)
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for dimension, text in rows:
        grouped[dimension].append(text)
    return dict(grouped)


def comments_page(round_id: int, up_to: int, dimension: str, limit: int, offset: int) -> list[str]:
    """One page of a dimension's texts in comment order, ordered and cut in SQL."""
    order = _comment_order(db.session.get_bind().dialect.name)
    return list(
        db.session.scalars(
            _released_comments(round_id, up_to, Comment.text)
            .where(Comment.dimension == dimension)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
    )
