"""Attacks on the app: forged posts, guessing, oversized bodies, leaking errors, headers."""

import email
import email.policy
import functools
import logging
import re
import threading
import urllib.request
from datetime import timedelta

import pytest
import redis
from flask import url_for
from sqlalchemy import select
from werkzeug.serving import make_server

import clock
from app import create_app
from extensions import db, limiter
from models import AuditEvent, Partnership, Round

from .conftest import PASSWORD, csrf_from, login, smtp_server

SAMPLE = {
    "slug": None,
    "round_id": None,
    "user_id": 1,
    "invitation_id": 1,
    "code": None,
    "youth_code": None,
    "step": 1,
    "token": "x" * 43,
    "programme_slug": "p",
    "fmt": "csv",
    "action_id": 1,
    "note_id": 1,
    "point_key": "weakest:investment",
    "dimension": "urgency",  # a comments page
    "partner": 1,
}


@pytest.fixture
def setup(make_round, make_user, add_responses):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=3), closes_on=clock.today() + timedelta(days=3))
    add_responses(round_, 5)
    make_user("leider@p.example", round_.partnership)
    make_user("beheer@p.example", admin=True)
    return round_


def post_urls(app, round_) -> list[str]:
    values = {**SAMPLE, "slug": round_.partnership.slug, "round_id": round_.id, "code": round_.public_code}
    values["youth_code"] = round_.youth_code
    with app.test_request_context():
        return [
            url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if "POST" in rule.methods
        ]


def test_every_post_without_a_valid_csrf_token_is_refused(app, client, setup):
    login(client, "beheer@p.example")
    urls = post_urls(app, setup)
    assert len(urls) >= 15, urls
    for url in urls:
        for token in (None, "forged-token"):
            data = {} if token is None else {"csrf_token": token}
            assert client.post(url, data=data).status_code == 400, url


def spy_on_post_views(app) -> list[str]:
    """Replace the view of every POST rule by a spy that answers 200 and notes its endpoint,
    so a request the app-wide CSRF check let through is seen even where the form would have
    refused it. functools.wraps keeps the view's name, by which csrf.exempt marks a view."""
    reached = []
    for endpoint in {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}:

        @functools.wraps(app.view_functions[endpoint])
        def spy(*args, endpoint=endpoint, **kwargs):
            reached.append(endpoint)
            return "reached the view"

        app.view_functions[endpoint] = spy
    return reached


def test_the_app_wide_csrf_check_stops_every_post_before_its_view(app, client, setup):
    login(client, "beheer@p.example")
    valid = csrf_from(client.get("/beheer/programmas/nieuw").text)
    urls = post_urls(app, setup)
    reached = spy_on_post_views(app)
    for url in urls:
        for data in ({}, {"csrf_token": "forged-token"}, {"csrf_token": valid + "x"}):
            response = client.post(url, data=data)
            assert response.status_code == 400 and "reached the view" not in response.text, (url, data)
    assert reached == []
    # The spies do answer once the token is valid: every POST endpoint is reached.
    for url in urls:
        assert client.post(url, data={"csrf_token": valid}).text == "reached the view", url
    assert sorted(reached) == sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods})


