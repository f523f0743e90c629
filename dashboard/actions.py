"""Agreed actions and timeline notes as the dashboard and the report use them: open actions,
the experiment log (each action's dimensions in the round it was agreed in and in every shown
round since, with the change and whether it is larger than chance), and the timeline of a
partnership with its programme's notes. Numbers only from dashboard.results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import or_, select

from extensions import db
from models import Action, Partnership, Round, TimelineNote

from .results import RoundResult
from .summary import Change, change

PARTNERSHIP, PROGRAMME = "partnership", "programme"  # where a timeline note comes from


def actions_of(partnership: Partnership) -> list[Action]:
    """Open ones first, then by due date (none last), then newest first."""
    actions = db.session.scalars(select(Action).where(Action.partnership_id == partnership.id)).all()
    return sorted(
        actions,
        key=lambda a: (not a.status.is_open, a.due_on is None, a.due_on or date.min, -a.created_at.timestamp()),
    )


def open_actions(partnership: Partnership) -> list[Action]:
    return [action for action in actions_of(partnership) if action.status.is_open]


@dataclass(frozen=True)
class LogStep:
    """One later shown round: the dimension's score then, and its change since the agreed round."""

    round: Round
    mean: float | None
    change: Change | None  # since the agreed round; None when either has no score

    @property
    def real(self) -> bool:
        return self.change is not None and self.change.real


@dataclass(frozen=True)
class LogLine:
    """One action and one of its dimensions: "we tried X between T1 and T2; investing went
    from 2.9 to 3.4, larger than chance"."""

    action: Action
    dimension: str
    agreed: Round
    baseline: float | None
    steps: tuple[LogStep, ...]

    @property
    def latest(self) -> LogStep | None:
        return self.steps[-1] if self.steps else None


def log_lines(action: Action, results: list[RoundResult]) -> list[LogLine]:
    agreed = next((r for r in results if r.round.id == action.round_id), None)
    if agreed is None or not agreed.shown:
        return []
    later = [r for r in results[results.index(agreed) + 1 :] if r.shown]
    lines = []
    for dimension in action.dimensions:
        base = agreed.total.scores.get(dimension)
        steps = []
        for result in later:
            score = result.total.scores.get(dimension)
            steps.append(LogStep(result.round, score.mean if score else None, change(score, base)))
        lines.append(LogLine(action, dimension, agreed.round, base.mean if base else None, tuple(steps)))
    return lines


def experiment_log(partnership: Partnership, results: list[RoundResult]) -> list[LogLine]:
    """For every action agreed in a round that is shown: per dimension, its score in that round
    and in every shown round since. `results` is round_results(partnership.rounds)."""
    actions = [a for a in actions_of(partnership) if a.round_id is not None]
    return [line for action in actions for line in log_lines(action, results)]


class TimelineEntry(NamedTuple):
    on: date
    text: str
    source: str  # PARTNERSHIP or PROGRAMME


def timeline_notes(partnership: Partnership) -> list[TimelineEntry]:
    """The partnership's own notes and its programme's, in date order (a programme's first on
    the same day: the wider movement before the local answer to it)."""
    owners = [TimelineNote.partnership_id == partnership.id]
    if partnership.programme_id is not None:
        owners.append(TimelineNote.programme_id == partnership.programme_id)
    notes = db.session.scalars(select(TimelineNote).where(or_(*owners))).all()
    entries = [
        TimelineEntry(note.happened_on, note.text, PARTNERSHIP if note.partnership_id else PROGRAMME) for note in notes
    ]
    return sorted(entries, key=lambda e: (e.on, e.source != PROGRAMME, e.text))
