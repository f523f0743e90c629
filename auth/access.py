"""Who may see what: the one place that decides. Everything a leader opens goes through
`partnership_or_404` (and `round_or_404`); a partnership the user may not see does not exist
for them (404, not 403, so its existence leaks nothing)."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from models import Coordinatorship, Membership, Partnership, Programme, Role, Round

RANK = {Role.VIEWER: 1, Role.LEADER: 2}


def role_in(user, partnership: Partnership) -> Role | None:
    """The user's role in a partnership; administrators lead every partnership."""
    if not user.is_authenticated:
        return None
    if user.is_admin:
        return Role.LEADER
    return db.session.scalar(
        select(Membership.role).where(Membership.user_id == user.id, Membership.partnership_id == partnership.id)
    )


def may_see(user, partnership: Partnership, minimum: Role = Role.VIEWER) -> bool:
    role = role_in(user, partnership)
    return role is not None and RANK[role] >= RANK[minimum]


def partnership_or_404(slug: str, minimum: Role = Role.VIEWER) -> Partnership:
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == slug))
    if partnership is None or not may_see(current_user, partnership, minimum):
        abort(404)
    return partnership


def round_or_404(partnership: Partnership, round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.partnership_id != partnership.id:
        abort(404)
    return round_


def visible_partnerships(user) -> list[Partnership]:
    query = select(Partnership).order_by(Partnership.name)
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id)
    return list(db.session.scalars(query))


def admin_or_404() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


def programme_or_404(slug: str) -> Programme:
    """A programme, for its coordinators and administrators only."""
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None or not current_user.is_authenticated:
        abort(404)
    if not current_user.is_admin and not db.session.scalar(
        select(Coordinatorship).where(
            Coordinatorship.user_id == current_user.id, Coordinatorship.programme_id == programme.id
        )
    ):
        abort(404)
    return programme


def sees_instrument_quality(user) -> bool:
    """Administrators and programme coordinators (of any programme): the instrument's quality,
    pooled over every partnership (dashboard/quality.py)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_admin
        or db.session.scalar(select(Coordinatorship.id).where(Coordinatorship.user_id == user.id).limit(1)) is not None
    )


def visible_programmes(user) -> list[Programme]:
    query = select(Programme).order_by(Programme.name)
    if not user.is_admin:
        query = query.join(Coordinatorship).where(Coordinatorship.user_id == user.id)
    return list(db.session.scalars(query))


def led_partnerships(user) -> list[Partnership]:
    """Partnerships the user may manage."""
    query = select(Partnership).order_by(Partnership.name)
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id, Membership.role == Role.LEADER)
    return list(db.session.scalars(query))
