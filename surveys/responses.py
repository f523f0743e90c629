"""Drafts and submitted responses in the database.

A questionnaire in progress lives in a Draft; submitting turns the draft into a Response
(answers, comments, dimension scores) and deletes the draft in one transaction, so a
response is stored whole or not at all, and a draft can be submitted only once.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date

from sqlalchemy import delete, insert, or_, select, update

from extensions import db
from models import Answer, Comment, Draft, Response, ResponseScore, Round

from .forms import UNKNOWN
from .instrument import Instrument
from .invitations import claim
from .scoring import dimension_scores

SECTIONS = ("answers", "comments", "profile")


def empty_draft_data() -> dict:
    return {section: {} for section in SECTIONS}


def parse_answer(raw: str) -> int | None:
    """A form value as stored: 1..5, or None for "weet ik niet"."""
    return None if raw == UNKNOWN else int(raw)


def draft_data(token: str | None, round_id: int) -> dict | None:
    """The answers saved so far, or None when there is no such draft (never started,
    submitted meanwhile, or cleaned up)."""
    if not token:
        return None
    return db.session.scalar(select(Draft.data).where(Draft.token == token, Draft.round_id == round_id))


def merged(data: dict | None, updates: Mapping[str, Mapping[str, str]]) -> dict:
    result = {section: dict((data or {}).get(section, {})) for section in SECTIONS}
    for section, values in updates.items():
        result[section].update(values)
    return result


def start_draft(round_id: int, updates: Mapping[str, Mapping[str, str]]) -> tuple[str, dict]:
    """A new draft holding the first page's values; returns (token, data)."""
    token, data = secrets.token_urlsafe(32), merged(None, updates)
    db.session.execute(insert(Draft).values(token=token, round_id=round_id, data=data, updated_on=date.today()))
    db.session.commit()
    return token, data


def update_draft(token: str, round_id: int, updates: Mapping[str, Mapping[str, str]]) -> dict | None:
    """Merge a page's values into the draft; None when the draft is gone (submitted by a
    simultaneous request, or cleaned up). Plain statements, so a concurrent delete is a
    row count of zero and never an error."""
    data = draft_data(token, round_id)
    if data is None:
        return None
    data = merged(data, updates)
    result = db.session.execute(
        update(Draft).where(Draft.token == token, Draft.round_id == round_id).values(data=data, updated_on=date.today())
    )
    db.session.commit()
    return data if result.rowcount == 1 else None


def add_response(
    round_id: int,
    instrument: Instrument,
    answers: Mapping[str, int | None],
    comments: Mapping[str, str],
    profile: Mapping[str, str],
    language: str,
    submitted_on: date,
) -> dict[str, float | None]:
    """Add a complete response with its answers, comments and scores to the session (the
    caller commits). Returns the respondent's dimension scores."""
    missing = [item.key for item in instrument.items if item.key not in answers]
    if missing:
        raise ValueError(f"response without an answer to {', '.join(missing)}")
    scores = dimension_scores(instrument, answers)
    response = Response(
        round_id=round_id,
        submitted_on=submitted_on,
        level=profile["level"],
        domain=profile["domain"],
        language=language,
        answers=[Answer(item_key=item.key, value=answers[item.key]) for item in instrument.items],
        comments=[Comment(dimension=key, text=text.strip()) for key, text in comments.items() if text.strip()],
        scores=[ResponseScore(dimension=key, score=score) for key, score in scores.items() if score is not None],
    )
    db.session.add(response)
    return scores


class InvitationUsed(Exception):
    """The personal link was used for another response meanwhile; nothing was stored."""


def submit_draft(
    token: str, round_id: int, instrument: Instrument, language: str, invitation: int | None = None,
) -> dict[str, float | None] | None:
    """Store the draft as a response and delete it, in one transaction; with a personal
    link, mark its invitation as responded in the same transaction.

    Returns the respondent's scores, or None when the draft is already gone (the same
    submission posted twice). The DELETE comes first: it takes the write lock, so of two
    simultaneous posts exactly one finds the draft.
    """
    db.session.commit()  # end any read transaction; the claim below starts a fresh one
    try:
        data = db.session.scalar(
            delete(Draft).where(Draft.token == token, Draft.round_id == round_id).returning(Draft.data)
        )
        if data is None:
            db.session.rollback()
            return None
        if invitation is not None and not claim(invitation, round_id):
            raise InvitationUsed()
        scores = add_response(
            round_id,
            instrument,
            answers={key: parse_answer(raw) for key, raw in data["answers"].items()},
            comments=data["comments"],
            profile=data["profile"],
            language=language,
            submitted_on=date.today(),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return scores


def purge_drafts(untouched_since: date, today: date | None = None) -> int:
    """Delete drafts nobody has touched since a day, and drafts of rounds that have closed
    (they can never be submitted). Returns how many were deleted."""
    today = today or date.today()
    closed_rounds = select(Round.id).where(or_(Round.closed_early.is_(True), Round.closes_on < today))
    result = db.session.execute(
        delete(Draft).where(or_(Draft.updated_on < untouched_since, Draft.round_id.in_(closed_rounds)))
    )
    db.session.commit()
    return result.rowcount
