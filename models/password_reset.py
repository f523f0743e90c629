"""Links to set a new password after "Wachtwoord vergeten?". Only a SHA-256 hash of each
token is kept; the link itself exists in the email and nowhere else."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class PasswordReset(db.Model):
    """One open reset link of a user: valid until `expires_at` (UTC) and once. A new request
    and every password change delete the user's older links."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
