"""Changing and resetting passwords. Every new password raises the user's session version
(which signs out every other session and, being part of the sign-in limit's key, lifts a
lock-out) and retires the user's open reset links."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from extensions import db
from models import PasswordReset, User, find_user, new_token, token_hash

MIN_PASSWORD_LENGTH = 10
#: The sign-in form takes at most this many characters, so no longer password may be set.
MAX_PASSWORD_LENGTH = 500
RESET_VALID_FOR = timedelta(hours=1)


class PasswordError(ValueError):
    pass


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(f"A password has at most {MAX_PASSWORD_LENGTH} characters.")


def set_new_password(user: User, password: str) -> None:
    """Set the password, end every session of the user and retire their reset links (flushed;
    the caller commits)."""
    check_new_password(password)
    user.set_password(password)  # raises the session version
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.flush()


def request_reset(email: str, token: str) -> bool:
    """Store (the hash of) `token` as the only open reset link of the account with this email,
    valid for an hour (flushed; the caller commits). False, and nothing stored, when there is no
    such account."""
    user = find_user(email)
    if user is None:
        return False
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.add(PasswordReset(user_id=user.id, token_hash=token_hash(token), expires_at=utc_now() + RESET_VALID_FOR))
    db.session.flush()
    return True


def open_reset(token: str) -> PasswordReset | None:
    """The reset behind a token if it is open and not expired; else None."""
    return db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token), PasswordReset.expires_at > utc_now())
    )


def new_reset_token() -> str:
    return new_token()
