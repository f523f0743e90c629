import enum

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from text_rules import normal_email


class Role(enum.Enum):
    """A user's role in one partnership; administrators stand above all partnerships."""

    VIEWER = "viewer"
    LEADER = "leader"


class User(db.Model, UserMixin):
    """A project leader, viewer or administrator (respondents never have an account)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    #: scrypt, through werkzeug.
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: Part of the session cookie; raised at sign-out and password change, which makes
    #: every earlier cookie of this user invalid.
    session_version: Mapped[int] = mapped_column(default=1)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


def find_user(email: str) -> User | None:
    """The account with this email address, whatever its case (sign-in, resets, invitations)."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normal_email(email)))


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "partnership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )

    user: Mapped[User] = relationship(back_populates="memberships")
    partnership: Mapped["Partnership"] = relationship()  # noqa: F821


class Coordinatorship(db.Model):
    """A programme coordinator sees the programme's partnerships side by side (aggregates
    of whole partnerships only)."""

    __tablename__ = "coordinatorship"
    __table_args__ = (UniqueConstraint("user_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
