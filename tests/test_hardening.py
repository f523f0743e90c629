"""Holes found in an attack session (issue 8), each replayed: NUL and control characters,
round dates from year 1 to 9999, the last leader demoting themselves through an invitation,
per-process rate-limit counters, and drafts that fill the disk. On SQLite and PostgreSQL."""

import json
import logging
import re
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

import app as app_module
import clock
from app import create_app
from manage.round_dates import EARLIEST_DAY, LONGEST_ROUND, latest_opening_day
from models import Draft, Membership, Partnership, Role, Round
from surveys.instrument import get_instrument
from surveys.responses import DraftTooLarge, draft_size_limit, merged
from text_rules import multi_line, single_line

from .conftest import Respondent, csrf_from, login, smtp_server, uniform_answers

INSTRUMENT = get_instrument(1)


@pytest.fixture
def world(make_round, make_user, add_responses):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=3), closes_on=clock.today() + timedelta(days=3))
    add_responses(round_, 5)
    make_user("leider@h.example", round_.partnership)
    make_user("beheer@h.example", admin=True)
    return round_


def post(client, page_url: str, action_url: str | None = None, data: dict | None = None):
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return client.post(action_url or page_url, data={**(data or {}), "csrf_token": csrf_from(page.text)})


# --- 1. NUL anywhere: one guard, 400 with a page that says so -------------------------------


def every_route(app, round_) -> list[tuple[str, str, str]]:
    """(rule, a working URL, a URL with a NUL in the path) for every rule of the URL map;
    the NUL goes into a text argument of the rule when it has one, else after the path."""
    values = {
        "slug": round_.partnership.slug,
        "round_id": round_.id,
        "user_id": 1,
        "invitation_id": 1,
        "code": round_.public_code,
        "youth_code": round_.youth_code,
        "step": 1,
        "token": "x" * 43,
        "programme_slug": "p",
        "fmt": "csv",
        "filename": "css/app.css",
        "action_id": 1,
        "note_id": 1,
        "partner": 1,
    }
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            arguments = {name: values.get(name, "x") for name in rule.arguments}
            url = url_for(rule.endpoint, **arguments)
            texts = sorted(name for name, value in arguments.items() if isinstance(value, str))
            if texts:
                nul = url_for(rule.endpoint, **{**arguments, texts[0]: arguments[texts[0]] + "\x00"})
                assert "%00" in nul, nul
            else:
                nul = url.rstrip("/") + "/%00"
            routes.append((rule.rule, url, nul))
    return routes


@pytest.mark.parametrize("who", [None, "beheer@h.example"], ids=["anonymous", "admin"])
def test_a_nul_anywhere_on_every_route_is_a_400_never_a_500(app, client, world, who):
    token = csrf_from(client.get("/inloggen").text)  # a valid token: the guard must come before CSRF
    if who:
        login(client, who)
        token = csrf_from(client.get("/beheer/programmas/nieuw").text)
    routes = every_route(app, world)
    assert len(routes) >= 36, len(routes)  # every rule of the URL map (27 GET and 19 POST routes)
    failures = []
    for rule, url, nul in routes:
        separator = "&" if "?" in url else "?"
        attempts = {
            "path": client.get(nul),
            "query value": client.get(f"{url}{separator}q=a%00b"),
            "query name": client.get(f"{url}{separator}a%00b=1"),
            "form": client.post(url, data={"csrf_token": token, "name": "Regio\x00", "email": "a@b.nl"}),
            "form name": client.post(url, data={"csrf_token": token, "na\x00me": "x"}),
            "multipart": client.post(
                url, data={"csrf_token": token, "title": "T\x00"}, content_type="multipart/form-data"
            ),
            # A line break in a part's name: werkzeug's parser reads the name as None (found by
            # tests/test_fuzz.py: the guard itself answered 500).
            "multipart name": client.post(
                url, data={"csrf_token": token, "na\rme": "x"}, content_type="multipart/form-data"
            ),
            "json": client.post(url, json={"email": "leider@h.example\x00", "password": "x"}),
            "json key": client.post(url, json={"nested": [{"a\x00": 1}]}),
            "raw json": client.post(url, data=b'{"email": "a\x00"}', content_type="application/json"),
        }
        for what, response in attempts.items():
            if response.status_code != 400:
                failures.append((rule, what, response.status_code))
            elif response.mimetype == "text/html" and "onzichtbaar stuurteken" not in response.text:
                failures.append((rule, what, "400 without saying why"))
    assert not failures, failures


