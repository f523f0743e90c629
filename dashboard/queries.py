"""Aggregates straight from SQL over the per-response dimension scores and the answers:
counts, sums and sums of squares are computed by the database, so the cost does not grow
with the number of answers loaded into Python."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import case, func, literal, select

from extensions import db
from models import Answer, Comment, Response, ResponseScore
from surveys.scoring import HIGH, LOW, Aggregate, aggregate_from_sums

GROUPINGS = {"level": Response.level, "domain": Response.domain}
TOTAL = "total"  # the group key of a whole round


def _bucket(column):
    """The scale point a score rounds to (halves up), like scoring.bucket."""
    return case(*((column < value + 0.5, value) for value in range(LOW, HIGH)), else_=HIGH)


def _grouping(by: str | None):
    """(column to select, columns to group by) for a grouping; None means whole rounds."""
    if by is None:
        return literal(TOTAL), (Response.round_id,)
    return GROUPINGS[by], (Response.round_id, GROUPINGS[by])


def respondent_counts(round_ids: Iterable[int], by: str | None = None) -> dict[tuple[int, str], int]:
    """{(round_id, group): respondents}; group is TOTAL when `by` is None."""
    group, group_by = _grouping(by)
    rows = db.session.execute(
        select(Response.round_id, group, func.count()).where(Response.round_id.in_(list(round_ids))).group_by(*group_by)
    )
    return {(round_id, key): n for round_id, key, n in rows}


def dimension_aggregates(round_ids: Iterable[int], by: str | None = None) -> dict[tuple[int, str], dict[str, Aggregate]]:
    """{(round_id, group): {dimension: Aggregate}} from the per-response scores."""
    group, group_by = _grouping(by)
    bucket = _bucket(ResponseScore.score)
    query = (
        select(
            Response.round_id,
            group,
            ResponseScore.dimension,
            func.count(ResponseScore.score),
            func.sum(ResponseScore.score),
            func.sum(ResponseScore.score * ResponseScore.score),
            *(func.sum(case((bucket == value, 1), else_=0)) for value in range(LOW, HIGH + 1)),
        )
        .join(Response, ResponseScore.response_id == Response.id)
        .where(Response.round_id.in_(list(round_ids)))
        .group_by(*group_by, ResponseScore.dimension)
    )
    result: dict[tuple[int, str], dict[str, Aggregate]] = defaultdict(dict)
    for round_id, key, dimension, n, total, squares, *distribution in db.session.execute(query):
        result[(round_id, key)][dimension] = aggregate_from_sums(n, float(total), float(squares), tuple(int(d) for d in distribution))
    return dict(result)


def answer_counts(round_id: int) -> dict[str, dict[int | None, int]]:
    """{item_key: {value or None: how many}} for one round."""
    rows = db.session.execute(
        select(Answer.item_key, Answer.value, func.count())
        .join(Response, Answer.response_id == Response.id)
        .where(Response.round_id == round_id)
        .group_by(Answer.item_key, Answer.value)
    )
    counts: dict[str, dict[int | None, int]] = defaultdict(dict)
    for item_key, value, n in rows:
        counts[item_key][value] = n
    return dict(counts)


def comments(round_id: int) -> dict[str, list[str]]:
    """{dimension: texts}, sorted by text so that one person's comments on several
    dimensions cannot be lined up by their position."""
    rows = db.session.execute(
        select(Comment.dimension, Comment.text).join(Response, Comment.response_id == Response.id).where(Response.round_id == round_id)
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for dimension, text in rows:
        grouped[dimension].append(text)
    return {dimension: sorted(texts, key=str.casefold) for dimension, texts in grouped.items()}


def answer_rows(round_id: int) -> list[tuple[str, dict[str, int | None]]]:
    """(level, {item: value}) per response of one round, for the anonymised answers export.
    Only the level travels along: no date, language, domain or id."""
    rows = db.session.execute(
        select(Response.id, Response.level, Answer.item_key, Answer.value)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == round_id)
    )
    responses: dict[int, tuple[str, dict]] = {}
    for response_id, level, item_key, value in rows:
        responses.setdefault(response_id, (level, {}))[1][item_key] = value
    return list(responses.values())
