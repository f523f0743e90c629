"""Who is at which table, worked out from a partner map: per domain and table how many
organisations sit there and how often the most frequent of them does, which domains are
missing from each table, and what changed between two versions of the map. Plain Python (no
Flask, no database): partners in, plain data out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: The frequencies that put an organisation at a table, strongest first ("niet" does not; the
#: stored ones are models.partner_map.FREQUENCIES, which the core does not import).
AT_TABLE = ("vast", "soms")


@dataclass(frozen=True)
class Partner:
    number: int  # the same in every version of the map
    name: str
    domain: str
    seats: Mapping[str, str]  # table key -> "vast", "soms" or "niet"

    def frequency(self, table: str) -> str:
        value = self.seats.get(table, "niet")
        return value if value in AT_TABLE else "niet"

    def at(self, table: str) -> bool:
        return self.frequency(table) != "niet"


@dataclass(frozen=True)
class Cell:
    count: int  # organisations of the domain at the table
    strongest: str | None  # "vast" if any of them sits there every time, else "soms"; None if none


@dataclass(frozen=True)
class Coverage:
    domains: tuple[str, ...]  # rows
    tables: tuple[str, ...]  # columns
    cells: Mapping[tuple[str, str], Cell]
    expected: tuple[str, ...]  # the domains whose absence from a table counts as missing

    def cell(self, domain: str, table: str) -> Cell:
        return self.cells[(domain, table)]

    def missing(self, table: str) -> tuple[str, ...]:
        """The expected domains no organisation represents at the table, in row order."""
        return tuple(d for d in self.expected if self.cells[(d, table)].count == 0)

    def gaps(self) -> dict[str, tuple[str, ...]]:
        """Per table with a missing domain, those domains (tables in column order)."""
        return {table: missing for table in self.tables if (missing := self.missing(table))}


def coverage(
    partners: Iterable[Partner], domains: tuple[str, ...], tables: tuple[str, ...], expected: tuple[str, ...]
) -> Coverage:
    """The matrix domain x table of the partners; a partner of a domain not in `domains` counts nowhere."""
    partners = list(partners)
    cells = {}
    for domain in domains:
        for table in tables:
            seated = [p.frequency(table) for p in partners if p.domain == domain and p.at(table)]
            strongest = next((f for f in AT_TABLE if f in seated), None)
            cells[(domain, table)] = Cell(len(seated), strongest)
    return Coverage(domains, tables, cells, tuple(d for d in domains if d in expected))


@dataclass(frozen=True)
class MapChange:
    """What changed from one version of the map to another."""

    added: tuple[Partner, ...]
    removed: tuple[Partner, ...]
    newly_missing: dict[str, tuple[str, ...]]  # per table, domains that were at it and are not now
    newly_covered: dict[str, tuple[str, ...]]  # per table, domains that were missing and are at it now

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.newly_missing or self.newly_covered)


def map_change(before: Iterable[Partner], after: Iterable[Partner], old: Coverage, new: Coverage) -> MapChange:
    """From the map `before` (with its coverage `old`) to `after` (coverage `new`); organisations
    are matched by number, so a renamed one is neither added nor removed."""
    before, after = list(before), list(after)
    earlier, later = {p.number for p in before}, {p.number for p in after}
    missing = {table: set(old.missing(table)) for table in new.tables}
    newly_missing = {
        table: gone for table in new.tables if (gone := tuple(d for d in new.missing(table) if d not in missing[table]))
    }
    newly_covered = {
        table: back
        for table in new.tables
        if (back := tuple(d for d in new.expected if d in missing[table] and d not in new.missing(table)))
    }
    return MapChange(
        tuple(p for p in after if p.number not in earlier),
        tuple(p for p in before if p.number not in later),
        newly_missing,
        newly_covered,
    )
