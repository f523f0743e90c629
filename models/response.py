"""A submitted questionnaire. Nothing here identifies the respondent: no IP, no user
agent, no account, no invitation, and only the day of submission. Its id is random, so ids
do not tell the order in which responses came in."""

import secrets
from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

#: 64-bit on PostgreSQL; SQLite's INTEGER PRIMARY KEY is 64-bit already (and stays the rowid).
RESPONSE_ID = BigInteger().with_variant(Integer(), "sqlite")


def random_response_id() -> int:
    return secrets.randbelow(2**62) + 1


class Response(db.Model):
    __tablename__ = "response"
    __table_args__ = (Index("ix_response_round_release", "round_id", "release_number"),)

    id: Mapped[int] = mapped_column(RESPONSE_ID, primary_key=True, autoincrement=False, default=random_response_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    #: The day only: a finer timestamp could single out a respondent.
    submitted_on: Mapped[date]
    #: Profile answers (keys of the instrument's profile options).
    level: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str] = mapped_column(String(40))
    #: Interface language the questionnaire was answered in.
    language: Mapped[str] = mapped_column(String(5))
    #: The release of its round's results this response first counts in; None while it
    #: waits for enough others (see dashboard/releases.py).
    release_number: Mapped[int | None]

    round: Mapped["Round"] = relationship(back_populates="responses")  # noqa: F821
    answers: Mapped[list["Answer"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    comments: Mapped[list["Comment"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    scores: Mapped[list["ResponseScore"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_key"),
        # Covering: a round's answer counts read this index only (PostgreSQL: an index-only
        # scan per response of the round, never a scan of every partnership's answers).
        Index("ix_answer_response_item_value", "response_id", "item_key", "value"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_on_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(RESPONSE_ID, ForeignKey("response.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(80))
    #: 1..5 as answered (not flipped); None for "weet ik niet / n.v.t.".
    value: Mapped[int | None] = mapped_column(SmallInteger)


class Comment(db.Model):
    __tablename__ = "comment"
    __table_args__ = (UniqueConstraint("response_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(RESPONSE_ID, ForeignKey("response.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)


class ResponseScore(db.Model):
    """A respondent's score on one dimension, written with the response so that group
    aggregates are plain SQL over a small table. No row when too few statements were answered."""

    __tablename__ = "response_score"
    __table_args__ = (
        UniqueConstraint("response_id", "dimension"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_on_scale"),
        # Covering, like the answers' index: a round's score sums read this index only.
        Index("ix_response_score_response_dimension_score", "response_id", "dimension", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(RESPONSE_ID, ForeignKey("response.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(40), index=True)
    score: Mapped[float]
