from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

import clock
from extensions import db


class Programme(db.Model):
    """A (national or regional) programme that several partnerships belong to."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    partnerships: Mapped[list["Partnership"]] = relationship(back_populates="programme", order_by="Partnership.name")


class Partnership(db.Model):
    """A regional partnership (samenwerkingsverband) that measures its collaboration."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable name used in URLs and on the command line.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")
    created_on: Mapped[date] = mapped_column(default=clock.today)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="SET NULL"), index=True)

    programme: Mapped[Programme | None] = relationship(back_populates="partnerships")

    rounds: Mapped[list["Round"]] = relationship(  # noqa: F821
        back_populates="partnership", cascade="all, delete-orphan", order_by="Round.opens_on"
    )

    def first_leader(self):
        """The partnership's contact for respondents: its first project leader by address."""
        from .user import Membership, Role, User  # here, not at the top: user.py imports this module

        return db.session.scalar(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.partnership_id == self.id, Membership.role == Role.LEADER)
            .order_by(User.email)
            .limit(1)
        )
