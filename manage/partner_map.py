"""Changing the partner map: every change is a new version holding the whole map (a copy of
the latest version with the change made), dated today, so the map a round had stays as it
was. Services flush; the view commits."""

from __future__ import annotations

import clock
from extensions import db
from models import PartnerMap, PartnerOrganisation
from models.partner_map import map_on, next_number

#: A partner map names the organisations at a partnership's tables, not a directory.
MAX_ORGANISATIONS = 100


def new_version(partnership_id: int) -> PartnerMap:
    """A new version of the map, dated today, with a copy of every organisation of the latest."""
    latest = map_on(partnership_id)
    version = PartnerMap(partnership_id=partnership_id, saved_on=clock.today())
    for organisation in latest.organisations if latest else []:
        version.organisations.append(
            PartnerOrganisation(
                number=organisation.number,
                name=organisation.name,
                domain=organisation.domain,
                seats=dict(organisation.seats),
            )
        )
    db.session.add(version)
    return version


def add_organisation(partnership_id: int, name: str, domain: str, seats: dict[str, str]) -> PartnerOrganisation:
    organisation = PartnerOrganisation(number=next_number(partnership_id), name=name, domain=domain, seats=seats)
    new_version(partnership_id).organisations.append(organisation)
    db.session.flush()
    return organisation


def change_organisation(partnership_id: int, number: int, name: str, domain: str, seats: dict[str, str]) -> None:
    organisation = new_version(partnership_id).organisation(number)
    organisation.name, organisation.domain, organisation.seats = name, domain, seats
    db.session.flush()


def remove_organisation(partnership_id: int, number: int) -> None:
    version = new_version(partnership_id)
    version.organisations.remove(version.organisation(number))
    db.session.flush()


def same_name(version: PartnerMap | None, name: str, number: int | None = None) -> bool:
    """Whether another organisation on the map (not `number`) has this name, whatever its case."""
    return version is not None and any(
        o.name.casefold() == name.casefold() and o.number != number for o in version.organisations
    )
