"""A release of a round's results: what leaders may see, fixed once it is made.

Results are published in steps: a release is made only when enough responses arrived since
the previous one, and it holds every figure computed once (see dashboard/releases.py), so a
page shows the same numbers whenever it is opened until the next release."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, UniqueConstraint, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

import clock
from extensions import db


class ReleaseColumns:
    """What every release has, the professionals' (Release) and the young people's
    (YouthRelease): one release rule works on both (dashboard/releases.py)."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... per round; a response's release_number says in which it first counts.
    number: Mapped[int]
    released_on: Mapped[date] = mapped_column(default=clock.today)
    #: Respondents counted in this release and all before it.
    n: Mapped[int]
    #: The figures that may be shown (see dashboard/releases.py for the layout).
    figures: Mapped[dict] = mapped_column(JSON)
    #: Leaders could see it (results not hidden while it was the latest). Releases replaced
    #: while results were hidden were never seen and do not constrain later ones.
    shown: Mapped[bool] = mapped_column(default=False, server_default=false())


class Release(ReleaseColumns, db.Model):
    __tablename__ = "release"

    #: {"first": {dimension: [the first comments in comment order]}, "counts": {dimension: n}},
    #: fixed with the release like its figures, so a dashboard reads them whatever the round's
    #: size. None for releases made before they were stored: read from the comments then.
    #: Deferred: only the dashboard and the report need them.
    comments: Mapped[dict | None] = mapped_column(JSON, deferred=True, sort_order=1)  # last, as migrated

    round: Mapped["Round"] = relationship(back_populates="releases")  # noqa: F821
