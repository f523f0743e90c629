"""Drafts and submitted responses in the database.

A questionnaire in progress lives in a Draft; submitting turns the draft into a Response
(answers, comments, dimension scores) and deletes the draft in one transaction, so a
response is stored whole or not at all, and a draft can be submitted only once.

A personal link is claimed for one draft when it is opened (see `open_personal_draft`); the
submission never touches the invitation, so nothing in the database joins an invitation to
its response. One response per link follows from one draft per link, submitted once.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import date

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

import clock
from extensions import db
from models import Answer, Comment, Draft, Invitation, Partnership, Response, ResponseScore, Round, token_hash
from models.response import random_response_id

from .instrument import UNKNOWN, Instrument, get_instrument
from .invitations import claim
from .scoring import dimension_scores

SECTIONS = ("answers", "comments", "profile")


def empty_draft_data() -> dict:
    return {section: {} for section in SECTIONS}


def parse_answer(raw: str) -> int | None:
    """A form value as stored: 1..5, or None for "weet ik niet"."""
    return None if raw == UNKNOWN else int(raw)


# The statements of every questionnaire request, built once (building one cost as much CPU
# as running it) and run with their values; drafts through the table (Core), not the ORM.
DRAFTS = Draft.__table__
DRAFT_DATA = select(DRAFTS.c.data).where(DRAFTS.c.token == bindparam("token"), DRAFTS.c.round_id == bindparam("round"))
SAVE_DRAFT = update(DRAFTS).where(DRAFTS.c.token == bindparam("draft"), DRAFTS.c.round_id == bindparam("round"))
# The partnership as a second entity, set as the round's: no lazy load, and without the
# cost of a joined eager load.
ROUND = select(Round, Partnership).join(Round.partnership).where(Round.public_code == bindparam("code"))
ROUND_AND_DRAFT = ROUND.add_columns(DRAFTS.c.data).outerjoin(
    DRAFTS, and_(DRAFTS.c.token == bindparam("token"), DRAFTS.c.round_id == Round.id)
)


def draft_data(token: str | None, round_id: int) -> dict | None:
    """The answers saved so far, or None when there is no such draft (never started,
    submitted meanwhile, or cleaned up)."""
    if not token:
        return None
    return db.session.execute(DRAFT_DATA, {"token": token, "round": round_id}).scalar()


def survey_round(code: str, token: str | None = None) -> tuple[Round | None, dict | None]:
    """The round behind a survey code with its partnership, and the saved answers of the
    respondent's draft of it (None when there is no such draft): what every questionnaire
    page needs, in one query."""
    row = db.session.execute(ROUND_AND_DRAFT if token else ROUND, {"code": code, "token": token}).first()
    if row is None:
        return None, None
    set_committed_value(row[0], "partnership", row[1])  # held by the round, not only by the session
    return row[0], (row[2] if token else None)


class DraftTooLarge(ValueError):
    """A draft would hold more than any real questionnaire needs; nothing was saved."""


def draft_size_limit(instrument: Instrument) -> int:
    """Bytes of stored JSON a draft may take: every comment at its maximum length in a script
    that JSON escapes to six bytes a character (\\uXXXX), plus room for answers and profile.
    A draft of Dutch text stays far below it; more is someone filling the disk."""
    return 6 * instrument.comment_max_length * len(instrument.dimensions) + 4096


def merged(data: dict | None, updates: Mapping[str, Mapping[str, str]], instrument: Instrument) -> dict:
    """The draft with a page's values merged in, holding only what the instrument asks for:
    an answer per statement (a scale value or "weet ik niet"), a comment per dimension cut to
    the maximum length, an option per profile question. Anything else is dropped, so a draft
    cannot grow beyond one questionnaire (DraftTooLarge is the last line)."""
    answers = {str(option.value) for option in instrument.scale.options} | {UNKNOWN}
    allowed = {
        "answers": {item.key: answers for item in instrument.items},
        "profile": {question.key: {option.key for option in question.options} for question in instrument.profile},
    }
    dimensions = {dimension.key for dimension in instrument.dimensions}
    result = empty_draft_data()
    for source in (data or {}, updates):
        for section in SECTIONS:
            values = source.get(section)
            for key, value in values.items() if isinstance(values, Mapping) else ():
                if not isinstance(value, str):
                    continue
                if section == "comments":
                    if key in dimensions:
                        result[section][key] = value[: instrument.comment_max_length]
                elif value in allowed[section].get(key, ()):
                    result[section][key] = value
    if len(json.dumps(result)) > draft_size_limit(instrument):
        raise DraftTooLarge()
    return result


def instrument_of(round_id: int) -> Instrument:
    return get_instrument(db.session.scalar(select(Round.instrument_version).where(Round.id == round_id)))


def start_draft(
    round_id: int,
    updates: Mapping[str, Mapping[str, str]],
    instrument: Instrument | None = None,
) -> tuple[str, dict]:
    """A new draft holding the first page's values; returns (token, data). The caller limits
    how many a client may start (surveys.views.save_page)."""
    instrument = instrument or instrument_of(round_id)
    token, data = secrets.token_urlsafe(32), merged(None, updates, instrument)
    db.session.execute(insert(DRAFTS).values(token=token, round_id=round_id, data=data, updated_on=clock.today()))
    db.session.commit()
    return token, data


class LinkUsed(Exception):
    """The personal link was used: its draft was submitted."""


def open_personal_draft(invitation: Invitation) -> str:
    """The token of the draft a personal link stands for: the draft it was claimed for, or a
    new one that claims it now. Raises LinkUsed when its draft was submitted.

    The new draft is committed before the claim, each in its own transaction, so the two rows
    do not even share a transaction id. Of two simultaneous first openings one claim wins;
    the loser drops its draft and resumes the winner's."""
    for _attempt in range(3):
        claimed = db.session.scalar(select(Invitation.claimed_draft_hash).where(Invitation.id == invitation.id))
        if claimed is not None:
            token = db.session.scalar(
                select(Draft.token).where(Draft.claim_hash == claimed, Draft.round_id == invitation.round_id)
            )
            db.session.commit()
            if token is not None:
                return token
            # Gone: submitted, unless the purge unclaimed the link meanwhile (then try again).
            if (
                db.session.scalar(select(Invitation.claimed_draft_hash).where(Invitation.id == invitation.id))
                == claimed
            ):
                db.session.commit()
                raise LinkUsed()
            continue
        token = secrets.token_urlsafe(32)
        db.session.execute(
            insert(Draft).values(
                token=token,
                claim_hash=token_hash(token),
                round_id=invitation.round_id,
                data=empty_draft_data(),
                updated_on=clock.today(),
            )
        )
        db.session.commit()
        if claim(invitation.id, token_hash(token)):
            return token
        db.session.execute(delete(Draft).where(Draft.token == token))
        db.session.commit()
    raise LinkUsed()  # pragma: no cover - only under a storm of claims and purges


