"""The partner map on the dashboard, in the report and in the discussion guide.

A round's map is the version that held on its closing day (today for a round still open):
changing the map after a round closed leaves that round's map as it was. Beside it, the
respondents per domain come from the round's release through comparison(), like every other
figure: a number only for a domain group the release shows, never for a hidden one or a
round that may not be shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import clock
from models import PartnerMap, Round
from models.partner_map import map_on
from surveys.instrument import Instrument

from .coverage import Coverage, MapChange, Partner, coverage, map_change
from .results import GroupResult, RoundResult, comparison

NO_ANSWER = "geen_antwoord"  # "zeg ik liever niet" is no domain or table
#: "Anders" is a row of the matrix, but no domain that can be missing from a table.
OTHER = "anders"


def map_day(round_: Round, today: date | None = None) -> date:
    """The day whose map belongs to a round: its closing day, or today while that is to come."""
    return min(round_.closes_on, today or clock.today())


def domains_of(instrument: Instrument) -> tuple[str, ...]:
    return tuple(o.key for o in instrument.profile_question("domain").options if o.key != NO_ANSWER)


def tables_of(instrument: Instrument) -> tuple[str, ...]:
    return tuple(o.key for o in instrument.profile_question("level").options if o.key != NO_ANSWER)


def partners_of(version: PartnerMap | None) -> tuple[Partner, ...]:
    if version is None:
        return ()
    return tuple(Partner(o.number, o.name, o.domain, dict(o.seats)) for o in version.by_name())


def coverage_of(partners: tuple[Partner, ...], instrument: Instrument) -> Coverage:
    """The matrix of the instrument's domains (rows) and tables (columns); every domain but
    "anders" is expected at every table."""
    domains = domains_of(instrument)
    return coverage(partners, domains, tables_of(instrument), tuple(d for d in domains if d != OTHER))


@dataclass(frozen=True)
class Respondents:
    """Respondents per domain of the round shown, as far as its release shows them."""

    groups: dict[str, GroupResult]  # only the domain groups the release shows (n, and their release)
    hidden: tuple[str, ...]  # the rest: never a number


@dataclass(frozen=True)
class PartnerSection:
    version: PartnerMap  # the map shown
    partners: tuple[Partner, ...]
    coverage: Coverage
    #: The map began after the round's day: the section shows the current map instead.
    after_round: bool
    #: The day of a version saved after the one shown, if the map changed since (else None).
    changed_since: date | None
    compared: Round | None
    compared_version: PartnerMap | None  # None with a compared round: it had no map yet
    change: MapChange | None
    respondents: Respondents | None  # None: the round may not be shown


def respondents(current: RoundResult, instrument: Instrument) -> Respondents | None:
    if not current.shown:
        return None
    groups = comparison(current, "domain", domains_of(instrument))
    return Respondents({group.key: group for group in groups.groups}, groups.hidden)


def compared_change(
    partnership_id: int, compared: Round | None, partners: tuple[Partner, ...], instrument: Instrument
) -> tuple[PartnerMap | None, MapChange | None]:
    """The compared round's map and what changed since it (None when either is missing)."""
    if compared is None:
        return None, None
    version = map_on(partnership_id, map_day(compared))
    if version is None:
        return None, None
    before = partners_of(version)
    old, new = coverage_of(before, instrument), coverage_of(partners, instrument)
    return version, map_change(before, partners, old, new)


def partner_section(
    partnership_id: int, current: RoundResult, compared: Round | None, instrument: Instrument
) -> PartnerSection | None:
    """The map of `current`'s round compared with that of `compared`; None without any map."""
    latest = map_on(partnership_id)
    if latest is None:
        return None
    version = map_on(partnership_id, map_day(current.round))
    after_round = version is None
    version = version or latest
    partners = partners_of(version)
    changed_since = latest.saved_on if latest.id != version.id else None
    compared_version, change = compared_change(partnership_id, compared, partners, instrument)
    return PartnerSection(
        version,
        partners,
        coverage_of(partners, instrument),
        after_round,
        changed_since,
        compared,
        compared_version,
        change,
        respondents(current, instrument),
    )
