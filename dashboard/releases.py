"""Releases: a round's results are published in steps.

A release is made when at least MIN_GROUP_SIZE responses (and, in a big round, a tenth more
than before) have arrived since the previous one. It fixes every figure leaders may see
until the next release, each figure computed from whole cells (release x level x domain).
A figure is updated in a new release only when the anonymity rule allows it together with
every figure published before (dashboard/anonymity.py); otherwise it stays as it was, or
stays hidden. So two versions of one figure never differ by fewer than MIN_GROUP_SIZE
people, and no group below that size can be computed from all releases together.

Figures layout (JSON, kept in Release.figures):
    total        {dimension: aggregate}: the whole round
    groups       {"level"|"domain": {key: {"release", "n", "scores": {dimension: aggregate}}}}
    items        {item: aggregate of the answers as given, "distribution" = counts of 1..5}
    unknown      {item: "weet ik niet" count}
    displayed    {variable: [[grouping or null, key or null, release], ...]}: the set of
                 people behind each figure this release shows, for the rule
where an aggregate is {"release", "n", "mean", "sd", "distribution"}.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import defer

from extensions import db
from models import Release, Response, Round
from surveys.instrument import get_instrument
from surveys.scoring import HIGH, LOW, aggregate_from_sums

from . import queries
from .anonymity import reveals_small_group
from .queries import Cell

logger = logging.getLogger(__name__)
GROWTH = 0.1  # a release of a big round needs a tenth more responses: few releases, each cheap to check
GROUPINGS = ("level", "domain")
MEMBERS = "members"  # the variable behind respondent counts


@dataclass(frozen=True)
class Track:
    """One stream of a round's answers released in steps by this rule: the professionals'
    (Response, Release) or the young people's (dashboard/youth.py). Each has its own tables,
    so one never counts in the other's figures."""

    name: str
    response: type  # a model with round_id and release_number
    release: type  # a model with ReleaseColumns
    #: (round, number, previous figures, seen sets, min_size) -> the figures of release `number`
    figures: Callable[[Round, int, dict | None, Mapping[str, list], int], dict]
    #: (round id, number) -> more columns of the release, fixed with it
    more: Callable[[int, int], dict] = lambda round_id, number: {}


def latest_release(round_id: int, track: Track | None = None) -> Release | None:
    """The round's latest release; its figures load when first read (every submission asks
    whether a release is due, which needs only its count)."""
    model = (track or PROFESSIONALS).release
    return db.session.scalar(
        select(model)
        .options(defer(model.figures))
        .where(model.round_id == round_id)
        .order_by(model.number.desc())
        .limit(1)
    )


def needed(released: int, min_size: int) -> int:
    """Responses that must wait before the next release."""
    return max(min_size, math.ceil(released * GROWTH))


def waiting(round_id: int, track: Track | None = None) -> int:
    """Responses not yet in any release."""
    model = (track or PROFESSIONALS).response
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.round_id == round_id, model.release_number.is_(None))
    )


def release_if_due(round_id: int, min_size: int, track: Track | None = None) -> Release | None:
    """Make the next release when enough responses wait; commits. None when not due, or
    when a simultaneous request made it first."""
    track = track or PROFESSIONALS
    latest = latest_release(round_id, track)
    released = latest.n if latest else 0
    if waiting(round_id, track) < needed(released, min_size):
        return None
    db.session.commit()  # end the read (callers have committed their own work): the UPDATE below starts the write
    number = (latest.number if latest else 0) + 1
    try:
        moved = db.session.execute(
            update(track.response)
            .where(track.response.round_id == round_id, track.response.release_number.is_(None))
            .values(release_number=number)
        ).rowcount
        if moved < needed(released, min_size):
            db.session.rollback()
            return None
        round_ = db.session.get(Round, round_id)
        mark_seen(round_, track)  # the release being replaced is on the leaders' pages right now
        figures = track.figures(
            round_, number, latest.figures if latest else None, seen_sets(round_id, track), min_size
        )
        more = track.more(round_id, number)
        release = track.release(round_id=round_id, number=number, n=released + moved, figures=figures, **more)
        db.session.add(release)
        db.session.commit()
    except IntegrityError:  # the same release number, made by a simultaneous submission
        db.session.rollback()
        return None
    except OperationalError:  # a locked or lost database: the response is stored, the next submission releases
        db.session.rollback()
        logger.warning("%s of round %s postponed", track.name, round_id, exc_info=True)
        return None
    return release


def mark_seen(round_: Round, track: Track | None = None) -> None:
    """Remember that leaders can see the latest release now (the caller commits). Called
    before anything could hide it: a new release, closing or reopening, the hide option.
    Releases made and replaced while results were hidden were never seen, so they do not
    hold back what later releases may show."""
    latest = latest_release(round_.id, track)
    if latest is not None and not round_.results_hidden():
        latest.shown = True