def update_draft(
    token: str,
    round_id: int,
    updates: Mapping[str, Mapping[str, str]],
    instrument: Instrument | None = None,
    current: dict | None = None,
) -> dict | None:
    """Merge a page's values into the draft; None when the draft is gone (submitted by a
    simultaneous request, or cleaned up). `current` is the draft's data as this request
    already read it (else it is read here). Plain statements, so a concurrent delete is a
    row count of zero and never an error."""
    data = draft_data(token, round_id) if current is None else current
    if data is None:
        return None
    data = merged(data, updates, instrument or instrument_of(round_id))
    result = db.session.execute(
        SAVE_DRAFT, {"draft": token, "round": round_id, "data": data, "updated_on": clock.today()}
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
    # At most four statements, however many answers: an ORM flush inserted every row on its
    # own (on SQLite 37 or more per response). The id is random, as the model makes it.
    response_id = random_response_id()
    db.session.execute(
        insert(Response).values(
            id=response_id,
            round_id=round_id,
            submitted_on=submitted_on,
            level=profile["level"],
            domain=profile["domain"],
            language=language,
        )
    )
    # The table, not the entity: the ORM leaves NULL values out of a row, so "weet ik niet"
    # between answers split one insert into one statement per run of answers.
    db.session.execute(
        insert(Answer.__table__),
        [{"response_id": response_id, "item_key": item.key, "value": answers[item.key]} for item in instrument.items],
    )
    texts = [(key, text.strip()) for key, text in comments.items() if text.strip()]
    if texts:
        db.session.execute(
            insert(Comment), [{"response_id": response_id, "dimension": key, "text": text} for key, text in texts]
        )
    scored = [(key, score) for key, score in scores.items() if score is not None]
    if scored:
        db.session.execute(
            insert(ResponseScore), [{"response_id": response_id, "dimension": key, "score": s} for key, s in scored]
        )
    return scores


def submit_draft(token: str, round_id: int, instrument: Instrument, language: str) -> dict[str, float | None] | None:
    """Store the draft as a response and delete it, in one transaction that touches nothing
    else (not the invitation of a personal draft).

    Returns the respondent's scores, or None when the draft is already gone (the same
    submission posted twice, or a personal link's draft sent from another device). The
    DELETE comes first: it takes the write lock, so of two simultaneous posts exactly one
    finds the draft.
    """
    db.session.commit()  # end any read transaction; the submission starts a fresh one
    try:
        data = db.session.scalar(
            delete(DRAFTS).where(DRAFTS.c.token == token, DRAFTS.c.round_id == round_id).returning(DRAFTS.c.data)
        )
        if data is None:
            db.session.rollback()
            return None
        scores = add_response(
            round_id,
            instrument,
            answers={key: parse_answer(raw) for key, raw in data["answers"].items()},
            comments=data["comments"],
            profile=data["profile"],
            language=language,
            submitted_on=clock.today(),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return scores


def purge_drafts(untouched_since: date, today: date | None = None) -> int:
    """Delete drafts nobody has touched since a day, and drafts of rounds that have closed
    (they can never be submitted). Returns how many were deleted.

    A personal link whose draft is deleted here is unclaimed in the same transaction, so an
    abandoned questionnaire frees its link again (a link whose draft was submitted stays
    claimed: that draft is not here to delete)."""
    today = today or clock.today()
    closed_rounds = select(Round.id).where(or_(Round.closed_early.is_(True), Round.closes_on < today))
    db.session.commit()
    try:
        # Deleting first locks exactly the drafts that go: a submission that wins a draft
        # keeps its link claimed, and one that loses stores nothing.
        hashes = db.session.scalars(
            delete(Draft)
            .where(or_(Draft.updated_on < untouched_since, Draft.round_id.in_(closed_rounds)))
            .returning(Draft.claim_hash)
        ).all()
        personal = [h for h in hashes if h is not None]
        for start in range(0, len(personal), 500):
            db.session.execute(
                update(Invitation)
                .where(Invitation.claimed_draft_hash.in_(personal[start : start + 500]))
                .values(claimed_draft_hash=None)
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(hashes)
