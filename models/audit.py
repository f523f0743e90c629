from datetime import UTC, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class AuditEvent(db.Model):
    """Who opened, closed, exported, invited or deleted what, and when: for the leaders of
    the partnership. Respondents never appear here."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    #: The leader's email at the time (kept when the account goes).
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(500), default="")
    #: UTC.
    at: Mapped[datetime] = mapped_column(default=utc_now)
