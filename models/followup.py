"""What a partnership does with its results: agreed actions, the meeting's notes per point of
the discussion guide, and dated notes on the time axis (the partnership's own or its
programme's)."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db

from .audit import utc_now

DIMENSION_KEYS = ("urgency", "investment", "momentum", "youth", "levels", "daring")  # as in the instrument
TITLE_MAX = 200
OWNER_MAX = 200
NOTE_MAX = 2000
TIMELINE_TEXT_MAX = 300
POINT_KEY_MAX = 80


class ActionStatus(enum.Enum):
    PLANNED = "gepland"
    ONGOING = "bezig"
    DONE = "klaar"
    STOPPED = "gestopt"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.PLANNED, ActionStatus.ONGOING)


class Action(db.Model):
    """An agreed action (afspraak): what the partnership will try, to improve which dimensions."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    #: The round whose results it answers; its scores are the baseline of the experiment log.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: Dimension keys it should improve, one or more, in instrument order.
    dimensions: Mapped[list] = mapped_column(JSON)
    #: A name or a role as text: the owner needs no account.
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(
        Enum(ActionStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=ActionStatus.PLANNED,
    )
    #: What happened, in short.
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    #: The guide point it was made from (e.g. "weakest:investment"), if any.
    point_key: Mapped[str | None] = mapped_column(String(POINT_KEY_MAX))
    #: UTC.
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    round: Mapped["Round | None"] = relationship()  # noqa: F821

    @validates("dimensions")
    def _known_dimensions(self, _key, value):
        if not value or any(key not in DIMENSION_KEYS for key in value):
            raise ValueError(f"dimensions must be one or more of {', '.join(DIMENSION_KEYS)}: {value!r}")
        return [key for key in DIMENSION_KEYS if key in value]

    def overdue(self, today: date) -> bool:
        return self.status.is_open and self.due_on is not None and self.due_on < today


class GuideNote(db.Model):
    """What the meeting concluded about one point of a round's discussion guide."""

    __tablename__ = "guide_note"
    __table_args__ = (UniqueConstraint("round_id", "point_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    point_key: Mapped[str] = mapped_column(String(POINT_KEY_MAX))
    text: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class TimelineNote(db.Model):
    """A dated event beside the scores: a covenant, a funding decision, a new alderman. Of one
    partnership or of a whole programme (a national agreement), never both."""

    __tablename__ = "timeline_note"
    __table_args__ = (CheckConstraint("(partnership_id IS NULL) <> (programme_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[date]
    text: Mapped[str] = mapped_column(String(TIMELINE_TEXT_MAX))
