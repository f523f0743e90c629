"""What leaders may see of their rounds: the latest release of each round (see releases.py),
and nothing while a round hides its results. Pages, charts, exports and the API all take
their numbers from here and from nowhere else, so no path around the anonymity rule exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from extensions import db
from models import Partnership, Release, Round
from surveys.instrument import Instrument, Item, Text, get_instrument
from surveys.scoring import Aggregate

from . import queries
from .releases import release_comments

TOTAL = "total"  # the group key of a whole round


def min_group_size() -> int:
    return current_app.config["MIN_GROUP_SIZE"]


def _aggregate(figure: dict) -> Aggregate:
    return Aggregate(figure["n"], figure["mean"], figure["sd"], tuple(figure["distribution"]))


@dataclass(frozen=True)
class GroupResult:
    key: str  # TOTAL, or a level or domain key
    n: int  # respondents
    scores: dict[str, Aggregate]  # per dimension
    release: int | None = None  # of a level or domain: the release its figures come from

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
    hidden: tuple[str, ...]  # keys of the options that are not shown


@dataclass(frozen=True)
class RoundResult:
    round: Round
    release: Release | None  # the latest release, shown or not
    total: GroupResult | None  # None: no release yet, or results hidden until the round closes

    @property
    def n(self) -> int:
        """Respondents counted so far: in steps of at least the threshold, never one by one."""
        return self.release.n if self.release else 0

    @property
    def shown(self) -> bool:
        return self.total is not None

    @property
    def hidden_until_closed(self) -> bool:
        return self.round.results_hidden()

    @property
    def released_on(self) -> date | None:
        return self.release.released_on if self.release else None


def previous_shown(results: list[RoundResult], current: RoundResult) -> RoundResult | None:
    """The last round before `current` (in `results`' order) that may be shown."""
    earlier = [r for r in results[: results.index(current)] if r.shown]
    return earlier[-1] if earlier else None


def _latest_numbers(round_ids):
    """(round id, number of its latest release) of the rounds asked for (ids, or a select of
    them), as a subquery."""
    return (
        select(Release.round_id, func.max(Release.number).label("number"))
        .where(Release.round_id.in_(round_ids))
        .group_by(Release.round_id)
        .subquery()
    )


def shown_release_numbers(rounds: list[Round]):
    """(round id, number of its latest release) of the rounds that may be shown, as a
    subquery: the responses up to that release are what leaders see of a round (the rule of
    round_results), for figures pooled in SQL over many rounds (dashboard/quality.py). A
    round without a release has no row."""
    return _latest_numbers([round_.id for round_ in rounds if not round_.results_hidden()])


def latest_releases(round_ids: list[int]) -> dict[int, Release]:
    """The latest release of each round, in one query: earlier releases (a big round has
    dozens) are never loaded."""
    if not round_ids:
        return {}
    latest = _latest_numbers(round_ids)
    releases = db.session.scalars(
        select(Release).join(latest, (Release.round_id == latest.c.round_id) & (Release.number == latest.c.number))
    )
    return {release.round_id: release for release in releases}


def round_results(rounds: list[Round]) -> list[RoundResult]:
    """Every round with its latest release; figures only for rounds that may be shown."""
    latest = latest_releases([round_.id for round_ in rounds])
    results = []
    for round_ in rounds:
        release = latest.get(round_.id)
        total = None
        if release is not None and not round_.results_hidden():
            figures = release.figures
            total = GroupResult(TOTAL, release.n, {d: _aggregate(a) for d, a in figures["total"].items()})
        results.append(RoundResult(round_, release, total))
    return results


def shown_histories(partnerships: list[Partnership]) -> dict[int, list[RoundResult]]:
    """Per partnership (by id), every round that may be shown, in order of opening (the one
    made last last on the same day), with only the whole round's figures: for the programme
    view. Three queries whatever the number of partnerships or rounds, reading the latest
    releases' totals and nothing else of their figures (touching the rest raises, so no page
    reads more by accident)."""
    ids = [partnership.id for partnership in partnerships]
    if not ids:
        return {}
    rounds = list(
        db.session.scalars(select(Round).where(Round.partnership_id.in_(ids)).order_by(Round.opens_on, Round.id))
    )
    latest = _latest_numbers(select(Round.id).where(Round.partnership_id.in_(ids)))
    releases = {
        release.round_id: release
        for release in db.session.scalars(
            select(Release)
            .options(defer(Release.figures, raiseload=True))
            .join(latest, (Release.round_id == latest.c.round_id) & (Release.number == latest.c.number))
        )
    }
    shown = [round_ for round_ in rounds if round_.id in releases and not round_.results_hidden()]
    release_ids = [releases[round_.id].id for round_ in shown]
    totals = dict(
        db.session.execute(select(Release.id, Release.figures["total"]).where(Release.id.in_(release_ids))).all()
        if release_ids
        else []
    )
    histories: dict[int, list[RoundResult]] = {}
    for round_ in shown:
        release = releases[round_.id]
        scores = {d: _aggregate(a) for d, a in (totals[release.id] or {}).items()}
        histories.setdefault(round_.partnership_id, []).append(
            RoundResult(round_, release, GroupResult(TOTAL, release.n, scores))
        )
    return histories


def statement_means(results: list[RoundResult], keys: list[str]) -> dict[int, dict[str, float]]:
    """Per round (by id), the mean answer (as given, not flipped) of each statement of `keys`
    its latest release shows; a statement too few people answered (or not asked) is absent.
    One query reading only the statements' part of those releases' figures. Not one JSON path
    per statement: with SQLite 3.40.1 a select of some thirty json_extract() paths per row
    corrupted the gunicorn worker's memory (segfaults in later queries, about 1 request in 16 of
    a 300-partnership programme page; none in 200 with this query)."""
    rounds = {result.release.id: result.round.id for result in results if result.shown}
    if not rounds or not keys:
        return {}
    wanted = set(keys)
    rows = db.session.execute(select(Release.id, Release.figures["items"]).where(Release.id.in_(rounds)))
    return {
        rounds[release_id]: {
            key: figure["mean"] for key, figure in (items or {}).items() if key in wanted and figure is not None
        }
        for release_id, items in rows
    }


def comparison(result: RoundResult, by: str, order: tuple[str, ...]) -> Comparison:
    """The levels or domains of a round, in the given order, that may be shown. Every option
    not shown is named, also those nobody chose: naming only the small ones would tell that
    somebody of that kind answered."""
    published = result.release.figures["groups"][by] if result.shown else {}
    groups = tuple(
        GroupResult(
            key,
            published[key]["n"],
            {d: _aggregate(a) for d, a in published[key]["scores"].items()},
            published[key]["release"],
        )
        for key in order
        if key in published
    )
    return Comparison(by, groups, tuple(key for key in order if key not in published))


@dataclass(frozen=True)
class Tracking:
    """What a round's management page shows of its response, during the round too."""

    responses: int  # in releases, so in steps of at least the threshold
    released_on: date | None
    invited: int
    groups: dict[str, list[tuple[Text, int]]]  # per grouping: (option label, n) of the groups shown
    days_left: int | None


def response_tracking(round_: Round) -> Tracking:
    """Responses counted so far, the invitations sent, the groups the released results show
    (the same rule as every other figure: comparison() of the latest release), and days left."""
    result = round_results([round_])[0]
    instrument = get_instrument(round_.instrument_version)
    groups = {}
    for by in ("level", "domain"):
        labels = {option.key: option.label for option in instrument.profile_question(by).options}
        groups[by] = [(labels[group.key], group.n) for group in comparison(result, by, tuple(labels)).groups]
    return Tracking(result.n, result.released_on, len(round_.invitations), groups, round_.days_left())


@dataclass(frozen=True)
class ItemResult:
    item: Item
    counts: tuple[int, ...] | None  # answers 1..5; None when too few people gave one
    unknown: int  # "weet ik niet"
    aggregate: Aggregate | None  # of the answers as given (not flipped); None when too few
    release: int | None = None

    @property
    def shown(self) -> bool:
        return self.aggregate is not None

    def unknown_share(self, respondents: int) -> float:
        return self.unknown / respondents if respondents else 0.0


def item_results(result: RoundResult, instrument: Instrument) -> list[ItemResult] | None:
    """Each statement's answer distribution, or None when the round may not be shown."""
    if not result.shown:
        return None
    figures = result.release.figures
    items = []
    for item in instrument.items:
        figure = figures["items"].get(item.key)
        unknown = figures["unknown"].get(item.key, 0)
        if figure is None:
            items.append(ItemResult(item, None, unknown, None))
        else:
            items.append(
                ItemResult(item, tuple(figure["distribution"]), unknown, _aggregate(figure), figure["release"])
            )
    return items


COMMENTS_PER_PAGE = 50  # on the comments pages (the dashboard shows releases.COMMENTS_SHOWN)


@dataclass(frozen=True)
class Comments:
    """The first comments of each dimension, and how many each has in all."""

    first: dict[str, list[str]]
    counts: dict[str, int]

    def get(self, dimension: str) -> list[str]:
        return self.first.get(dimension, [])

    def count(self, dimension: str) -> int:
        return self.counts.get(dimension, 0)


def round_comments(result: RoundResult) -> Comments | None:
    """The released responses' comments, folded per dimension, as the release fixed them
    (one small read, whatever the round's size); None when the round may not be shown."""
    if not result.shown:
        return None
    stored = stored_comments(result)
    return Comments(stored["first"], stored["counts"])


def stored_comments(result: RoundResult) -> dict:
    """The release's comments ({"first", "counts"}); those of a release made before they were
    stored are read from the comments, like the release would have fixed them."""
    stored = result.release.comments  # a deferred column: read here only
    return stored if stored is not None else release_comments(result.round.id, result.release.number)["comments"]


@dataclass(frozen=True)
class CommentsPage:
    texts: list[str]
    page: int
    pages: int  # at least 1, also without comments
    total: int


def comments_page(result: RoundResult, dimension: str, page: int) -> CommentsPage | None:
    """Page `page` (from 1) of one dimension's comments, under the same rule as the dashboard
    (round_comments): None when the round may not be shown or the page does not exist."""
    if not result.shown or page < 1:
        return None
    total = stored_comments(result)["counts"].get(dimension, 0)
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    if page > pages:
        return None
    texts = queries.comments_page(
        result.round.id, result.release.number, dimension, COMMENTS_PER_PAGE, (page - 1) * COMMENTS_PER_PAGE
    )
    return CommentsPage(texts, page, pages, total)
