"""Passwords: sign-in limits that do not lock the owner out, a password change for a
signed-in user, "Wachtwoord vergeten?" by email and the administrator's reset on the command
line. Over HTTP with CSRF, on SQLite and PostgreSQL, with mail through a real SMTP server."""

import email
import hashlib
import re
from datetime import datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from models import PasswordReset, User

from .conftest import PASSWORD, csrf_from, login
from .test_manage import smtp  # noqa: F401  (a real SMTP server)

EMAIL = "leider@p.example"
NEW = "een heel nieuw wachtwoord"


@pytest.fixture
def leader(make_round, make_user):
    round_ = make_round()
    make_user(EMAIL, round_.partnership)
    return round_.partnership


def client_at(app, address: str):
    """A browser at its own client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def dashboard_status(client, partnership) -> int:
    return client.get(f"/dashboard/{partnership.slug}/").status_code


def post_form(client, url: str, data: dict):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.text)})


def mail_text(raw: str) -> str:
    message = email.message_from_string(raw)
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def request_reset(client, address: str):
    """Ask for a reset link; the answer is closed like a server closes it (then the link is mailed)."""
    response = post_form(client, "/wachtwoord-vergeten", {"email": address})
    response.close()
    return response


def reset_link(mailbox: list, recipient: str = EMAIL) -> str:
    bodies = [mail_text(raw) for to, raw in mailbox if to == recipient]
    assert bodies, f"no mail to {recipient}"
    return re.search(r"https?://\S+/wachtwoord-herstellen/\S+", bodies[-1]).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# --- sign-in limits ---------------------------------------------------------------------------


def test_failures_from_one_client_do_not_lock_the_owner_out_elsewhere(app, leader):
    attacker = client_at(app, "203.0.113.7")
    statuses = [login(attacker, EMAIL, "wrong password").status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    assert login(attacker, EMAIL, PASSWORD).status_code == 429  # also the right password, from there
    owner = client_at(app, "198.51.100.1")
    assert login(owner, EMAIL, PASSWORD).status_code == 302
    assert dashboard_status(owner, leader) == 200


def test_one_client_trying_many_accounts_is_stopped_after_ten_a_minute(app, leader):
    attacker = client_at(app, "203.0.113.8")
    statuses = [login(attacker, f"iemand{n}@p.example", "wrong password").status_code for n in range(11)]
    assert statuses == [422] * 10 + [429]
    assert login(attacker, EMAIL, PASSWORD).status_code == 429  # the client is stopped, whatever it tries
    # The limit is per client address: another address still gets an answer, and the owner in.
    assert login(client_at(app, "198.51.100.8"), "iemand0@p.example", "wrong password").status_code == 422
    assert login(client_at(app, "198.51.100.9"), EMAIL, PASSWORD).status_code == 302


def test_many_clients_reach_the_account_ceiling_and_a_reset_by_email_lifts_it(app, leader, smtp):  # noqa: F811
    mailbox = smtp()
    for n in range(10):  # 10 addresses, 5 failures each: 50 for the account in the hour
        attacker = client_at(app, f"203.0.113.{n + 10}")
        assert [login(attacker, EMAIL, "wrong").status_code for _ in range(5)] == [422] * 5
    owner = client_at(app, "198.51.100.2")
    assert login(owner, EMAIL, PASSWORD).status_code == 429
    assert login(client_at(app, "198.51.100.3"), "ander@p.example", "wrong").status_code == 422  # other accounts go on
    request_reset(owner, EMAIL)
    link = reset_link(mailbox)
    assert post_form(owner, path_of(link), {"password": NEW, "repeat": NEW}).status_code == 302
    assert login(owner, EMAIL, NEW).status_code == 302
    # ... and the attackers start again from zero for this account, not from where they were
    again = client_at(app, "203.0.113.10")
    assert [login(again, EMAIL, "wrong").status_code for _ in range(6)] == [422] * 5 + [429]


def test_a_control_character_in_the_sign_in_email_is_a_clear_4xx(app, leader):
    client = app.test_client()
    response = login(client, "leider\x1b@p.example", PASSWORD)
    assert response.status_code == 422 and "stuurtekens" in response.text
    assert (
        login(client, "leider\x00@p.example", PASSWORD).status_code == 400
    )  # NUL: the app's guard, before any limit key


# --- password change -------------------------------------------------------------------------


def test_a_password_change_keeps_this_session_and_ends_every_other(app, leader):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, EMAIL), login(elsewhere, EMAIL)
    copied = here.get_cookie("session").value  # this session's cookie, from before the change
    changed = post_form(here, "/wachtwoord-wijzigen", {"current": PASSWORD, "password": NEW, "repeat": NEW})
    assert changed.status_code == 302
    assert "Je wachtwoord is gewijzigd" in here.get("/dashboard/", follow_redirects=True).text
    assert dashboard_status(here, leader) == 200
    assert dashboard_status(elsewhere, leader) == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert dashboard_status(thief, leader) == 302
    assert login(app.test_client(), EMAIL, PASSWORD).status_code == 422
    assert login(app.test_client(), EMAIL, NEW).status_code == 302


@pytest.mark.parametrize(
    "data, message",
    [
        ({"current": "not my password", "password": NEW, "repeat": NEW}, "Dit is niet je huidige wachtwoord."),
        ({"current": PASSWORD, "password": "kort", "repeat": "kort"}, "minstens 10 tekens"),
        ({"current": PASSWORD, "password": NEW, "repeat": NEW + "!"}, "De wachtwoorden zijn niet gelijk."),
        ({"current": PASSWORD, "password": "x" * 501, "repeat": "x" * 501}, "hoogstens 500 tekens"),
        ({"current": "", "password": NEW, "repeat": NEW}, "Vul je huidige wachtwoord in."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, leader, session, data, message):
    client = app.test_client()
    login(client, EMAIL)
    before = session.scalars(select(User)).one()
    response = post_form(client, "/wachtwoord-wijzigen", data)
    assert response.status_code == 422 and message in response.text
    session.expire_all()
    after = session.scalars(select(User)).one()
    assert (after.password_hash, after.session_version) == (before.password_hash, before.session_version)
    assert dashboard_status(client, leader) == 200


def test_guessing_the_current_password_is_limited(app, leader):
    client = app.test_client()
    login(client, EMAIL)
    wrong = {"current": "guess", "password": NEW, "repeat": NEW}
    statuses = [post_form(client, "/wachtwoord-wijzigen", wrong).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]


def test_changing_a_password_needs_a_sign_in(client, leader):
    response = client.get("/wachtwoord-wijzigen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


# --- forgotten password by email -------------------------------------------------------------


def test_forgotten_password_by_email_from_request_to_sign_in(app, leader, session, smtp):  # noqa: F811
    mailbox = smtp()
    app.config["PUBLIC_URL"] = "https://monitor.example.nl"
    signed_in = app.test_client()
    login(signed_in, EMAIL)
    assert 'href="/wachtwoord-vergeten"' in app.test_client().get("/inloggen").text
    visitor = app.test_client()
    page = visitor.get("/wachtwoord-vergeten", base_url="http://evil.example")
    answer = visitor.post(
        "/wachtwoord-vergeten",
        data={"email": "Leider@P.example", "csrf_token": csrf_from(page.text)},
        base_url="http://evil.example",
    )
    answer.close()
    assert answer.status_code == 200 and "Kijk in je e-mail" in answer.text
    link = reset_link(mailbox, "Leider@P.example")
    assert link.startswith("https://monitor.example.nl/wachtwoord-herstellen/")  # PUBLIC_URL, never the Host header
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits
    stored = session.scalars(select(PasswordReset)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    assert token not in repr([getattr(stored, c) for c in ("id", "user_id", "token_hash", "expires_at")])

    form = visitor.get(path_of(link))
    assert form.status_code == 200 and EMAIL in form.text
    mismatch = visitor.post(
        path_of(link), data={"password": NEW, "repeat": "iets anders", "csrf_token": csrf_from(form.text)}
    )
    assert mismatch.status_code == 422 and "niet gelijk" in mismatch.text
    done = visitor.post(path_of(link), data={"password": NEW, "repeat": NEW, "csrf_token": csrf_from(form.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/inloggen"
    assert dashboard_status(visitor, leader) == 302  # a link signs nobody in
    assert dashboard_status(signed_in, leader) == 302  # every other session has ended
    assert visitor.get(path_of(link)).status_code == 404  # once only
    assert session.scalars(select(PasswordReset)).all() == []
    assert login(app.test_client(), EMAIL, PASSWORD).status_code == 422
    assert login(visitor, EMAIL, NEW).status_code == 302


def test_known_and_unknown_addresses_get_the_same_answer(app, leader, smtp):  # noqa: F811
    mailbox = smtp()
    known = request_reset(app.test_client(), EMAIL)
    unknown = request_reset(app.test_client(), "niemand@p.example")
    assert known.status_code == unknown.status_code == 200

    def without_variables(html: str) -> str:
        html = re.sub(r'name="csrf_token"[^>]*>', "", html)
        return html.replace(EMAIL, "ADDRESS").replace("niemand@p.example", "ADDRESS")

    assert without_variables(known.text) == without_variables(unknown.text)
    assert [to for to, _ in mailbox] == [EMAIL]


def test_a_new_request_retires_the_older_link(app, leader, session, smtp):  # noqa: F811
    mailbox = smtp()
    client = app.test_client()
    request_reset(client, EMAIL)
    first = reset_link(mailbox)
    request_reset(client, EMAIL)
    second = reset_link(mailbox)
    assert first != second
    assert client.get(path_of(first)).status_code == 404
    assert client.get(path_of(second)).status_code == 200
    assert len(session.scalars(select(PasswordReset)).all()) == 1


def test_a_reset_link_works_for_one_hour(app, leader, smtp):  # noqa: F811
    mailbox = smtp()
    start = datetime(2027, 3, 1, 9, 0, 0)
    with freeze_time(start) as clock:
        client = app.test_client()
        request_reset(client, EMAIL)
        path = path_of(reset_link(mailbox))
        clock.move_to(start + timedelta(minutes=59))
        assert client.get(path).status_code == 200
        clock.move_to(start + timedelta(minutes=61))
        expired = client.get(path)
        assert expired.status_code == 404 and "Deze link werkt niet" in expired.text
        form = client.get("/inloggen")  # a post through the expired link changes nothing either
        assert (
            client.post(path, data={"password": NEW, "repeat": NEW, "csrf_token": csrf_from(form.text)}).status_code
            == 404
        )
    assert login(app.test_client(), EMAIL, PASSWORD).status_code == 302


def test_a_password_change_retires_open_reset_links(app, leader, smtp):  # noqa: F811
    mailbox = smtp()
    client = app.test_client()
    request_reset(client, EMAIL)
    link = reset_link(mailbox)
    login(client, EMAIL)
    post_form(client, "/wachtwoord-wijzigen", {"current": PASSWORD, "password": NEW, "repeat": NEW})
    assert client.get(path_of(link)).status_code == 404


def test_unknown_links_are_404_and_guessing_them_is_limited(client, leader):
    statuses = [client.get(f"/wachtwoord-herstellen/{n:043d}").status_code for n in range(21)]
    assert statuses == [404] * 20 + [429]


def test_asking_for_links_is_limited_per_address_and_per_client(app, leader, smtp):  # noqa: F811
    mailbox = smtp()
    client = client_at(app, "203.0.113.50")
    assert [request_reset(client, EMAIL).status_code for _ in range(4)] == [200] * 3 + [429]
    assert len(mailbox) == 3
    assert request_reset(client_at(app, "203.0.113.51"), EMAIL).status_code == 429  # per address, from any client
    other = client_at(app, "203.0.113.52")
    statuses = [request_reset(other, f"iemand{n}@p.example").status_code for n in range(11)]
    assert statuses == [200] * 10 + [429]  # 10 an hour from one client


@pytest.mark.parametrize(
    "address, message",
    [
        ("", "Vul je e-mailadres in."),
        ("geen adres", "Dit is geen geldig e-mailadres."),
        ("leider@p.example\r\nBcc: x@evil.example", "stuurtekens"),
        ("leider\x1b@p.example", "stuurtekens"),
        ("a" * 250 + "@p.example", "hoogstens 254 tekens"),
        ("leider\x00@p.example", "Onleesbaar teken"),
    ],
)
def test_a_bad_address_gets_a_clear_4xx_and_no_mail(app, leader, smtp, address, message):  # noqa: F811
    mailbox = smtp()
    client = app.test_client()
    page = client.get("/wachtwoord-vergeten")
    response = client.post("/wachtwoord-vergeten", data={"email": address, "csrf_token": csrf_from(page.text)})
    response.close()
    assert response.status_code == (400 if "\x00" in address else 422) and message in response.text
    assert mailbox == []


def test_without_a_mail_server_the_page_sends_you_to_an_administrator(app, leader, session):
    assert not app.config.get("MAIL_SERVER")
    client = app.test_client()
    page = client.get("/wachtwoord-vergeten")
    assert page.status_code == 200
    assert "per e-mail" in page.text and "beheerder" in page.text and "reset-password" in page.text
    assert 'name="email"' not in page.text
    token = csrf_from(client.get("/inloggen").text)
    posted = client.post("/wachtwoord-vergeten", data={"email": EMAIL, "csrf_token": token})
    posted.close()
    assert posted.status_code == 200 and "beheerder" in posted.text
    assert session.scalars(select(PasswordReset)).all() == []


def test_english_pages(app, leader):
    client = app.test_client()
    client.get("/inloggen?lang=en")
    assert "Forgot your password?" in client.get("/inloggen").text
    assert "administrator" in client.get("/wachtwoord-vergeten").text


# --- the administrator's reset on the command line --------------------------------------------


def test_cli_reset_sets_a_password_and_ends_every_session(app, runner, leader, session, smtp):  # noqa: F811
    mailbox = smtp()
    signed_in = app.test_client()
    login(signed_in, EMAIL)
    request_reset(app.test_client(), EMAIL)
    link = reset_link(mailbox)
    result = runner.invoke(args=["user", "reset-password", "Leider@p.example", "--password-stdin"], input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert dashboard_status(signed_in, leader) == 302
    assert login(app.test_client(), EMAIL, NEW).status_code == 302
    assert app.test_client().get(path_of(link)).status_code == 404  # open reset links retired too


def test_cli_reset_asks_twice(app, runner, leader):
    other = "nog een ander wachtwoord"
    differs = runner.invoke(args=["user", "reset-password", EMAIL], input=f"{other}\n{other}x\n{other}\n{other}\n")
    assert differs.exit_code == 0, differs.output
    assert "do not match" in differs.output.lower()
    assert login(app.test_client(), EMAIL, other).status_code == 302


def test_cli_reset_refuses_unknown_users_and_short_passwords(app, runner, leader):
    unknown = runner.invoke(args=["user", "reset-password", "niemand@p.example", "--password-stdin"], input=NEW + "\n")
    assert unknown.exit_code != 0 and "No user" in unknown.output
    short = runner.invoke(args=["user", "reset-password", EMAIL, "--password-stdin"], input="kort\n")
    assert short.exit_code != 0 and "at least 10" in short.output
    assert login(app.test_client(), EMAIL, PASSWORD).status_code == 302


def test_cli_reset_lifts_a_sign_in_lock_out(app, runner, leader):
    attacker = client_at(app, "203.0.113.9")
    for _ in range(5):
        login(attacker, EMAIL, "wrong")
    assert login(attacker, EMAIL, PASSWORD).status_code == 429
    assert runner.invoke(args=["user", "reset-password", EMAIL, "--password-stdin"], input=NEW + "\n").exit_code == 0
    assert login(attacker, EMAIL, NEW).status_code == 302
