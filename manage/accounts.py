"""Leader accounts and their access to partnerships."""
from sqlalchemy import func, select

from extensions import db
from models import Membership, Partnership, Role, User

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    pass


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, password: str, name: str = "", is_admin: bool = False) -> User:
    email = email.strip()
    if "@" not in email:
        raise AccountError(f"'{email}' is not an email address.")
    if find_user(email):
        raise AccountError(f"A user with email {email} exists already.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(email=email, name=name, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def grant(user: User, partnership: Partnership, role: Role) -> Membership:
    """Give the user a role in the partnership (replacing an earlier role there)."""
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.partnership_id == partnership.id)
    )
    if membership is None:
        membership = Membership(user=user, partnership=partnership, role=role)
        db.session.add(membership)
    membership.role = role
    db.session.commit()
    return membership
