import enum
import secrets
from datetime import date, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

import clock
from extensions import db

# Public codes avoid look-alike characters (0/o, 1/l/i) so a link can be read aloud.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
#: Days before the closing day a round can mail its invitees a reminder on (the round form).
REMINDER_DAYS = (14, 7, 3, 2, 1)


def new_public_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class RoundState(enum.Enum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


class Round(db.Model):
    """One measurement (meting: T0, T1, ...) of a partnership, answered through one link."""

    __tablename__ = "round"
    __table_args__ = (CheckConstraint("opens_on <= closes_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The instrument version this round was answered with; pinned when the round is made.
    instrument_version: Mapped[int]
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    #: Closed by hand before its closing date.
    closed_early: Mapped[bool] = mapped_column(default=False)
    #: Leaders see no results while the round is open, so early answers do not steer the rest.
    #: On by default, however the round is made (the management pages, the command line).
    hide_results_while_open: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: Days before closing on which `flask daily` mails every invitee a reminder ("7,2"), and
    #: those already mailed: each goes once, however often the command runs.
    reminder_days: Mapped[str] = mapped_column(String(40), default="", server_default="")
    reminders_sent: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: When and how the results will be discussed, for the questionnaire's intro.
    discussion: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The leader's own opening paragraph of the round's invitations and reminders.
    mail_opening: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    #: How many people the round asks to take part (a team, a mailing list, a meeting): the
    #: denominator of its response rate. None: the number of personal invitations, if any.
    audience: Mapped[int | None] = mapped_column(default=None)
    #: Random code in the public survey link.
    public_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_code)
    #: Random code in the youth questionnaire's link (/j/<code>): the young people's answers
    #: are stored apart (models/youth.py), never in the professionals' figures.
    youth_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_code)

    partnership: Mapped["Partnership"] = relationship(back_populates="rounds")  # noqa: F821
    responses: Mapped[list["Response"]] = relationship(  # noqa: F821
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )
    releases: Mapped[list["Release"]] = relationship(  # noqa: F821
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True, order_by="Release.number"
    )
    invitations: Mapped[list["Invitation"]] = relationship(  # noqa: F821
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True, order_by="Invitation.email"
    )

    @property
    def reminders(self) -> list[int]:
        """The chosen reminder days, most days before closing first (the round form's field)."""
        return _days(self.reminder_days)

    @reminders.setter
    def reminders(self, days) -> None:
        self.reminder_days = ",".join(str(d) for d in sorted({int(d) for d in days or ()}, reverse=True))

    def reminders_due(self, today: date | None = None) -> list[int]:
        """Chosen reminder days whose day has come and that were not mailed yet; none unless open."""
        today = today or clock.today()
        if self.state(today) is not RoundState.OPEN:
            return []
        sent = set(_days(self.reminders_sent))
        return [d for d in self.reminders if d not in sent and self.closes_on - timedelta(days=d) <= today]

    def results_hidden(self, today: date | None = None) -> bool:
        return self.hide_results_while_open and self.state(today) is not RoundState.CLOSED

    def days_left(self, today: date | None = None) -> int | None:
        today = today or clock.today()
        return (self.closes_on - today).days + 1 if self.state(today) is RoundState.OPEN else None

    def reopened_since(self, previous: RoundState, today: date | None = None) -> bool:
        """Whether a change (the open button, or new dates in the round form) took the round
        from closed to open or not yet open: that counts as reopening, and is logged as such."""
        return previous is RoundState.CLOSED and self.state(today) is not RoundState.CLOSED

    def reopen(self, today: date, days: int) -> bool:
        """Open the round now: no longer closed early, open from today at the latest and, when
        its closing day has passed, for `days` more. True when the closing day moved."""
        self.closed_early = False
        self.opens_on = min(self.opens_on, today)
        if self.closes_on >= today:
            return False
        self.closes_on = today + timedelta(days=days)
        return True

    def state(self, today: date | None = None) -> RoundState:
        today = today or clock.today()
        if self.closed_early or today > self.closes_on:
            return RoundState.CLOSED
        if today < self.opens_on:
            return RoundState.NOT_YET_OPEN
        return RoundState.OPEN


def _days(text: str) -> list[int]:
    return [int(d) for d in text.split(",") if d.strip()]
