"""What stands out in a round, for the discussion guide (gespreksleidraad): chosen from the
released figures only (round_results, comparison, item_results), so it obeys the anonymity
rule like every other page, and each point with its discussion questions from the source
document's threads (surveys/guide.py).

Thresholds, and why:
- GAP = 0.5: levels or domains "differ" when their highest and lowest group are at least half
  a scale point apart *and* that difference is larger than chance (Welch, surveys.stats). Half
  a point is half the width of the middle band (3.0 to 4.0 between "aandachtspunt" and "sterk
  punt"): one group can sit in another band than the next. Smaller gaps are noise at the
  group sizes a partnership has (five to twenty people a group).
- DISAGREEMENT_SD = 1.0: on a five-point scale a spread of one point means a typical answer is
  a whole step ("oneens" against "neutraal", "neutraal" against "eens") from the mean; below
  that a statement is not one the partners disagree on, however it ranks.
- UNKNOWN_SHARE = 0.25: a partnership answers from three levels (werkvloer, beleid, bestuur);
  a quarter of everyone answering "weet ik niet" is about one level's worth of people who do
  not see what the statement is about, which is what the guide asks about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models import PartnerMap, Round
from surveys.guide import (
    GAP,
    YOUTH_POINTS,
    YOUTH_THREAD,
    Point,
    Question,
    Thread,
    YouthDifference,
    get_guide,
    youth_differences,
)
from surveys.instrument import Instrument, Item
from surveys.stats import Difference, difference

from .partners import coverage_of, partners_of
from .results import GroupResult, RoundResult, comparison, item_results, previous_shown
from .summary import change
from .youth import youth_view

WEAKEST = 2  # the two lowest dimensions
DISAGREEMENT_SD = 1.0
DISAGREEMENTS = 2  # at most this many statements
UNKNOWN_SHARE = 0.25
UNKNOWNS = 2
NO_ANSWER = "geen_antwoord"  # "zeg ik liever niet" is no level or domain to compare


@dataclass(frozen=True)
class Gap:
    high: GroupResult
    low: GroupResult
    size: float
    difference: Difference


@dataclass(frozen=True)
class GuidePoint:
    key: str  # stable within a round: "weakest:investment", "disagreement:<statement key>", ...
    kind: str
    dimension: str
    #: The figures that justify the point: a mean, a spread, a gap, a change, a share.
    figures: dict = field(default_factory=dict)
    item: Item | None = None  # the statement, for disagreement and unknown
    questions: tuple[Question, ...] = ()


def weakest(current: RoundResult, instrument: Instrument) -> list[GuidePoint]:
    order = [d.key for d in instrument.dimensions]
    scored = [(a.mean, order.index(key), key, a) for key, a in current.total.scores.items() if a.mean is not None]
    return [
        GuidePoint(f"weakest:{key}", "weakest", key, {"mean": aggregate.mean, "n": aggregate.n})
        for _mean, _index, key, aggregate in sorted(scored)[:WEAKEST]
    ]


def disagreements(current: RoundResult, instrument: Instrument) -> list[GuidePoint]:
    shown = [i for i in item_results(current, instrument) if i.shown and i.aggregate.sd is not None]
    spread = sorted((i for i in shown if i.aggregate.sd >= DISAGREEMENT_SD), key=lambda i: -i.aggregate.sd)
    return [
        GuidePoint(
            f"disagreement:{i.item.key}",
            "disagreement",
            i.item.dimension,
            {"sd": i.aggregate.sd, "mean": i.aggregate.mean, "n": i.aggregate.n},
            i.item,
        )
        for i in spread[:DISAGREEMENTS]
    ]


def widest_gap(groups: tuple[GroupResult, ...], dimension: str) -> Gap | None:
    scored = [g for g in groups if (a := g.scores.get(dimension)) is not None and a.mean is not None]
    if len(scored) < 2:
        return None
    high = max(scored, key=lambda g: g.mean(dimension))
    low = min(scored, key=lambda g: g.mean(dimension))
    change = difference(high.scores[dimension], low.scores[dimension])
    if change is None:
        return None
    return Gap(high, low, high.mean(dimension) - low.mean(dimension), change)


def group_gap(current: RoundResult, instrument: Instrument, by: str, kind: str) -> list[GuidePoint]:
    """The dimension where the shown groups differ most, when that gap is notable."""
    options = tuple(o.key for o in instrument.profile_question(by).options if o.key != NO_ANSWER)
    groups = comparison(current, by, options).groups
    gaps = [(gap, d.key) for d in instrument.dimensions if (gap := widest_gap(groups, d.key)) is not None]
    notable = [(gap, key) for gap, key in gaps if gap.size >= GAP and gap.difference.real]
    if not notable:
        return []
    gap, key = max(notable, key=lambda pair: pair[0].size)
    figures = {
        "high": gap.high.key,
        "high_mean": gap.high.mean(key),
        "low": gap.low.key,
        "low_mean": gap.low.mean(key),
        "gap": gap.size,
    }
    return [GuidePoint(f"{kind}:{key}", kind, key, figures)]


def real_changes(results: list[RoundResult], current: RoundResult, instrument: Instrument) -> list[GuidePoint]:
    previous = previous_shown(results, current)
    if previous is None:
        return []
    points = []
    for dimension in instrument.dimensions:
        later, earlier = current.total.scores.get(dimension.key), previous.total.scores.get(dimension.key)
        moved = change(later, earlier)
        if moved is not None and moved.real:
            figures = {"previous": previous.round.title, "before": earlier.mean, "after": later.mean, "change": moved}
            points.append(GuidePoint(f"change:{dimension.key}", "change", dimension.key, figures))
    return sorted(points, key=lambda p: -abs(p.figures["change"].difference.change))


def unknown_shares(current: RoundResult, instrument: Instrument) -> list[GuidePoint]:
    respondents = current.n
    shares = [(i.unknown_share(respondents), i) for i in item_results(current, instrument)]
    many = sorted(((s, i) for s, i in shares if s >= UNKNOWN_SHARE), key=lambda pair: -pair[0])
    return [
        GuidePoint(
            f"unknown:{i.item.key}",
            "unknown",
            i.item.dimension,
            {"share": share, "unknown": i.unknown, "respondents": respondents},
            i.item,
        )
        for share, i in many[:UNKNOWNS]
    ]


def with_questions(point: GuidePoint) -> GuidePoint:
    questions = get_guide().questions_for(point.kind, point.dimension)
    return GuidePoint(point.key, point.kind, point.dimension, point.figures, point.item, questions)


def guide_points(results: list[RoundResult], current: RoundResult, instrument: Instrument) -> list[GuidePoint]:
    """What stands out in `current` (one of `results`, a partnership's rounds in order), with
    its questions; nothing when the round may not be shown."""
    if not current.shown:
        return []
    points = [
        *weakest(current, instrument),
        *disagreements(current, instrument),
        *group_gap(current, instrument, "level", "level_gap"),
        *group_gap(current, instrument, "domain", "domain_gap"),
        *real_changes(results, current, instrument),
        *unknown_shares(current, instrument),
    ]
    return [with_questions(point) for point in points]


# --- "Wie moet er nog aan tafel?" ---------------------------------------------------------------

#: The source's words on who sits at which table (thread 2, investing in the collaboration).
TABLE_THREAD = 2
TABLE_POINTS = ("investment_meetings", "investment_competence")


@dataclass(frozen=True)
class TablePrompt:
    """The domains missing from each table on a version of the partner map, with the source's
    points on who should be at the table."""

    gaps: dict[str, tuple[str, ...]]  # per table with a missing domain, those domains
    saved_on: date  # the version's day
    thread: Thread
    points: tuple[Point, ...]


def table_prompt(version: PartnerMap | None, instrument: Instrument) -> TablePrompt | None:
    """The prompt for a map (the current one: the guide prepares the next meeting); None
    without a map or when every domain sits at every table."""
    if version is None or not version.organisations:
        return None  # no map, or an empty one: nothing recorded to point at
    gaps = coverage_of(partners_of(version), instrument).gaps()
    if not gaps:
        return None
    thread = get_guide().thread(TABLE_THREAD)
    return TablePrompt(gaps, version.saved_on, thread, tuple(thread.point(key) for key in TABLE_POINTS))


# --- where young people and professionals differ ----------------------------------------------


@dataclass(frozen=True)
class YouthPrompts:
    """The guide's part on the youth questionnaire: the statements that differ most from the
    professionals (surveys.guide.youth_differences; empty: none differs enough), with the
    source's points on the young person's own story."""

    n: int  # young people in the youth release shown
    differences: tuple[YouthDifference, ...]
    thread: Thread
    points: tuple[Point, ...]

    @staticmethod
    def key(difference: YouthDifference) -> str:
        return f"youth:{difference.statement.key}"


def youth_prompts(round_: Round, current: RoundResult, min_size: int) -> YouthPrompts | None:
    """None unless the dashboard shows both the round's figures and its youth figures (the
    same view, so the same threshold, release and hiding rule)."""
    if not current.shown:
        return None
    view = youth_view(round_, current.total.scores, min_size)
    if view["state"] != "shown":
        return None
    rows = [
        (
            row["statement"],
            row["figure"]["mean"] if row["figure"] else None,
            row["professionals"].mean if row["professionals"] is not None else None,
        )
        for row in view["rows"]
    ]
    thread = get_guide().thread(YOUTH_THREAD)
    return YouthPrompts(
        view["n"], tuple(youth_differences(rows)), thread, tuple(thread.point(key) for key in YOUTH_POINTS)
    )
