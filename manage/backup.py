"""Backup and restore: every row of a partnership (or of everything) to one JSON file, and
back into an empty database. The file carries a SHA-256 of its content and the schema
revision, so a damaged or foreign file is refused before anything is written."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from enum import Enum as PyEnum

from sqlalchemy import Date, DateTime, Enum, Table, func, insert, select, text

from extensions import db

FORMAT = "samenwerkingsmonitor-backup"
VERSION = 1
# Unfinished questionnaires are not part of a backup: they are not data anyone has given yet.
SKIPPED = {"draft", "password_reset"}


class BackupError(ValueError):
    """The file cannot be restored; the message says why. The database is untouched."""


def tables() -> list[Table]:
    return [table for table in db.metadata.sorted_tables if table.name not in SKIPPED]


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, PyEnum):
        return value.value
    return value


def _typed(table: Table, row: dict) -> dict:
    result = {}
    for name, value in row.items():
        column_type = table.c[name].type
        if value is not None and isinstance(column_type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column_type, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(column_type, Enum) and column_type.enum_class:
            value = column_type.enum_class(value)
        result[name] = value
    return result


def _selection(table: Table, partnership_id: int | None):
    """The rows of a table that belong to one partnership (or all rows)."""
    query = select(table).order_by(*table.primary_key.columns)
    if partnership_id is None:
        return query
    t = db.metadata.tables
    rounds = select(t["round"].c.id).where(t["round"].c.partnership_id == partnership_id)
    responses = select(t["response"].c.id).where(t["response"].c.round_id.in_(rounds))
    members = select(t["membership"].c.user_id).where(t["membership"].c.partnership_id == partnership_id)
    maps = select(t["partner_map"].c.id).where(t["partner_map"].c.partnership_id == partnership_id)
    youth = select(t["youth_response"].c.id).where(t["youth_response"].c.round_id.in_(rounds))
    by_partnership = lambda: table.c.partnership_id == partnership_id  # noqa: E731
    by_response = lambda: table.c.response_id.in_(responses)  # noqa: E731
    conditions = {
        "partnership": lambda: table.c.id == partnership_id,
        "round": by_partnership,
        "response": lambda: table.c.round_id.in_(rounds),
        "answer": by_response,
        "comment": by_response,
        "response_score": by_response,
        "invitation": lambda: table.c.round_id.in_(rounds),
        "release": lambda: table.c.round_id.in_(rounds),
        "membership": by_partnership,
        "user_account": lambda: table.c.id.in_(members),
        "audit_event": by_partnership,
        "account_invitation": by_partnership,
        "action": by_partnership,
        "guide_note": lambda: table.c.round_id.in_(rounds),
        # A programme's notes are the programme's: only in a full backup, like the programme.
        "timeline_note": by_partnership,
        "partner_map": by_partnership,
        "partner_organisation": lambda: table.c.map_id.in_(maps),
        "youth_response": lambda: table.c.round_id.in_(rounds),
        "youth_answer": lambda: table.c.response_id.in_(youth),
        "youth_release": lambda: table.c.round_id.in_(rounds),
    }
    condition = conditions.get(table.name)
    # Programmes and coordinators belong to no single partnership: only in a full backup.
    return query.where(condition()) if condition else None


def _checksum(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def current_revision() -> str | None:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def export(partnership_id: int | None = None) -> dict:
    content = {"revision": current_revision(), "tables": {}}
    for table in tables():
        query = _selection(table, partnership_id)
        if query is None:
            continue
        rows = db.session.execute(query).mappings()
        content["tables"][table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    if partnership_id is not None:
        for row in content["tables"].get("partnership", []):
            row["programme_id"] = None  # the programme is not in this file
    return {"format": FORMAT, "version": VERSION, "sha256": _checksum(content), "content": content}


def load(raw: bytes) -> dict:
    """Parse and check a backup file; BackupError when it is not one we can restore."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"not a backup file (no valid JSON: {error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("not a Samenwerkingsmonitor backup file")
    if document.get("version") != VERSION:
        raise BackupError(f"backup format version {document.get('version')} is not supported (expected {VERSION})")
    content = document.get("content")
    if not isinstance(content, dict) or document.get("sha256") != _checksum(content):
        raise BackupError("the file is damaged: its checksum does not match its content")
    if content.get("revision") != current_revision():
        raise BackupError(
            f"the backup is of schema revision {content.get('revision')}, this database is at {current_revision()}: "
            "restore into a database at the same revision"
        )
    known = {table.name for table in tables()}
    unknown = set(content.get("tables", {})) - known
    if unknown:
        raise BackupError(f"the file holds unknown tables: {', '.join(sorted(unknown))}")
    return content


def restore(raw: bytes) -> dict[str, int]:
    """Insert every row of a backup into an empty database, in one transaction. Returns
    rows per table."""
    content = load(raw)
    for table in tables():
        if db.session.scalar(select(func.count()).select_from(table)):
            raise BackupError(
                f"the database is not empty (table {table.name} has rows): restore into an empty database"
            )
    counts = {}
    try:
        for table in tables():
            rows = [_typed(table, row) for row in content["tables"].get(table.name, [])]
            if rows:
                db.session.execute(insert(table), rows)
            counts[table.name] = len(rows)
        if db.session.get_bind().dialect.name == "postgresql":
            for table in tables():  # ids were given: move the sequences past them
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"  # noqa: E501
                    )
                )
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        raise BackupError(f"the rows could not be restored, nothing was written: {error}") from error
    return counts