def seen_sets(round_id: int, track: Track | None = None) -> dict[str, list]:
    """Every set behind a figure of a release leaders have seen, per variable."""
    model = (track or PROFESSIONALS).release
    seen: dict[str, list] = {}
    for release in db.session.scalars(select(model).where(model.round_id == round_id, model.shown.is_(True))):
        for variable, entries in release.figures.get("displayed", release.figures.get("published", {})).items():
            seen.setdefault(variable, []).extend(entries)
    return seen


def next_figures(round_: Round, number: int, previous: dict | None, seen: Mapping[str, list], min_size: int) -> dict:
    """The figures of release `number`, given those of the release before and every set a
    figure was computed from in a release that leaders have seen."""
    instrument = get_instrument(round_.instrument_version)
    people = queries.members(round_.id, number)
    scores = queries.score_sums(round_.id, number)
    answers = queries.answer_counts(round_.id, number)
    figures = (
        copy.deepcopy(previous)
        if previous
        else {"total": {}, "groups": {by: {} for by in GROUPINGS}, "items": {}, "displayed": {}}
    )
    rule = Rule(seen, figures.setdefault("displayed", figures.pop("published", {})), min_size)
    # The count of every release is always shown (the round page), and it is safe: at least
    # min_size new people who are in no set before.
    rule.move(MEMBERS, None, (None, None, number))

    for dimension in instrument.dimensions:
        cells = {cell: sums[0] for cell, sums in scores.get(dimension.key, {}).items()}
        old = _entry(figures["total"].get(dimension.key))
        if rule.changes(cells, old, (None, None, number)) and rule.allows(
            dimension.key, cells, old, (None, None, number)
        ):
            rule.move(dimension.key, old, (None, None, number))
            figures["total"][dimension.key] = _aggregate(scores[dimension.key], lambda cell: True, number)

    for by in GROUPINGS:
        index = GROUPINGS.index(by) + 1
        options = [option.key for option in instrument.profile_question(by).options]
        candidates = {}  # group -> [(variable, cells, old set)]: what moving it to this release means
        for key in sorted(options, key=lambda k: -sum(n for cell, n in people.items() if cell[index] == k)):
            in_group = lambda cell, key=key, index=index: cell[index] == key  # noqa: E731
            shown = figures["groups"][by].get(key)
            if sum(n for cell, n in people.items() if in_group(cell)) < min_size or (
                shown and _members(people, (by, key, number)) == _members(people, _entry(shown, by, key))
            ):
                continue  # too small on its own, or nobody new: it stays as it is
            # A dimension a group scored too rarely is left out of its figure (no set to check).
            dimensions = {
                d: {cell: s[0] for cell, s in sums.items()}
                for d, sums in scores.items()
                if sum(s[0] for cell, s in sums.items() if in_group(cell)) >= min_size
            }
            candidates[key] = [(MEMBERS, people, _entry(shown, by, key))] + [
                (d, cells, (by, key, shown["release"]) if shown and d in shown["scores"] else None)
                for d, cells in dimensions.items()
            ]
        # All groups of the grouping at once first (the usual case after releases nobody saw),
        # then one by one, largest first.
        variables = {variable: cells for moves in candidates.values() for variable, cells, _ in moves}
        together = all(
            rule.allows_together(
                variable,
                cells,
                [(old, (by, key, number)) for key, moves in candidates.items() for v, _, old in moves if v == variable],
            )
            for variable, cells in variables.items()
        )
        for key, moves in candidates.items():
            new = (by, key, number)
            if together or all(rule.allows(variable, cells, old, new) for variable, cells, old in moves):
                for variable, _, old in moves:
                    rule.move(variable, old, new)
                in_group = lambda cell, key=key, index=index: cell[index] == key  # noqa: E731
                figures["groups"][by][key] = {
                    "release": number,
                    "n": sum(n for cell, n in people.items() if in_group(cell)),
                    "scores": {d: _aggregate(scores[d], in_group, number) for d, _, _ in moves[1:]},
                }

    release_statements(figures, rule, answers, [item.key for item in instrument.items], number)
    return figures


#: Comments per dimension on the dashboard and in the report (the first in comment order);
#: the rest on the comments pages. A typical round (a few dozen people) shows all of them; a
#: round of thousands stays a page of bounded weight.
COMMENTS_SHOWN = 25


def release_comments(round_id: int, number: int) -> dict:
    """The comments a release shows on the dashboard, and how many each dimension has: read
    once here, so a page does not sort a big round's comments at every view."""
    return {
        "comments": {
            "first": queries.first_comments(round_id, number, COMMENTS_SHOWN),
            "counts": queries.comment_counts(round_id, number),
        }
    }


PROFESSIONALS = Track("release", Response, Release, next_figures, release_comments)


