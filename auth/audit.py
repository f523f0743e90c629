"""The audit log: one line per thing a leader did to a partnership."""

from flask import has_request_context
from flask_login import current_user

from extensions import db
from models import AuditEvent, Partnership


def record(partnership: Partnership, action: str, detail: str = "") -> None:
    """Add an event to the session; it is committed with the change it describes."""
    signed_in = has_request_context() and current_user.is_authenticated  # a command runs without a request
    actor = current_user.email if signed_in else "system"
    db.session.add(AuditEvent(partnership_id=partnership.id, actor=actor, action=action, detail=detail[:500]))
