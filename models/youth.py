"""The young people's answers (de jongerenversie), kept apart from the professionals'.

Their own tables, so no query of the professionals' figures (scores, releases, exports, the
quality panel, the API) can ever count them. Like a Response, a YouthResponse holds nothing
that identifies the young person: no profile, no free text, the day only, a random id.
Youth figures are released in steps by the same rule as the professionals'
(dashboard/youth.py), in YouthRelease."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .release import ReleaseColumns
from .response import RESPONSE_ID, random_response_id


class YouthResponse(db.Model):
    __tablename__ = "youth_response"

    id: Mapped[int] = mapped_column(RESPONSE_ID, primary_key=True, autoincrement=False, default=random_response_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    submitted_on: Mapped[date]
    language: Mapped[str] = mapped_column(String(5))
    #: The youth release it first counts in; None while it waits for enough others.
    release_number: Mapped[int | None]

    answers: Mapped[list["YouthAnswer"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class YouthAnswer(db.Model):
    __tablename__ = "youth_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_key"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_on_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        RESPONSE_ID, ForeignKey("youth_response.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(80))
    #: 1..5; None for "weet ik niet".
    value: Mapped[int | None] = mapped_column(SmallInteger)


class YouthRelease(ReleaseColumns, db.Model):
    """A release of a round's youth figures: {"items": {key: aggregate}, "unknown": {key: n},
    "displayed": {...}}, laid out like Release.figures' items."""

    __tablename__ = "youth_release"