def release_statements(figures: dict, rule: Rule, answers: Mapping, keys: list[str], number: int) -> None:
    """In place: each statement's "weet ik niet" count, and its figure moved to release
    `number` where that changes it and the rule allows it (else it keeps the earlier one).
    The professionals' statements and the young people's go through this one rule."""
    figures["unknown"] = {}
    for key in keys:
        by_release = answers.get(key, {})
        figures["unknown"][key] = sum(counts.get(None, 0) for counts in by_release.values())
        cells = {
            (n, "", ""): sum(c for value, c in counts.items() if value is not None) for n, counts in by_release.items()
        }
        variable, old = f"item:{key}", _entry(figures["items"].get(key))
        if rule.changes(cells, old, (None, None, number)) and rule.allows(variable, cells, old, (None, None, number)):
            rule.move(variable, old, (None, None, number))
            figures["items"][key] = _item_aggregate(by_release, number)


def _entry(figure: dict | None, by: str | None = None, key: str | None = None) -> tuple | None:
    """The set behind a figure shown now, as (grouping, key, release)."""
    return None if figure is None else (by, key, figure["release"])


class Rule:
    """The sets behind figures: those leaders have seen in earlier releases, and those the
    release being made shows (kept from the release before, or new). The anonymity rule
    holds over both together at every step, so it holds over whatever leaders see later."""

    def __init__(self, seen: Mapping[str, list], displayed: dict[str, list], min_size: int):
        self.seen = {variable: {tuple(d) for d in entries} for variable, entries in seen.items()}
        self.displayed = displayed
        self.min_size = min_size

    def allows(self, variable: str, cells: Mapping[Cell, int], old: tuple | None, new: tuple) -> bool:
        """The figure may move from the set `old` (None: not shown yet) to the set `new`: the
        new set differs from the old one, and with every other set seen or shown it singles
        out no small group."""
        if not _members(cells, new):
            return False  # a figure of nobody
        if old is not None and _members(cells, old) == _members(cells, new):
            return True  # the same people: nothing new to learn
        return self.allows_together(variable, cells, [(old, new)])

    @staticmethod
    def changes(cells: Mapping[Cell, int], old: tuple | None, new: tuple) -> bool:
        """Whether a figure moved from `old` to `new` would rest on other people."""
        return old is None or _members(cells, old) != _members(cells, new)

    def allows_together(self, variable: str, cells: Mapping[Cell, int], moves: list[tuple]) -> bool:
        """Several figures may move at once ([(old, new), ...]): together with every set seen
        or still shown, the new sets single out no small group."""
        family = self.seen.get(variable, set()) | {tuple(d) for d in self.displayed.get(variable, [])}
        for old, _ in moves:
            if old is not None and old not in self.seen.get(variable, set()):
                family.discard(old)  # replaced before anyone saw it: it drops out
        news = [new for _, new in moves]
        # Enough people in no other set: any combination that uses the new set takes all of
        # them, so it is no small group (and the costly test is not needed).
        if len(news) == 1:
            others = frozenset().union(*(_members(cells, d) for d in family))
            if sum(cells[cell] for cell in _members(cells, news[0]) - others) >= self.min_size:
                return True
        keys = [cell for cell, n in cells.items() if n]
        sets = [[i for i, cell in enumerate(keys) if _contains(d, cell)] for d in [*family, *news]]
        return not reveals_small_group([cells[cell] for cell in keys], sets, self.min_size)

    def move(self, variable: str, old: tuple | None, new: tuple) -> None:
        shown = self.displayed.setdefault(variable, [])
        if old is not None and list(old) in shown:
            shown.remove(list(old))
        if list(new) not in shown:
            shown.append(list(new))


def _contains(description: tuple, cell: Cell) -> bool:
    """Whether the set described (grouping, key, up to release) takes the cell."""
    by, key, up_to = description
    return cell[0] <= up_to and (by is None or cell[GROUPINGS.index(by) + 1] == key)


def _members(cells: Mapping[Cell, int], description: tuple) -> frozenset[Cell]:
    return frozenset(cell for cell, n in cells.items() if n and _contains(description, cell))


def _aggregate(sums: Mapping[Cell, tuple], in_group: Callable[[Cell], bool], number: int) -> dict:
    n = total = squares = 0
    distribution = [0] * (HIGH - LOW + 1)
    for cell, (cell_n, cell_total, cell_squares, cell_distribution) in sums.items():
        if cell[0] <= number and in_group(cell):
            n, total, squares = n + cell_n, total + cell_total, squares + cell_squares
            distribution = [a + b for a, b in zip(distribution, cell_distribution)]
    a = aggregate_from_sums(n, total, squares, tuple(distribution))
    return {"release": number, "n": a.n, "mean": a.mean, "sd": a.sd, "distribution": list(a.distribution)}


def _item_aggregate(by_release: Mapping[int, Mapping[int | None, int]], number: int) -> dict:
    counts = [sum(c.get(value, 0) for r, c in by_release.items() if r <= number) for value in range(LOW, HIGH + 1)]
    n = sum(counts)
    total = sum(value * c for value, c in zip(range(LOW, HIGH + 1), counts))
    squares = sum(value * value * c for value, c in zip(range(LOW, HIGH + 1), counts))
    a = aggregate_from_sums(n, total, squares, tuple(counts))
    return {"release": number, "n": a.n, "mean": a.mean, "sd": a.sd, "distribution": list(a.distribution)}
