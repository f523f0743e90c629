from datetime import date

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

import clock
from extensions import db


class Draft(db.Model):
    """Answers of a questionnaire in progress, so they survive page changes, reloads and
    hours of waiting. Found only through the random token in the respondent's session, and
    deleted in the same transaction that stores the response.

    A draft made for a personal link is marked by `claim_hash`, the SHA-256 of its token,
    which its invitation holds as `claimed_draft_hash`: opening the link again finds it
    (the link is the credential, on any device). Open-link drafts have none."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    claim_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    #: {"answers": {item: value|null}, "comments": {dimension: text}, "profile": {question: option}}
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Day of the last change, to clean up abandoned drafts.
    updated_on: Mapped[date] = mapped_column(default=clock.today, onupdate=clock.today)

    @property
    def personal(self) -> bool:
        return self.claim_hash is not None