def test_the_nul_page_speaks_english_too_and_the_api_answers_json(app, client, world):
    client.get("/?lang=en")
    assert "invisible control character" in client.get("/s/%00").text
    login(client, "beheer@h.example")
    response = client.get(f"/api/partnerships/{world.partnership.slug}/rounds/{world.id}?x=%00")
    assert response.status_code == 400 and response.json["status"] == 400


@pytest.fixture
def mail(app):
    """Personal invitations go only by email: a real SMTP server for the forms that send them."""
    with smtp_server() as (port, received):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        yield received


def test_other_control_characters_in_the_address_are_refused_but_line_breaks_in_forms_pass(client, world, mail):
    assert client.get("/inloggen?next=%07").status_code == 400
    assert client.get("/s/abc%0A").status_code == 400
    # Line breaks and tabs are what multi-line fields hold: not for the guard to refuse.
    login(client, "leider@h.example")
    base = f"/beheer/{world.partnership.slug}/metingen/{world.id}/"
    sent = post(client, base, base + "uitnodigingen", {"emails": "a@h.example\r\nb@h.example\tc@h.example"})
    assert sent.status_code == 200 and sorted(to for to, _ in mail) == ["a@h.example", "b@h.example", "c@h.example"]


# --- 2. Control characters in single-line fields: refused with a message -------------------


@pytest.mark.parametrize(
    "text",
    [
        "Regio\nTwente",
        "Regio\r\nBcc: x@y.nl",
        "Regio\tTwente",
        "Re\x1bgio",
        "Re\x7fgio",
        "Re\x85gio",
        "Regio\u2028Twente",
    ],
)
def test_the_single_line_validator_refuses_every_control_character(app, text):
    with app.test_request_context():

        class Field:
            data = text

        with pytest.raises(Exception, match="onzichtbare stuurtekens"):
            single_line(None, Field())


def test_the_validators_let_ordinary_text_through(app):
    with app.test_request_context():
        for text in ["Zuid-Holland", "Café ’s-Hertogenbosch", "Ærø — 🙂", "a@b.nl", "", None]:
            field = type("Field", (), {"data": text})()
            single_line(None, field)
            multi_line(None, field)
        multi_line(None, type("Field", (), {"data": "a@b.nl\r\nc@d.nl\te@f.nl"})())
        with pytest.raises(Exception, match="U\\+000B"):
            multi_line(None, type("Field", (), {"data": "a@b.nl\x0bc@d.nl"})())


MESSAGE = "Hier passen geen regeleinden, tabs of andere onzichtbare stuurtekens"


