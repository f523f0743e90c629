"""What a coordinator compares in a programme: per partnership the round of the period chosen
(its latest that may be shown, or its latest of a year), two to four of them against the
programme average, trends per partnership and for the programme, statements side by side and
response rates. Every figure comes from results.py (released figures of rounds that may be
shown), so this view has no path around the anonymity rule either. Each partnership counts
once in an average, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from extensions import db
from models import Invitation, Partnership
from surveys.instrument import get_instrument

from .results import RoundResult, statement_means

LATEST = "laatste"  # the period of each partnership's latest round that may be shown
MAX_CHOSEN = 4  # partnerships on one radar: more is a tangle nobody reads


@dataclass(frozen=True)
class Entry:
    """A partnership in the comparison: its round of the period."""

    key: str  # what the page's choices send: the slug, or a position when names are hidden
    label: str
    result: RoundResult
    history: list[RoundResult]  # every round of it that may be shown, in order
    invited: int | None  # asked to take part: the number the leader gave, else the personal invitations

    @property
    def response_rate(self) -> float | None:
        """Respondents counted (in release steps) per person asked; above 1 when more came
        through the open link than the leader counted."""
        return self.result.n / self.invited if self.invited else None


def overall(scores: dict[str, float | None]) -> float:
    values = [v for v in scores.values() if v is not None]
    return sum(values) / len(values) if values else 0.0


def average(scores: list[dict[str, float | None]]) -> dict[str, float | None]:
    """Per key, the mean of the values there are: each partnership once, whatever its size."""
    keys = {key for s in scores for key in s}
    return {
        key: (sum(values) / len(values) if (values := [s[key] for s in scores if s.get(key) is not None]) else None)
        for key in keys
    }


def periods(histories: dict[int, list[RoundResult]]) -> list[str]:
    """LATEST, then every year in which some round that may be shown opened, latest first."""
    years = {result.round.opens_on.year for history in histories.values() for result in history}
    return [LATEST, *(str(year) for year in sorted(years, reverse=True))]


def round_of_period(history: list[RoundResult], period: str) -> RoundResult | None:
    """A partnership's round for the period: its latest, or its latest that opened that year."""
    if period != LATEST:
        history = [result for result in history if str(result.round.opens_on.year) == period]
    return history[-1] if history else None


def invitation_counts(results: list[RoundResult]) -> dict[int, int]:
    """Personal invitations per round, in one query."""
    ids = [result.round.id for result in results]
    if not ids:
        return {}
    query = select(Invitation.round_id, func.count()).where(Invitation.round_id.in_(ids)).group_by(Invitation.round_id)
    return dict(db.session.execute(query).all())


def entries(
    partnerships: list[Partnership], histories: dict[int, list[RoundResult]], period: str, letters: str | None
) -> tuple[list[Entry], list[Partnership]]:
    """The partnerships with a round in the period (by name; lettered by overall score when
    `letters` names them, e.g. "Samenwerkingsverband"), and those left out."""
    found = [(p, result) for p in partnerships if (result := round_of_period(histories.get(p.id, []), period))]
    invited = invitation_counts([result for _p, result in found])
    left_out = [p for p in partnerships if p.id not in {p.id for p, _r in found}]

    def asked(result: RoundResult) -> int | None:
        return result.round.audience or invited.get(result.round.id) or None

    if letters is None:
        return [Entry(p.slug, p.name, r, histories[p.id], asked(r)) for p, r in found], left_out
    # Letters by overall score, keys by position: nothing that leads back to a name.
    found.sort(key=lambda pair: -overall(pair[1].total.means()))
    return [
        Entry(str(i), f"{letters} {chr(65 + i)}", r, histories[p.id], asked(r)) for i, (p, r) in enumerate(found)
    ], left_out


def chosen(rows: list[Entry], keys: list[str]) -> list[Entry]:
    """The rows asked for, in the table's order; the first row when none is asked for."""
    picked = [row for row in rows if row.key in keys]
    return picked or rows[:1]


def yearly_average(histories: list[list[RoundResult]], dimension: str) -> list[tuple[int, float, int]]:
    """(year, programme average, partnerships counted) per year: each partnership with its
    latest round of that year that has a score on the dimension."""
    years = sorted({result.round.opens_on.year for history in histories for result in history})
    points = []
    for year in years:
        means = [
            mean
            for history in histories
            if (result := round_of_period(history, str(year))) and (mean := result.total.mean(dimension)) is not None
        ]
        if means:
            points.append((year, sum(means) / len(means), len(means)))
    return points


@dataclass(frozen=True)
class StatementRow:
    key: str
    dimension: str
    text: dict  # per language
    reverse: bool
    means: list[float | None]  # per chosen partnership: None where too few answered or not asked
    asked: list[bool]  # per chosen partnership: whether its round's version has the statement
    average: float | None  # over every partnership of the period whose round shows it


def statement_rows(rows: list[Entry], picked: list[Entry]) -> list[StatementRow]:
    """The statements of the first chosen partnership's version, side by side for the chosen
    ones, with the programme average over every partnership of the period. A statement is
    compared only where its key (so its wording) is the same in a round's version."""
    instrument = get_instrument(picked[0].result.round.instrument_version)
    means = statement_means([row.result for row in rows], [item.key for item in instrument.items])
    asked = {
        row.key: {item.key for item in get_instrument(row.result.round.instrument_version).items} for row in picked
    }
    result = []
    for item in instrument.items:
        values = [m[item.key] for row in rows if item.key in (m := means.get(row.result.round.id, {}))]
        result.append(
            StatementRow(
                item.key,
                item.dimension,
                item.text,
                item.reverse,
                [means.get(row.result.round.id, {}).get(item.key) for row in picked],
                [item.key in asked[row.key] for row in picked],
                sum(values) / len(values) if values else None,
            )
        )
    return result


def trend_day(year: int) -> date:
    """Where a year's programme average stands on a time axis: its middle."""
    return date(year, 7, 1)
