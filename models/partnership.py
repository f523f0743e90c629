from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db


class Partnership(db.Model):
    """A regional partnership (samenwerkingsverband) that measures its collaboration."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable name used in URLs and on the command line.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")
    created_on: Mapped[date] = mapped_column(default=date.today)

    rounds: Mapped[list["Round"]] = relationship(  # noqa: F821
        back_populates="partnership", cascade="all, delete-orphan", order_by="Round.opens_on"
    )
