"""Personal survey links and invitations to an account. Only a hash of each token is kept:
the link itself exists in the email and nowhere else (a personal survey link is never shown
to a leader)."""

import hashlib
import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

import clock
from extensions import db

from .user import Role


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(db.Model):
    """A personal, single-use survey link for one email address in one round.

    It never records whether its person responded, and no submission touches it (so no
    system column or transaction joins it to a response). Opening the link claims it for one
    draft, in a transaction of its own: `claimed_draft_hash` is the SHA-256 of that draft's
    token. While the draft exists the link resumes it; once the draft is submitted (and so
    deleted) the link is used; the purge of abandoned drafts unclaims it again."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("round_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    claimed_draft_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_on: Mapped[date] = mapped_column(default=clock.today)
    reminded_on: Mapped[date | None]
    #: The outbox: "pending" until the mail was tried, then "sent" or "failed", with when
    #: (UTC). Anything but "sent" is listed to the leader as not sent, to send again.
    mail_status: Mapped[str] = mapped_column(String(10), default="pending")
    mail_status_at: Mapped[datetime | None]

    round: Mapped["Round"] = relationship(back_populates="invitations")  # noqa: F821

    @property
    def sent(self) -> bool:
        return self.mail_status == "sent"


class AccountInvitation(db.Model):
    """An invitation to become leader or viewer of a partnership, or coordinator of a
    programme: the link lets the person set a password (or adds the role to their account)."""

    __tablename__ = "account_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: A partnership role, or None for a programme coordinator.
    role: Mapped[Role | None] = mapped_column(
        db.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    expires_on: Mapped[date]
    accepted: Mapped[bool] = mapped_column(default=False)
