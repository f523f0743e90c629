"""Leaders sign in and out; a copied cookie dies with sign-out and password change."""

import re

import pytest
from sqlalchemy import select

from extensions import db
from models import Membership, Role, User

from .conftest import PASSWORD, csrf_from, login


@pytest.fixture
def leader(make_round, make_user):
    round_ = make_round()
    make_user("leider@p.example", round_.partnership)
    return round_.partnership


def test_sign_in_and_see_the_dashboard(client, leader):
    signed_in = login(client, "leider@p.example")
    assert signed_in.status_code == 302
    assert client.get(f"/dashboard/{leader.slug}/").status_code == 200


def test_email_is_case_insensitive(client, leader):
    assert login(client, "Leider@P.example").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, leader):
    wrong_password = login(client, "leider@p.example", "not the password")
    unknown_email = login(client, "niemand@p.example", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert message in wrong_password.text and message in unknown_email.text
    assert client.get(f"/dashboard/{leader.slug}/").status_code == 302


def test_a_wrong_password_is_no_field_left_empty(client, leader):
    """Both fields were filled in: the page says sign-in failed and what to do, not "Niet
    alles is goed ingevuld (Wachtwoord)" as if a field were empty; an empty field still does."""
    page = login(client, "leider@p.example", "not the password").text
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert "<h2>Inloggen lukte niet</h2>" in summary and "Wachtwoord vergeten?" in summary
    assert "Niet alles is goed ingevuld" not in page and 'aria-invalid="true"' not in page
    empty = login(client, "leider@p.example", "")
    assert empty.status_code == 422 and "Niet alles is goed ingevuld" in empty.text
    assert "Inloggen lukte niet" not in empty.text


def test_sign_in_redirects_only_within_the_site(app, leader):
    for target, expected in (
        (f"/dashboard/{leader.slug}/", f"/dashboard/{leader.slug}/"),
        ("https://evil.example/", "/dashboard/"),
        ("//evil.example", "/dashboard/"),
    ):
        client = app.test_client()
        page = client.get("/inloggen")
        response = client.post(
            f"/inloggen?next={target}",
            data={"email": "leider@p.example", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        )
        assert response.headers["Location"] == expected


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(app, client, leader):
    login(client, "leider@p.example")
    copied = client.get_cookie("session").value
    page = client.get(f"/dashboard/{leader.slug}/")
    client.post("/uitloggen", data={"csrf_token": csrf_from(page.text)})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get(f"/dashboard/{leader.slug}/").status_code == 302


def test_a_password_change_ends_every_other_session(app, client, leader, session):
    login(client, "leider@p.example")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "leider@p.example"))
        user.set_password("a brand new password")
        db.session.commit()
    assert client.get(f"/dashboard/{leader.slug}/").status_code == 302
    assert login(client, "leider@p.example", "a brand new password").status_code == 302


def test_user_commands_create_and_grant(runner, session, leader):
    created = runner.invoke(
        args=["user", "create", "nieuw@p.example", "--name", "Nieuw", "--password", "lang genoeg wachtwoord"]
    )
    assert created.exit_code == 0, created.output
    granted = runner.invoke(args=["user", "grant", "nieuw@p.example", leader.slug, "--role", "viewer"])
    assert granted.exit_code == 0, granted.output
    membership = session.scalars(select(Membership).join(User).where(User.email == "nieuw@p.example")).one()
    assert membership.role is Role.VIEWER
    short = runner.invoke(args=["user", "create", "kort@p.example", "--password", "kort"])
    assert short.exit_code != 0 and "at least" in short.output
    twice = runner.invoke(args=["user", "create", "nieuw@p.example", "--password", "lang genoeg wachtwoord"])
    assert twice.exit_code != 0 and "exists already" in twice.output
    assert "No user" in runner.invoke(args=["user", "grant", "niemand@p.example", leader.slug]).output


def test_demo_prints_a_leader_who_can_sign_in_with_a_fresh_password_each_run(runner, client):
    first = re.search(r"email: (\S+)  password: (\S+)", runner.invoke(args=["demo"]).output)
    second = re.search(r"email: (\S+)  password: (\S+)", runner.invoke(args=["demo"]).output)
    assert first.group(1) == second.group(1) == "leider@demo.example"
    assert first.group(2) != second.group(2)
    assert login(client, "leider@demo.example", first.group(2)).status_code == 422
    assert login(client, "leider@demo.example", second.group(2)).status_code == 302
    assert client.get("/dashboard/demo/").status_code == 200


def test_passwords_are_stored_hashed_with_scrypt(session, leader):
    user = session.scalars(select(User)).one()
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
