"""Services flush, the view or command commits once: accepting an invitation stores the
account, its role, the used link and the log line together or not at all."""

import re
from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from extensions import db
from manage.accounts import accept, create_user, grant, invite_account
from models import AccountInvitation, Coordinatorship, Membership, Partnership, Programme, Role, User

from .conftest import csrf_from


@contextmanager
def counted_commits():
    commits = []
    listener = lambda session: commits.append(session)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        yield commits
    finally:
        event.remove(Session, "after_commit", listener)


def test_the_account_services_commit_nothing(app):
    with app.app_context():
        partnership = Partnership(slug="een-commit", name="Regio Een")
        db.session.add(partnership)
        db.session.commit()
        invite_account("nieuw@een.example", Role.VIEWER, partnership=partnership)
        db.session.commit()
        invitation = db.session.scalar(select(AccountInvitation))
        with counted_commits() as commits:
            accept(invitation, "lang genoeg wachtwoord", name="Nieuw")
            grant(create_user("ander@een.example", "lang genoeg wachtwoord"), partnership, Role.LEADER)
        assert commits == []
        db.session.rollback()  # so nothing of it was stored
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 0
        assert db.session.get(AccountInvitation, invitation.id).accepted is False


def accept_through_the_page(client, token: str):
    page = client.get(f"/welkom/{token}")
    form = {
        "csrf_token": csrf_from(page.text),
        "name": "Nieuw",
        "password": "lang genoeg wachtwoord",
        "repeat": "lang genoeg wachtwoord",
    }
    with counted_commits() as commits:
        accepted = client.post(f"/welkom/{token}", data=form)
    assert accepted.status_code == 302, re.sub(r"\s+", " ", accepted.text)[:500]
    return commits


def test_accepting_a_partnership_invitation_is_one_commit(app, client, session):
    partnership = Partnership(slug="een-commit", name="Regio Een")
    session.add(partnership)
    session.commit()
    with app.app_context():
        token = invite_account(
            "nieuw@een.example", Role.VIEWER, partnership=db.session.get(Partnership, partnership.id)
        )
        db.session.commit()
    assert len(accept_through_the_page(client, token)) == 1
    joined = session.scalar(select(Membership).join(User).where(User.email == "nieuw@een.example"))
    assert (joined.role, joined.partnership_id) == (Role.VIEWER, partnership.id)


def test_accepting_a_coordinator_invitation_is_one_commit(app, client, session):
    programme = Programme(slug="een-programma", name="Programma Een")
    session.add(programme)
    session.commit()
    with app.app_context():
        token = invite_account("nieuw@een.example", None, programme=db.session.get(Programme, programme.id))
        db.session.commit()
    assert len(accept_through_the_page(client, token)) == 1
    coordinator = session.scalar(
        select(Coordinatorship).join(User, User.id == Coordinatorship.user_id).where(User.email == "nieuw@een.example")
    )
    assert coordinator.programme_id == programme.id
