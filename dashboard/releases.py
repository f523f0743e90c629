"""Releases: a round's results are published in steps.

A release is made when at least MIN_GROUP_SIZE responses (and, in a big round, a tenth more
than before) have arrived since the previous one. It fixes every figure leaders may see
until the next release, each figure computed from whole cells (release x level x domain).
A figure is updated in a new release only when the anonymity rule allows it together with
every figure published before (dashboard/anonymity.py); otherwise it stays as it was, or
stays hidden. So two versions of one figure never differ by fewer than MIN_GROUP_SIZE
people, and no group below that size can be computed from all releases together.

Figures layout (JSON, kept in Release.figures):
    n            respondents in this release and all before it
    total        {dimension: aggregate}: the whole round
    groups       {"level"|"domain": {key: {"release", "n", "scores": {dimension: aggregate}}}}
    items        {item: aggregate of the answers as given, "distribution" = counts of 1..5}
    unknown      {item: "weet ik niet" count}
    published    {variable: [[grouping or null, key or null, release], ...]}: every set of
                 people a figure was ever computed from, for the rule
where an aggregate is {"release", "n", "mean", "sd", "distribution"}.
"""
from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Mapping

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

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


def latest_release(round_id: int) -> Release | None:
    return db.session.scalar(select(Release).where(Release.round_id == round_id).order_by(Release.number.desc()).limit(1))


def needed(released: int, min_size: int) -> int:
    """Responses that must wait before the next release."""
    return max(min_size, math.ceil(released * GROWTH))


def release_if_due(round_id: int, min_size: int) -> Release | None:
    """Make the next release when enough responses wait; commits. None when not due, or
    when a simultaneous request made it first."""
    latest = latest_release(round_id)
    released = latest.n if latest else 0
    if queries.waiting(round_id) < needed(released, min_size):
        return None
    db.session.commit()  # end the read (callers have committed their own work): the UPDATE below starts the write
    number = (latest.number if latest else 0) + 1
    try:
        moved = db.session.execute(
            update(Response).where(Response.round_id == round_id, Response.release_number.is_(None)).values(release_number=number)
        ).rowcount
        if moved < needed(released, min_size):
            db.session.rollback()
            return None
        round_ = db.session.get(Round, round_id)
        figures = next_figures(round_, number, latest.figures if latest else None, min_size)
        release = Release(round_id=round_id, number=number, n=released + moved, figures=figures)
        db.session.add(release)
        db.session.commit()
    except IntegrityError:  # the same release number, made by a simultaneous submission
        db.session.rollback()
        return None
    except OperationalError:  # a locked or lost database: the response is stored, the next submission releases
        db.session.rollback()
        logger.warning("release of round %s postponed", round_id, exc_info=True)
        return None
    return release