def test_every_single_line_management_field_refuses_control_characters(app, client, world, session, mail):
    login(client, "beheer@h.example")
    slug = world.partnership.slug
    base = f"/beheer/{slug}/metingen/{world.id}/"
    today = clock.today().isoformat()
    round_fields = {"instrument_version": "1", "opens_on": today, "closes_on": today}
    cases = [
        ("/beheer/programmas/nieuw", None, {"name": "Pro\ngramma", "slug": "programma"}),
        ("/beheer/programmas/nieuw", None, {"name": "Programma", "slug": "pro\x07gramma"}),
        ("/beheer/nieuw", None, {"name": "Samen\r\nBcc: x@y.nl", "slug": "samen", "programme": ""}),
        ("/beheer/nieuw", None, {"name": "Samen", "slug": "samen", "region": "Twen\x1bte", "programme": ""}),
        (f"/beheer/{slug}/", None, {"name": "Nieuwe\nnaam", "region": "", "programme": ""}),
        (f"/beheer/{slug}/", None, {"name": "Naam", "region": "Re\u2028gio", "programme": ""}),
        (f"/beheer/{slug}/metingen/nieuw", None, {"title": "T2\nvoorjaar", **round_fields}),
        (base, None, {"title": "T1\ttitel", **round_fields}),
        (f"{base}verwijderen", None, {"confirm": "T1\x08"}),
    ]
    before = session.scalar(select(Partnership.name).where(Partnership.slug == slug))
    for page, action, data in cases:
        response = post(client, page, action, data)
        assert response.status_code == 422, (page, data, response.status_code)
        assert MESSAGE in response.text, (page, data)
    assert session.scalar(select(Partnership.name).where(Partnership.slug == slug)) == before
    assert session.scalar(select(func.count()).select_from(Partnership)) == 1
    assert session.scalar(select(Round.title).where(Round.id == world.id)) == "T1"
    # The member form lives on the partnership page: its error comes back as a message there.
    member = post(
        client, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": "a@h.example\r\nBcc: x@y.nl", "role": "viewer"}
    )
    assert member.status_code == 302
    assert MESSAGE in client.get(member.headers["Location"]).text
    # A pasted list of addresses may hold line breaks and tabs, nothing else.
    invitations = post(client, base, base + "uitnodigingen", {"emails": "a@h.example\x0bb@h.example"})
    assert (
        invitations.status_code == 422 and "Hier passen alleen gewone tekens, regeleinden en tabs" in invitations.text
    )


def test_a_name_and_password_set_through_an_invitation_refuse_control_characters(app, client, world, session):
    leader = app.test_client()
    login(leader, "leider@h.example")
    slug = world.partnership.slug
    invited = post(leader, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": "nieuw@h.example", "role": "viewer"})
    (welcome,) = re.findall(r'value="https?://[^/"]+(/welkom/[^"]+)"', invited.text)
    refused = post(
        client,
        welcome,
        None,
        {"name": "Lieke\nBcc", "password": "een goed wachtwoord", "repeat": "een goed wachtwoord"},
    )
    assert refused.status_code == 422 and MESSAGE in refused.text
    refused = post(
        client,
        welcome,
        None,
        {"name": "Lieke", "password": "een goed\x1bwachtwoord", "repeat": "een goed\x1bwachtwoord"},
    )
    assert refused.status_code == 422 and MESSAGE in refused.text
    assert (
        post(
            client, welcome, None, {"name": "Lieke", "password": "een goed wachtwoord", "repeat": "een goed wachtwoord"}
        ).status_code
        == 302
    )


# --- 3. Round dates within a sensible window ------------------------------------------------


def round_form(client, world, opens: date, closes: date, new: bool = True):
    slug = world.partnership.slug
    url = f"/beheer/{slug}/metingen/nieuw" if new else f"/beheer/{slug}/metingen/{world.id}/"
    return post(
        client,
        url,
        None,
        {"title": "T9", "instrument_version": "1", "opens_on": opens.isoformat(), "closes_on": closes.isoformat()},
    )


def date_cases():
    today = clock.today()
    latest = latest_opening_day(today)
    refused = [
        (date(1, 1, 1), date(1, 1, 28)),
        (EARLIEST_DAY - timedelta(days=1), EARLIEST_DAY + timedelta(days=10)),
        (latest + timedelta(days=1), latest + timedelta(days=20)),
        (date(9999, 12, 1), date(9999, 12, 31)),
        (today, today + LONGEST_ROUND + timedelta(days=1)),
        (today, date(9999, 12, 31)),
        (today, today - timedelta(days=1)),
    ]
    accepted = [
        (EARLIEST_DAY, EARLIEST_DAY + timedelta(days=28)),
        (latest, latest + timedelta(days=28)),
        (today, today + LONGEST_ROUND),
        (today, today),
    ]
    return refused, accepted


def test_the_round_form_keeps_dates_within_the_window(client, world, session):
    login(client, "leider@h.example")
    refused, accepted = date_cases()
    for opens, closes in refused:
        for new in (True, False):
            response = round_form(client, world, opens, closes, new)
            assert response.status_code == 422, (opens, closes, new)
    assert session.scalar(select(func.count()).select_from(Round)) == 1
    assert session.scalar(select(Round.closes_on).where(Round.id == world.id)) == world.closes_on
    for opens, closes in accepted:
        assert round_form(client, world, opens, closes).status_code == 302, (opens, closes)
    assert session.scalar(select(func.count()).select_from(Round)) == 1 + len(accepted)
    page = round_form(client, world, date(1, 1, 1), date(1, 2, 1))
    assert "Kies een openingsdatum vanaf 2000-01-01." in page.text
    page = round_form(client, world, clock.today(), clock.today() + timedelta(days=400))
    assert "Een meting duurt hoogstens een jaar" in page.text


def test_round_create_on_the_command_line_keeps_dates_within_the_same_window(runner, world, session):
    slug = world.partnership.slug
    refused, accepted = date_cases()
    for opens, closes in refused:
        result = runner.invoke(
            args=["round", "create", slug, "T9", "--opens", opens.isoformat(), "--closes", closes.isoformat()]
        )
        assert result.exit_code != 0, (opens, closes, result.output)
    assert session.scalar(select(func.count()).select_from(Round)) == 1
    result = runner.invoke(args=["round", "create", slug, "T9", "--opens", "0001-01-01", "--closes", "0001-02-01"])
    assert "Choose an opening day from 2000-01-01 on." in result.output  # the same rule, in English
    for opens, closes in accepted:
        result = runner.invoke(
            args=["round", "create", slug, "T9", "--opens", opens.isoformat(), "--closes", closes.isoformat()]
        )
        assert result.exit_code == 0, (opens, closes, result.output)


# --- 4. The last leader cannot demote themselves through an invitation ---------------------


def invite_and_accept(app, leader, slug: str, email: str, role: str, acceptor):
    invited = post(leader, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": email, "role": role})
    (welcome,) = re.findall(r'value="https?://[^/"]+(/welkom/[^"]+)"', invited.text)
    return post(acceptor, welcome)


def leaders(session, partnership_id: int) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.partnership_id == partnership_id, Membership.role == Role.LEADER)
    )


