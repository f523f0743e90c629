"""Personal survey links: one single-use link per email address, stored hashed."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update

from extensions import db
from models import Invitation, Round, new_token, token_hash

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def parse_emails(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses, invalid entries) from a pasted list: one per line, or separated by
    semicolons, commas or spaces; Outlook's "Jansen, Jan <jan@x.nl>; ..." is understood (the
    address in angle brackets counts, the name around it not); duplicates are dropped."""
    valid: list[str] = []
    invalid: list[str] = []
    for chunk in re.split(r"[\n;]+", text):
        if "<" in chunk:  # names with angle-bracketed addresses: words without @ are names
            outside = re.sub(r"<[^<>]*>", " ", chunk)
            candidates = re.findall(r"<([^<>]+)>", chunk) + [word for word in re.split(r"[\s,]+", outside) if "@" in word]
        else:
            candidates = re.split(r"[\s,]+", chunk)
        for candidate in (c.strip() for c in candidates):
            if not candidate:
                continue
            address = candidate.strip().lower()
            if not EMAIL.match(address):
                invalid.append(candidate)
            elif address not in valid:
                valid.append(address)
    return valid, invalid


def invite(round_: Round, emails: list[str]) -> list[tuple[str, str]]:
    """New invitations for the addresses not yet invited to this round: [(email, token)].
    The caller commits."""
    existing = set(db.session.scalars(select(Invitation.email).where(Invitation.round_id == round_.id)))
    links = []
    for email in emails:
        if email in existing:
            continue
        token = new_token()
        db.session.add(Invitation(round_id=round_.id, email=email, token_hash=token_hash(token)))
        links.append((email, token))
    return links


def remind(round_: Round) -> list[tuple[str, str]]:
    """A fresh link for everyone who has not responded. Every old link of the round stops
    working, the responders' too (their new token is thrown away): otherwise an old link
    that still opens would tell who responded. The caller commits."""
    links = []
    for invitation in db.session.scalars(select(Invitation).where(Invitation.round_id == round_.id)):
        token = new_token()
        invitation.token_hash = token_hash(token)
        if not invitation.responded:
            invitation.reminded_on = date.today()
            links.append((invitation.email, token))
    return links


def find_invitation(token: str) -> Invitation | None:
    """The invitation behind a token, used or not. Opening a used link looks the same as
    opening an unused one (only sending a second response is refused), so a leader who holds
    the links cannot find out who responded by trying them."""
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))


def claim(invitation_id: int, round_id: int) -> bool:
    """Mark the invitation as responded, inside the submission's transaction. False when it
    was used meanwhile (by a simultaneous post): then nothing may be stored. By id, not by
    token: a reminder replaces the token while someone may still be filling in."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.round_id == round_id, Invitation.responded.is_(False))
        .values(responded=True)
    )
    return result.rowcount == 1