def next_figures(round_: Round, number: int, previous: dict | None, min_size: int) -> dict:
    """The figures of release `number`, given those of the release before."""
    instrument = get_instrument(round_.instrument_version)
    people = queries.members(round_.id, number)
    scores = queries.score_sums(round_.id, number)
    answers = queries.answer_counts(round_.id, number)
    figures = copy.deepcopy(previous) if previous else {"total": {}, "groups": {by: {} for by in GROUPINGS}, "items": {}, "published": {}}
    figures["n"] = sum(people.values())
    rule = Rule(figures["published"], min_size)
    rule.publish(MEMBERS, people, (None, None, number))  # the release itself: always at least min_size new people

    for dimension in instrument.dimensions:
        cells = {cell: sums[0] for cell, sums in scores.get(dimension.key, {}).items()}
        if rule.is_new(dimension.key, cells, (None, None, number)) and rule.allows(dimension.key, cells, (None, None, number)):
            rule.publish(dimension.key, cells, (None, None, number))
            figures["total"][dimension.key] = _aggregate(scores[dimension.key], lambda cell: True, number)

    for by in GROUPINGS:
        index = GROUPINGS.index(by) + 1
        options = [option.key for option in instrument.profile_question(by).options]
        for key in sorted(options, key=lambda k: -sum(n for cell, n in people.items() if cell[index] == k)):
            in_group = lambda cell, key=key, index=index: cell[index] == key  # noqa: E731
            group_people = {cell: n for cell, n in people.items() if in_group(cell)}
            if not group_people or _size(group_people, number) == _size(group_people, figures["groups"][by].get(key, {}).get("release", 0)):
                continue  # nobody new in this group: it stays as it was
            description = (by, key, number)
            # A dimension a group scored too rarely is left out of its figure (no set to check).
            dimensions = {d: {cell: s[0] for cell, s in sums.items()} for d, sums in scores.items()
                          if sum(s[0] for cell, s in sums.items() if in_group(cell)) >= min_size}
            if rule.allows(MEMBERS, people, description) and all(rule.allows(d, cells, description) for d, cells in dimensions.items()):
                rule.publish(MEMBERS, people, description)
                for d, cells in dimensions.items():
                    rule.publish(d, cells, description)
                figures["groups"][by][key] = {
                    "release": number,
                    "n": _size(group_people, number),
                    "scores": {d: _aggregate(scores[d], in_group, number) for d in dimensions},
                }

    figures["unknown"] = {}
    for item in instrument.items:
        by_release = answers.get(item.key, {})
        figures["unknown"][item.key] = sum(counts.get(None, 0) for counts in by_release.values())
        cells = {(n, "", ""): sum(c for value, c in counts.items() if value is not None) for n, counts in by_release.items()}
        variable = f"item:{item.key}"
        if rule.is_new(variable, cells, (None, None, number)) and rule.allows(variable, cells, (None, None, number)):
            rule.publish(variable, cells, (None, None, number))
            figures["items"][item.key] = _item_aggregate(by_release, number)
    return figures


class Rule:
    """The sets of people published so far, per variable, and the anonymity rule over them."""

    def __init__(self, published: dict[str, list], min_size: int):
        self.published = published
        self.min_size = min_size

    def is_new(self, variable: str, cells: Mapping[Cell, int], description: tuple) -> bool:
        """The set differs from every set published before: a figure that would not change
        keeps its release."""
        new = _members(cells, description)
        same_figure = [tuple(d) for d in self.published.get(variable, []) if tuple(d[:2]) == tuple(description[:2])]
        return all(_members(cells, d) != new for d in same_figure)

    def allows(self, variable: str, cells: Mapping[Cell, int], description: tuple) -> bool:
        """A new figure computed from the set `description` may be published: its set, with
        every set published before, singles out no small group. A figure whose set was
        published already adds nothing."""
        known = [tuple(d) for d in self.published.get(variable, [])]
        new = _members(cells, description)
        if not new:
            return False  # a figure of nobody: nothing to show
        if any(_members(cells, d) == new for d in known):
            return True
        # Enough people in no set published before: any combination that uses the new set
        # takes all of them, so it is no small group (and the costly test is not needed).
        seen = frozenset().union(*(_members(cells, d) for d in known))
        if sum(cells[cell] for cell in new - seen) >= self.min_size:
            return True
        keys = [cell for cell, n in cells.items() if n]
        sets = [[i for i, cell in enumerate(keys) if _contains(d, cell)] for d in [*known, description]]
        return not reveals_small_group([cells[cell] for cell in keys], sets, self.min_size)

    def publish(self, variable: str, cells: Mapping[Cell, int], description: tuple) -> None:
        known = self.published.setdefault(variable, [])
        if list(description) not in known:
            known.append(list(description))


def _contains(description: tuple, cell: Cell) -> bool:
    """Whether the set described (grouping, key, up to release) takes the cell."""
    by, key, up_to = description
    return cell[0] <= up_to and (by is None or cell[GROUPINGS.index(by) + 1] == key)


def _members(cells: Mapping[Cell, int], description: tuple) -> frozenset[Cell]:
    return frozenset(cell for cell, n in cells.items() if n and _contains(description, cell))


def _size(cells: Mapping[Cell, int], up_to: int) -> int:
    return sum(n for cell, n in cells.items() if cell[0] <= up_to)


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