def test_the_last_leader_accepting_a_viewer_invitation_to_their_own_address_stays_leader(app, client, world, session):
    login(client, "leider@h.example")
    slug = world.partnership.slug
    accepted = invite_and_accept(app, client, slug, "leider@h.example", "viewer", client)
    assert accepted.status_code == 302
    assert leaders(session, world.partnership_id) == 1
    assert "Je bent al projectleider van" in client.get(accepted.headers["Location"], follow_redirects=True).text
    assert client.get(f"/beheer/{slug}/").status_code == 200  # still leads it


def test_an_invitation_still_raises_a_viewer_to_leader(app, client, world, session, make_user):
    make_user("kijker@h.example", world.partnership, "viewer")
    login(client, "leider@h.example")
    viewer = app.test_client()
    login(viewer, "kijker@h.example")
    assert (
        invite_and_accept(app, client, world.partnership.slug, "kijker@h.example", "leader", viewer).status_code == 302
    )
    assert leaders(session, world.partnership_id) == 2


# --- 5. Per-process rate-limit counters are announced at start-up --------------------------


def test_memory_rate_limits_outside_debug_and_testing_warn_once(database_url, monkeypatch, caplog):
    monkeypatch.setattr(app_module, "RATELIMIT_WARNED", False)
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x",
        "TESTING": False,
        "DEBUG": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    with caplog.at_level(logging.WARNING):
        create_app({**config, "TESTING": True})
        create_app({**config, "DEBUG": True})
        create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
        assert not caplog.records
        create_app(config)
        create_app(config)  # once per process, not per app
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "RATELIMIT_STORAGE_URI=redis://" in record.getMessage() and "gunicorn" in record.getMessage()


# --- 6. Drafts cannot fill the disk ---------------------------------------------------------


def stored_draft_bytes(session) -> int:
    return sum(len(json.dumps(data)) for data in session.scalars(select(Draft.data)))