def test_sign_in_is_rate_limited_after_repeated_failures(client, setup):
    statuses = [login(client, "leider@p.example", "wrong password").status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429
    assert "Even geduld" in login(client, "leider@p.example", PASSWORD).text  # also the right password, for now


def test_guessing_personal_links_is_rate_limited(client, setup):
    statuses = [client.get(f"/u/{n:043d}").status_code for n in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429


def client_at(app, address: str):
    """A browser at its own client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def form_post(client, page_url: str, action_url: str, data: dict):
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return client.post(action_url, data={**data, "csrf_token": csrf_from(page.text)})


def account_invitation_link(app, round_) -> str:
    """A real /welkom/ link: the leader invites a new member (no mail server: shown to copy)."""
    leader = app.test_client()
    login(leader, "leider@p.example")
    slug = round_.partnership.slug
    invited = form_post(
        leader, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": "nieuw@p.example", "role": "viewer"}
    )
    (link,) = re.findall(r'value="https?://[^/"]+(/welkom/[^"]+)"', invited.text)
    return link


def test_guessing_invitation_links_is_limited_and_a_valid_link_is_no_miss(app, setup):
    link = account_invitation_link(app, setup)
    guesser = client_at(app, "203.0.113.20")
    assert [guesser.get(link).status_code for _ in range(25)] == [200] * 25  # opening a real link is no miss
    statuses = [guesser.get(f"/welkom/{n:043d}").status_code for n in range(21)]
    assert statuses == [404] * 20 + [429]
    assert guesser.get(link).status_code == 429  # stopped, even for a real link
    assert client_at(app, "198.51.100.20").get(link).status_code == 200  # per client address
    assert client_at(app, "198.51.100.21").get("/welkom/" + "1" * 43).status_code == 404


def personal_link(app, round_) -> str:
    """A real /u/ link, as mailed to an invitee through a real SMTP server."""
    with smtp_server() as (port, mails):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        leader = app.test_client()
        login(leader, "leider@p.example")
        base = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
        assert form_post(leader, base, base + "uitnodigingen", {"emails": "lid@p.example"}).status_code == 200
    ((_, raw),) = mails
    body = email.message_from_string(raw, policy=email.policy.default).get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/u/\S+)", body).group(1)


def test_guessing_personal_links_is_limited_and_a_valid_link_is_no_miss(app, setup):
    link = personal_link(app, setup)
    guesser = client_at(app, "203.0.113.21")
    assert [guesser.get(link).status_code for _ in range(25)] == [302] * 25  # it resumes its questionnaire, uncounted
    statuses = [guesser.get(f"/u/{n:043d}").status_code for n in range(21)]
    assert statuses == [404] * 20 + [429]
    assert guesser.get(link).status_code == 429
    assert client_at(app, "198.51.100.22").get(link).status_code == 302  # per client address


def test_rate_limits_are_shared_through_redis_by_several_workers(database_url):
    """Two app instances (two gunicorn workers) with one Redis see one counter."""
    store = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    store.flushdb()
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
    }
    first, second = create_app(config), create_app(config)
    try:
        for n in range(10):
            assert (first if n % 2 else second).test_client().get(f"/u/{n:043d}").status_code == 404
        for n in range(10, 20):
            assert first.test_client().get(f"/u/{n:043d}").status_code == 404
        assert second.test_client().get("/u/" + "9" * 43).status_code == 429
    finally:
        store.flushdb()
        limiter.reset()


def test_oversized_bodies_get_413(client, setup):
    response = client.post(f"/s/{setup.public_code}/1", data={"comment-urgency": "x" * 300_000})
    assert response.status_code == 413 and "Te veel tekst" in response.text


def test_error_pages_show_no_stack_trace_and_debug_is_off(app, client, setup, monkeypatch):
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}).debug is False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals in /srv/app.py line 12")

    monkeypatch.setattr("surveys.views.render_template", explode)
    response = client.get(f"/s/{setup.public_code}")
    assert response.status_code == 500
    assert "Traceback" not in response.text and "secret internals" not in response.text


def test_headers_on_every_kind_of_response(client, setup):
    login(client, "leider@p.example")
    for url in (
        "/",
        f"/s/{setup.public_code}",
        "/s/unknown",
        f"/dashboard/{setup.partnership.slug}/",
        "/static/css/app.css",
    ):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in policy, (url, directive)
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_https_gets_hsts_and_secure_cookies(app, setup):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    page = client.get("/inloggen", base_url="https://monitor.example")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = next(h for h in page.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_httponly_and_samesite_lax(client, setup):
    login(client, "leider@p.example")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize(
    "payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)"]
)
def test_hostile_text_is_shown_as_text_everywhere(app, client, session, setup, add_responses, payload):
    partnership = session.get(Partnership, setup.partnership_id)
    partnership.name = f"Regio {payload}"
    round_ = session.get(Round, setup.id)
    round_.title = f"T1 {payload}"
    round_.closes_on = clock.today() - timedelta(days=1)
    session.commit()
    add_responses(round_, 1, comments={"youth": f"Opmerking {payload}"})
    login(client, "leider@p.example")
    slug = partnership.slug
    pages = [
        f"/dashboard/{slug}/",
        f"/dashboard/{slug}/rounds/{round_.id}/report",
        f"/beheer/{slug}/",
        f"/beheer/{slug}/metingen/{round_.id}/",
        f"/beheer/{slug}/logboek",
    ]
    for url in pages:
        html = client.get(url).text
        assert payload in html.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"'), (
            url
        )  # it is there, as text
        if payload.startswith("<"):
            assert payload not in html, url  # escaped
        assert not re.search(r"<(script|img)[^>]*(onerror|alert)", html), url
        assert not re.search(r'(href|src|action)="\s*javascript:', html), url
    csv = client.get(f"/dashboard/{slug}/export/scores.csv").data.decode("utf-8-sig")
    assert f"T1 {payload}" in csv  # data stays data in a CSV; it starts with "T1", so no formula


def table_contents(session) -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in a fixed order (rows sorted)."""
    session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }


def test_no_get_changes_state(app, client, session, setup):
    """Every GET route of the URL map, as an administrator with a questionnaire in progress
    and an open account invitation: no row of any table changes, none comes or goes, except
    the audit log's records of the three downloads."""
    login(client, "beheer@p.example")
    account_invitation_link(app, setup)
    questionnaire = client.get(f"/s/{setup.public_code}/1")
    assert (
        client.post(
            f"/s/{setup.public_code}/1", data={"csrf_token": csrf_from(questionnaire.text), "comment-urgency": "bezig"}
        ).status_code
        == 302
    )
    values = {
        **SAMPLE,
        "slug": setup.partnership.slug,
        "round_id": setup.id,
        "code": setup.public_code,
        "youth_code": setup.youth_code,
        "name": "plotly.min.js",
        "filename": "css/app.css",
    }
    before = table_contents(session)
    assert all(before[name] for name in ("draft", "account_invitation", "release", "response_score", "audit_event"))
    with app.test_request_context():
        urls = [
            url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        ]
    assert len(urls) >= 29
    for url in urls:
        assert client.get(url).status_code < 500, url
    after = table_contents(session)
    audit_before, audit_after = before.pop("audit_event"), after.pop("audit_event")
    assert after == before
    assert set(audit_before) <= set(audit_after)  # nothing in the log changed or went
    added = sorted(
        (row.actor, row.action, row.detail)
        for row in session.scalars(select(AuditEvent).where(AuditEvent.id.not_in([row[0] for row in audit_before])))
    )
    assert added == [
        ("beheer@p.example", "export.actions", "csv"),
        ("beheer@p.example", "export.scores", "csv"),
        ("beheer@p.example", "export.statements", "T1 (csv)"),
    ]


def test_the_per_email_sign_in_limit_also_holds_for_json_bodies(client, setup):
    for _ in range(5):
        login(client, "leider@p.example", "wrong password")
    token = csrf_from(client.get("/inloggen").text)
    response = client.post(
        "/inloggen", json={"email": "leider@p.example", "password": PASSWORD}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 429


def test_the_development_server_logs_requests_without_the_client_address(caplog):
    """The real werkzeug server, one request: the request line is logged, the address not."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/inloggen?lang=nl", timeout=10) as answer:
                assert answer.status == 200
            server.shutdown()  # returns once the request has been handled (and logged)
    finally:
        server.server_close()
        thread.join(timeout=10)
    (line,) = [record.getMessage() for record in caplog.records if "GET /inloggen" in record.getMessage()]
    assert '"GET /inloggen?lang=nl HTTP/1.1" 200' in line
    assert "127.0.0.1" not in line
