"""SQLAlchemy 2.0 typed models, one module per aggregate."""

import sqlite3

from sqlalchemy import Engine, event

from .audit import AuditEvent
from .draft import Draft
from .followup import Action, ActionStatus, GuideNote, TimelineNote
from .invitation import AccountInvitation, Invitation, new_token, token_hash
from .partner_map import PartnerMap, PartnerOrganisation
from .partnership import Partnership, Programme
from .password_reset import PasswordReset
from .release import Release
from .response import Answer, Comment, Response, ResponseScore
from .round import Round, RoundState
from .user import Coordinatorship, Membership, Role, User, find_user
from .youth import YouthAnswer, YouthRelease, YouthResponse

__all__ = [
    "AccountInvitation",
    "Action",
    "ActionStatus",
    "Answer",
    "AuditEvent",
    "Comment",
    "Coordinatorship",
    "Draft",
    "GuideNote",
    "Invitation",
    "Membership",
    "PartnerMap",
    "PartnerOrganisation",
    "Partnership",
    "PasswordReset",
    "Programme",
    "Release",
    "Response",
    "ResponseScore",
    "Role",
    "Round",
    "RoundState",
    "TimelineNote",
    "User",
    "YouthAnswer",
    "YouthRelease",
    "YouthResponse",
    "find_user",
    "new_token",
    "token_hash",
]


MAX_ID = 2**31 - 1  # the largest value of an integer primary key column


def database_id(text: str) -> int:
    """An id from a URL: a ValueError (so a 404 or a default, never a database overflow)
    unless it is a positive integer that fits the column."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"not a database id: {text}")
    return value


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """Every SQLite connection: WAL for concurrent readers, enforced foreign keys, and a
    busy timeout so concurrent writers wait instead of failing with "database is locked"."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