def test_an_over_long_comment_is_shown_whole_but_stored_cut(respondent, session):
    limit = INSTRUMENT.comment_max_length
    long_text = "y" * 50_000
    page_one = INSTRUMENT.dimensions[0].items + INSTRUMENT.dimensions[1].items  # page 1: urgency and investment
    page = respondent.post(1, {**{i.key: "3" for i in page_one}, "comment-investment": long_text})
    assert page.status_code == 422 and long_text in page.text
    (data,) = session.scalars(select(Draft.data)).all()
    assert data["comments"] == {"urgency": "", "investment": "y" * limit}
    assert len(data["answers"]) == len(page_one) == 10  # the rest was saved


def test_new_drafts_per_client_are_limited_and_each_stays_small(app, client, world, session):
    """The attack: every post from a new session made a new draft with a 250-KB comment."""
    limit = int(app.config["DRAFT_LIMIT"].split()[0])
    statuses = []
    for _ in range(limit + 1):
        visitor = Respondent(app.test_client(), world.public_code)
        statuses.append(visitor.post(1, {"comment-urgency": "z" * 200_000, "made_up": "q" * 50_000}).status_code)
    assert statuses[:limit] == [422] * limit and statuses[limit] == 429
    assert session.scalar(select(func.count()).select_from(Draft)) == limit
    assert stored_draft_bytes(session) < limit * 2 * INSTRUMENT.comment_max_length


def test_one_respondent_saving_many_pages_is_never_limited(app, respondent, session):
    limit = int(app.config["DRAFT_LIMIT"].split()[0])
    answers = uniform_answers("3")
    statuses = {
        respondent.post(1 + n % 3, respondent.page_data(1 + n % 3, answers)).status_code for n in range(limit + 5)
    }
    assert statuses == {302}
    assert session.scalar(select(func.count()).select_from(Draft)) == 1


def test_a_draft_never_grows_beyond_its_total_cap(respondent, session):
    """Comments that JSON stores at twelve bytes a character: the cap stops the draft, with
    the 413 page, before the database holds more."""
    answers = uniform_answers("3")
    statuses = []
    for step in range(1, 4):  # the three pages of statements
        statuses.append(
            respondent.post(
                step,
                respondent.page_data(
                    step,
                    answers,
                    {dimension.key: "😀" * INSTRUMENT.comment_max_length for dimension in INSTRUMENT.dimensions},
                ),
            ).status_code
        )
    assert 413 in statuses
    assert stored_draft_bytes(session) <= draft_size_limit(INSTRUMENT)
    # Page 3 (levels and daring) with both comments full: 2 x 12,000 bytes on top of page 1's.
    full = {dimension.key: "😀" * 1000 for dimension in INSTRUMENT.dimensions[4:6]}
    page = respondent.post(3, respondent.page_data(3, answers, full))
    assert page.status_code == 413 and "Te veel tekst" in page.text


def test_a_draft_holds_only_what_the_instrument_asks_for(app):
    first, dimension = INSTRUMENT.items[0].key, INSTRUMENT.dimensions[0].key
    stored = {
        "answers": {first: "4", INSTRUMENT.items[1].key: "9", "made_up": "3", INSTRUMENT.items[2].key: ["5"]},
        "comments": {dimension: "c" * 5000, "made_up": "d" * 5000},
        "profile": {"level": "beleid", "domain": "elders", "name": "Jan"},
        "extra": {"x": "y" * 100_000},
    }
    data = merged(stored, {"answers": {INSTRUMENT.items[3].key: "dk"}, "junk": {"a": "b"}}, INSTRUMENT)
    assert data == {
        "answers": {first: "4", INSTRUMENT.items[3].key: "dk"},
        "comments": {dimension: "c" * INSTRUMENT.comment_max_length},
        "profile": {"level": "beleid"},
    }
    with pytest.raises(DraftTooLarge):
        merged(None, {"comments": {d.key: "😀" * 1000 for d in INSTRUMENT.dimensions}}, INSTRUMENT)


def test_the_purge_still_removes_abandoned_drafts(app, respondent, runner, session):
    respondent.post(1, respondent.page_data(1, uniform_answers("3")))
    session.execute(Draft.__table__.update().values(updated_on=clock.today() - timedelta(days=30)))
    session.commit()
    assert "Deleted 1" in runner.invoke(args=["purge-drafts"]).output
    assert session.scalar(select(func.count()).select_from(Draft)) == 0
