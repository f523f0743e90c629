"""Personal survey links: one single-use link per email address, stored hashed, mailed and
never shown to a leader."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select, update

import clock
from extensions import db
from models import Invitation, Round, new_token, token_hash
from text_rules import is_email, normal_email


class Pasted(NamedTuple):
    valid: list[str]  # each address once, in the order pasted
    invalid: list[str]  # entries that are no address, as pasted
    duplicates: int  # addresses pasted more than once, counted beyond the first

    @property
    def entered(self) -> int:
        return len(self.valid) + len(self.invalid) + self.duplicates


def parse_emails(text: str) -> Pasted:
    """The addresses of a pasted list: one per line, or separated by semicolons, commas or
    spaces; Outlook's "Jansen, Jan <jan@x.nl>; ..." is understood (the address in angle
    brackets counts, the name around it not); duplicates are dropped and counted."""
    valid: list[str] = []
    invalid: list[str] = []
    duplicates = 0
    for chunk in re.split(r"[\n;]+", text):
        if "<" in chunk:  # names with angle-bracketed addresses: words without @ are names
            outside = re.sub(r"<[^<>]*>", " ", chunk)
            candidates = re.findall(r"<([^<>]+)>", chunk) + [
                word for word in re.split(r"[\s,]+", outside) if "@" in word
            ]
        else:
            candidates = re.split(r"[\s,]+", chunk)
        for candidate in (c.strip() for c in candidates):
            if not candidate:
                continue
            address = normal_email(candidate)
            if not is_email(address):
                invalid.append(candidate)
            elif address in valid:
                duplicates += 1
            else:
                valid.append(address)
    return Pasted(valid, invalid, duplicates)


def invite(round_: Round, emails: list[str]) -> tuple[list[tuple[Invitation, str]], int]:
    """Invitations for the addresses of this round whose link was not yet mailed: new ones,
    and old ones whose mail failed (a retry must not skip them as "already invited", or they
    never get a link). Each gets a fresh token. Returns ([(invitation, token)], skipped), the
    addresses already mailed being skipped. The caller commits, then mails."""
    existing = {i.email: i for i in db.session.scalars(select(Invitation).where(Invitation.round_id == round_.id))}
    links, skipped = [], 0
    for email in emails:
        invitation = existing.get(email)
        if invitation is not None and invitation.sent:
            skipped += 1
            continue
        if invitation is None:
            invitation = Invitation(round_id=round_.id, email=email, mail_status="pending")
            db.session.add(invitation)
        links.append((invitation, renew(invitation)))
    return links, skipped


def renew(invitation: Invitation) -> str:
    """A fresh token for an invitation (the old link stops working); its mail is pending."""
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.mail_status, invitation.mail_status_at = "pending", None
    return token


def remind(round_: Round) -> list[tuple[Invitation, str]]:
    """A fresh link for every invitee of the round, whether they responded or not: the
    reminder count, the outbox and the mail server's log are then the same whoever
    responded. The claim stays, so the new link of someone who responded says "al gebruikt"
    and the new link of someone filling in resumes their draft. The caller commits, then mails."""
    links = []
    for invitation in db.session.scalars(
        select(Invitation).where(Invitation.round_id == round_.id).order_by(Invitation.email)
    ):
        invitation.reminded_on = clock.today()
        links.append((invitation, renew(invitation)))
    return links


def unsent(round_: Round) -> list[tuple[Invitation, str]]:
    """A fresh link for every invitation of the round whose mail was not sent. The caller
    commits, then mails."""
    return [
        (invitation, renew(invitation))
        for invitation in db.session.scalars(
            select(Invitation)
            .where(Invitation.round_id == round_.id, Invitation.mail_status != "sent")
            .order_by(Invitation.email)
        )
    ]


def record_mail(invitations: list[Invitation], failed: set[str]) -> None:
    """The outbox: what happened to each mail, and when (UTC). Commits."""
    now = datetime.now(UTC).replace(tzinfo=None)
    for invitation in invitations:
        invitation.mail_status, invitation.mail_status_at = ("failed" if invitation.email in failed else "sent"), now
    db.session.commit()


def find_invitation(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))


def claim(invitation_id: int, draft_hash: str) -> bool:
    """Claim an unclaimed invitation for a draft, in a transaction of its own (never the
    submission's: then no system column or transaction id joins the invitation to its
    response). False when another request claimed it first."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.claimed_draft_hash.is_(None))
        .values(claimed_draft_hash=draft_hash)
    )
    db.session.commit()
    return result.rowcount == 1
