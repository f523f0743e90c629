"""What leaders may see of their rounds: aggregates from SQL, passed through the anonymity
threshold. Pages, charts, exports and the API all take their numbers from here and from
nowhere else, so no path around the threshold exists."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from models import Round, RoundState
from surveys.instrument import Instrument, Item
from surveys.scoring import HIGH, LOW, Aggregate, aggregate_from_sums

from . import queries
from .anonymity import large_enough, shown_groups
from .queries import TOTAL


def min_group_size() -> int:
    return current_app.config["MIN_GROUP_SIZE"]


@dataclass(frozen=True)
class GroupResult:
    key: str  # TOTAL, or a level or domain key
    n: int  # respondents
    scores: dict[str, Aggregate]  # per dimension

    def mean(self, dimension: str) -> float | None:
        aggregate = self.scores.get(dimension)
        return aggregate.mean if aggregate else None

    def means(self) -> dict[str, float | None]:
        return {dimension: aggregate.mean for dimension, aggregate in self.scores.items()}


@dataclass(frozen=True)
class Comparison:
    """The groups of one grouping (levels or domains) in a round that may be shown."""

    by: str
    groups: tuple[GroupResult, ...]
    hidden: tuple[str, ...]  # keys of groups with respondents that are not shown


@dataclass(frozen=True)
class RoundResult:
    round: Round
    n: int
    total: GroupResult | None  # None: too few respondents, or results hidden until the round closes

    @property
    def shown(self) -> bool:
        return self.total is not None

    @property
    def hidden_until_closed(self) -> bool:
        return self.round.results_hidden()


def visible_scores(scores: dict[str, Aggregate]) -> dict[str, Aggregate]:
    """Dimension scores that rest on enough people: with "weet ik niet" a dimension can have
    fewer scores than the group has respondents."""
    return {dimension: a for dimension, a in scores.items() if large_enough(a.n, min_group_size())}


def may_show(round_: Round, n: int) -> bool:
    """A round's results may be shown: enough respondents, and not hidden while open."""
    return large_enough(n, min_group_size()) and not round_.results_hidden()


def round_results(rounds: list[Round]) -> list[RoundResult]:
    """Every round with its respondent count; scores only for rounds that may be shown."""
    ids = [round_.id for round_ in rounds]
    counts = queries.respondent_counts(ids)
    scores = queries.dimension_aggregates(ids)
    results = []
    for round_ in rounds:
        n = counts.get((round_.id, TOTAL), 0)
        total = GroupResult(TOTAL, n, visible_scores(scores.get((round_.id, TOTAL), {}))) if may_show(round_, n) else None
        results.append(RoundResult(round_, n, total))
    return results


def comparison(round_: Round, by: str, order: tuple[str, ...]) -> Comparison:
    """The levels or domains of one round, in the given order, that may be shown."""
    counts = {key: n for (_, key), n in queries.respondent_counts([round_.id], by).items()}
    total = sum(counts.values())
    shown = shown_groups(counts, total, min_group_size()) if may_show(round_, total) else set()
    scores = {key: a for (_, key), a in queries.dimension_aggregates([round_.id], by).items()} if shown else {}
    round_scores = queries.dimension_aggregates([round_.id]).get((round_.id, TOTAL), {}) if shown else {}
    # The same rule once more per dimension, on the people who scored it.
    kept = {
        dimension: shown_groups({key: scores[key][dimension].n for key in shown if dimension in scores.get(key, {})},
                                aggregate.n, min_group_size())
        for dimension, aggregate in round_scores.items()
    }
    groups = tuple(
        GroupResult(key, counts[key], {d: a for d, a in scores.get(key, {}).items() if key in kept.get(d, set())})
        for key in order if key in shown
    )
    # Every option not shown is named, also those nobody chose: naming only the small ones
    # would tell that somebody of that kind answered.
    hidden = tuple(key for key in order if key not in shown)
    return Comparison(by, groups, hidden)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    counts: tuple[int, ...] | None  # answers 1..5; None when too few people gave one
    unknown: int  # "weet ik niet"
    aggregate: Aggregate | None  # of the answers as given (not flipped); None when too few

    @property
    def shown(self) -> bool:
        return self.aggregate is not None

    def unknown_share(self, respondents: int) -> float:
        return self.unknown / respondents if respondents else 0.0


def item_results(round_: Round, instrument: Instrument, round_n: int) -> list[ItemResult] | None:
    """Each statement's answer distribution, or None when the round may not be shown."""
    if not may_show(round_, round_n):
        return None
    answered = queries.answer_counts(round_.id)
    results = []
    for item in instrument.items:
        counts = answered.get(item.key, {})
        distribution = tuple(counts.get(value, 0) for value in range(LOW, HIGH + 1))
        n = sum(distribution)
        total = sum(value * count for value, count in zip(range(LOW, HIGH + 1), distribution))
        squares = sum(value * value * count for value, count in zip(range(LOW, HIGH + 1), distribution))
        if large_enough(n, min_group_size()):
            results.append(ItemResult(item, distribution, counts.get(None, 0), aggregate_from_sums(n, total, squares, distribution)))
        else:
            results.append(ItemResult(item, None, counts.get(None, 0), None))
    return results


def round_comments(round_: Round, round_n: int) -> dict[str, list[str]] | None:
    """Comments per dimension of a round, only when the round may be shown."""
    if not may_show(round_, round_n):
        return None
    return queries.comments(round_.id)


def answers_for_export(round_: Round, round_n: int) -> list[tuple[str, dict[str, int | None]]] | None:
    """The anonymised answers of a round: (level or "" when that level is not shown, answers),
    in a stable order that says nothing about who answered when. None when the round may not
    be shown, while it is open, and once it has been reopened: two downloads a response apart
    would single that one out."""
    if not may_show(round_, round_n) or round_.state() is not RoundState.CLOSED or round_.reopened:
        return None
    rows = queries.answer_rows(round_.id)
    counts: dict[str, int] = {}
    for level, _ in rows:
        counts[level] = counts.get(level, 0) + 1
    shown = shown_groups(counts, len(rows), min_group_size())
    anonymised = [(level if level in shown else "", answers) for level, answers in rows]
    return sorted(anonymised, key=lambda row: (row[0], sorted((k, -1 if v is None else v) for k, v in row[1].items())))
