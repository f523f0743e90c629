"""Leader accounts and their access to partnerships. These functions change the session and
flush (so new rows have their ids); the view or command that calls them commits, once."""

from datetime import timedelta

from sqlalchemy import func, select

import clock
from auth.passwords import PasswordError, check_new_password
from extensions import db
from models import (
    AccountInvitation,
    Coordinatorship,
    Membership,
    Partnership,
    Role,
    User,
    find_user,
    new_token,
    token_hash,
)
from text_rules import is_email, normal_email


class AccountError(ValueError):
    pass


def create_user(email: str, password: str, name: str = "", is_admin: bool = False) -> User:
    """A new account (flushed: it has its id); an AccountError for a bad address or password."""
    email = normal_email(email)
    if not is_email(email):
        raise AccountError(f"'{email}' is not an email address.")
    if find_user(email):
        raise AccountError(f"A user with email {email} exists already.")
    try:
        check_new_password(password)
    except PasswordError as error:
        raise AccountError(str(error)) from None
    user = User(email=email, name=name, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def is_last_leader(membership: Membership) -> bool:
    """A partnership always keeps a leader: its last one can be neither removed nor demoted."""
    leaders = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.partnership_id == membership.partnership_id, Membership.role == Role.LEADER)
    )
    return membership.role is Role.LEADER and leaders == 1


def grant(user: User, partnership: Partnership, role: Role) -> Membership:
    """Give the user a role in the partnership (replacing an earlier role there); an
    AccountError when that would demote its last leader."""
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.partnership_id == partnership.id)
    )
    if membership is not None and role is not Role.LEADER and is_last_leader(membership):
        raise AccountError(f"{user.email} is the last leader of {partnership.slug}; make someone else leader first.")
    if membership is None:
        membership = Membership(user=user, partnership=partnership, role=role)
        db.session.add(membership)
    membership.role = role
    db.session.flush()
    return membership


INVITATION_DAYS = 14


def invite_account(email: str, role: Role | None, partnership: Partnership | None = None, programme=None) -> str:
    """An invitation link token for a partnership role, or (role None) for coordinating a
    programme. The caller commits."""
    token = new_token()
    db.session.add(
        AccountInvitation(
            email=normal_email(email),
            token_hash=token_hash(token),
            role=role,
            partnership_id=partnership.id if partnership else None,
            programme_id=programme.id if programme else None,
            expires_on=clock.today() + timedelta(days=INVITATION_DAYS),
        )
    )
    return token


def open_account_invitation(token: str) -> AccountInvitation | None:
    """The invitation behind a token if it is unused and not expired; else None."""
    return db.session.scalar(
        select(AccountInvitation).where(
            AccountInvitation.token_hash == token_hash(token),
            AccountInvitation.accepted.is_(False),
            AccountInvitation.expires_on >= clock.today(),
        )
    )


def role_in(user: User, partnership_id: int) -> Role | None:
    return db.session.scalar(
        select(Membership.role).where(Membership.user_id == user.id, Membership.partnership_id == partnership_id)
    )


def accept(invitation: AccountInvitation, password: str | None, name: str = "") -> User:
    """Give the invited role, creating the account when there is none (then a password is needed).

        An invitation adds access and never takes any away: a leader who accepts an invitation
        as viewer stays leader. Otherwise the last leader could invite their own address as
        viewer, accept, and leave the partnership without a leader (the guard on withdrawing
        access would never be asked); and no two acceptances at once can do it either. The caller
    commits: the account, the role and the used invitation land together or not at all."""
    user = find_user(invitation.email)
    if user is None:
        user = create_user(invitation.email, password or "", name=name)
    if invitation.partnership_id and role_in(user, invitation.partnership_id) is not Role.LEADER:
        grant(user, db.session.get(Partnership, invitation.partnership_id), invitation.role)
    if invitation.programme_id and not db.session.scalar(
        select(Coordinatorship).where(
            Coordinatorship.user_id == user.id, Coordinatorship.programme_id == invitation.programme_id
        )
    ):
        db.session.add(Coordinatorship(user_id=user.id, programme_id=invitation.programme_id))
    invitation.accepted = True
    db.session.flush()
    return user


def members(partnership: Partnership) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).join(User).where(Membership.partnership_id == partnership.id).order_by(User.email)
        )
    )


def pending_invitations(partnership: Partnership) -> list[AccountInvitation]:
    return list(
        db.session.scalars(
            select(AccountInvitation)
            .where(
                AccountInvitation.partnership_id == partnership.id,
                AccountInvitation.accepted.is_(False),
                AccountInvitation.expires_on >= clock.today(),
            )
            .order_by(AccountInvitation.email)
        )
    )
