"""Who is at which table (issue 13): the partner organisations a partnership's leaders record,
each with its domain and how often it takes part in each table (the casusoverleg on the work
floor, policy, governance). Not anonymous: leaders type the names, and everyone with access to
the partnership reads them.

Every save stores the whole map as a new version, dated with the Dutch day it was saved, so a
round keeps the map as it was: the latest version saved on or before a given day (`map_on`).
An organisation keeps its `number` from version to version, so two versions can be compared
organisation by organisation (and a page can name one in its URL) whatever else changed."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

import clock
from extensions import db

#: How often an organisation sits at a table, strongest first: every meeting, now and then, not.
FREQUENCIES = ("vast", "soms", "niet")
NAME_MAX = 200
DOMAIN_MAX = 40


class PartnerMap(db.Model):
    """One saved version of a partnership's partner map: all of its organisations."""

    __tablename__ = "partner_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    #: The Dutch day it was saved (clock.today()); of two versions on one day the later id counts.
    saved_on: Mapped[date] = mapped_column(default=clock.today)

    organisations: Mapped[list["PartnerOrganisation"]] = relationship(
        back_populates="map", cascade="all, delete-orphan", passive_deletes=True, order_by="PartnerOrganisation.number"
    )

    def by_name(self) -> list["PartnerOrganisation"]:
        """The organisations in alphabetical order (the same on every database)."""
        return sorted(self.organisations, key=lambda o: (o.name.casefold(), o.number))

    def organisation(self, number: int) -> "PartnerOrganisation | None":
        return next((o for o in self.organisations if o.number == number), None)


class PartnerOrganisation(db.Model):
    """An organisation on one version of the map: its name, domain and place at each table."""

    __tablename__ = "partner_organisation"
    __table_args__ = (UniqueConstraint("map_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("partner_map.id", ondelete="CASCADE"), index=True)
    #: The organisation's identity within its partnership, the same in every version.
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: A key of the instrument's domain question ("onderwijs", "gemeente", ...).
    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX))
    #: Per table (a key of the instrument's level question: "werkvloer", "beleid", "bestuur")
    #: one of FREQUENCIES; a table not named is one it does not sit at.
    seats: Mapped[dict] = mapped_column(JSON)

    map: Mapped[PartnerMap] = relationship(back_populates="organisations")


def map_on(partnership_id: int, day: date | None = None) -> PartnerMap | None:
    """The version that held on `day`: the latest saved on or before it (None when the map
    began later). Without a day, the latest version."""
    query = select(PartnerMap).where(PartnerMap.partnership_id == partnership_id)
    if day is not None:
        query = query.where(PartnerMap.saved_on <= day)
    return db.session.scalar(query.order_by(PartnerMap.saved_on.desc(), PartnerMap.id.desc()).limit(1))


def next_number(partnership_id: int) -> int:
    """A number no organisation of the partnership ever had, in any version."""
    highest = db.session.scalar(
        select(func.max(PartnerOrganisation.number))
        .join(PartnerMap, PartnerMap.id == PartnerOrganisation.map_id)
        .where(PartnerMap.partnership_id == partnership_id)
    )
    return (highest or 0) + 1
