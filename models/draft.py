from datetime import date

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Draft(db.Model):
    """Answers of a questionnaire in progress, so they survive page changes, reloads and
    hours of waiting. Found only through the random token in the respondent's session, and
    deleted in the same transaction that stores the response."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    #: {"answers": {item: value|null}, "comments": {dimension: text}, "profile": {question: option}}
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Day of the last change, to clean up abandoned drafts.
    updated_on: Mapped[date] = mapped_column(default=date.today, onupdate=date.today)
