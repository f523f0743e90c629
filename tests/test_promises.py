"""README promises that were tested only in part (issue 9): a personal link of a round not
yet open, TRUST_PROXY, hostile text on the respondent's intro, deleting table by table, the
backup import's rollback, the SQLite pragmas and the security headers on every response.
Over HTTP, on SQLite and PostgreSQL, with mail through a real SMTP server."""

import email
import email.policy
import hashlib
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import url_for
from sqlalchemy import select, text

import clock
from app import create_app
from assets import plotly_filename
from extensions import db, limiter

from .conftest import Respondent, csrf_from, login, route_values, smtp_server

DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def form_post(client, page_url: str, action_url: str | None, data: dict):
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return client.post(action_url or page_url, data={**data, "csrf_token": csrf_from(page.text)})


def mailed_personal_links(app, leader, round_, emails: str) -> list[str]:
    """Invite through the round page; the /u/ links as a real SMTP server received them."""
    with smtp_server() as (port, mails):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        base = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
        assert form_post(leader, base, base + "uitnodigingen", {"emails": emails}).status_code == 200
    app.config["MAIL_SERVER"] = None
    bodies = [
        email.message_from_string(raw, policy=email.policy.default).get_body(preferencelist=("plain",)).get_content()
        for _, raw in mails
    ]
    return [re.search(r"https?://[^/\s]+(/u/\S+)", body).group(1) for body in bodies]


def signed_in(app, email_address: str):
    client = app.test_client()
    assert login(client, email_address).status_code == 302
    return client


# --- a personal link of a round not yet open ---------------------------------------------------


def test_a_personal_link_of_a_round_not_yet_open_says_the_day_it_opens(app, make_round, make_user):
    opens = clock.today() + timedelta(days=12)
    round_ = make_round("T2", opens_on=opens, closes_on=opens + timedelta(days=20))
    make_user("leider@p.example", round_.partnership)
    (link,) = mailed_personal_links(app, signed_in(app, "leider@p.example"), round_, "lid@p.example")
    page = app.test_client().get(link)
    assert page.status_code == 403
    assert f"{opens.day} {DUTCH_MONTHS[opens.month - 1]} {opens.year}" in page.text  # the day, in Dutch


# --- TRUST_PROXY -------------------------------------------------------------------------------


def proxied_app(app, trust: bool):
    """A second app on the test's database, as behind a proxy that terminates HTTPS."""
    return create_app(
        {
            **{k: app.config[k] for k in ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY")},
            "TRUST_PROXY": trust,
            "SESSION_COOKIE_SECURE": True,
        }
    )


def failed_sign_in(client, forwarded_for: str, n: int = 0):
    """A failed sign-in for account n (another account each time: only the per-client limit counts)."""
    headers = {"X-Forwarded-For": forwarded_for}
    page = client.get("/inloggen", headers=headers)
    return client.post(
        "/inloggen",
        headers=headers,
        data={"email": f"niemand{n}@p.example", "password": "fout", "csrf_token": csrf_from(page.text)},
    ).status_code


def test_trust_proxy_takes_the_scheme_and_client_address_from_the_proxy(app):
    proxied = proxied_app(app, trust=True)
    page = proxied.test_client().get(
        "/inloggen", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.30"}
    )
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = next(header for header in page.headers.getlist("Set-Cookie") if header.startswith("session="))
    assert "Secure" in cookie
    # The limiter counts per forwarded address: one client stopped, another not.
    client = proxied.test_client()
    assert [failed_sign_in(client, "203.0.113.31", n) for n in range(11)] == [422] * 10 + [429]
    assert failed_sign_in(client, "203.0.113.32") == 422
    limiter.reset()


def test_without_trust_proxy_the_forwarded_headers_are_ignored(app):
    direct = proxied_app(app, trust=False)
    page = direct.test_client().get("/inloggen", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in page.headers
    # A forged X-Forwarded-For per request changes nothing: one client, one counter.
    client = direct.test_client()
    assert [failed_sign_in(client, f"203.0.113.{40 + n}", n) for n in range(11)] == [422] * 10 + [429]
    limiter.reset()


# --- hostile text on the respondent's intro ----------------------------------------------------


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_hostile_partnership_names_and_round_titles_are_text_on_the_intro(make_round, client, session, payload):
    round_ = make_round(f"T1 {payload}")
    round_.partnership.name = f"Regio {payload}"
    session.commit()
    for url in (f"/s/{round_.public_code}", f"/s/{round_.public_code}/1"):
        html = client.get(url).text
        assert payload not in html, url
        assert payload.replace("<", "&lt;").replace(">", "&gt;") in html, url  # shown, escaped
        assert not re.search(r"<(script|img)[^>]*(onerror|alert)", html), url


# --- deleting, table by table ------------------------------------------------------------------


def all_rows(session) -> dict[str, dict[tuple, tuple]]:
    """Every row of every table, keyed by its primary key."""
    session.expire_all()
    return {
        table.name: {
            tuple(row[c.name] for c in table.primary_key.columns): tuple(row)
            for row in session.execute(select(table)).mappings()
        }
        for table in db.metadata.sorted_tables
    }


def belonging_to(session, table_name: str, row_id: int) -> dict[str, set[tuple]]:
    """The primary keys, per table, of every row that refers to the row, directly or through
    other rows (a score through its response through its round), found by walking the
    foreign keys of the metadata: a new table is covered without naming it here."""
    owned = {table.name: set() for table in db.metadata.sorted_tables}
    owned[table_name].add((row_id,))
    changed = True
    while changed:
        changed = False
        for table in db.metadata.sorted_tables:
            for key in table.foreign_keys:
                parent = key.column.table.name
                ids = [pk[0] for pk in owned[parent]]
                if not ids or parent == table.name:
                    continue
                pk_columns = list(table.primary_key.columns)
                for row in session.execute(select(*pk_columns).where(key.parent.in_(ids))):
                    if tuple(row) not in owned[table.name]:
                        owned[table.name].add(tuple(row))
                        changed = True
    return owned


@pytest.fixture
def two_partnerships(app, make_round, make_user, add_responses, session):
    """Two partnerships with every kind of row: rounds, responses (answers, scores, comments),
    releases, personal invitations, a questionnaire in progress, members, an account
    invitation and the audit log."""
    made = []
    for name in ("ons", "elders"):
        first = make_round("T1")
        second = make_round("T2", partnership=first.partnership)
        leader = f"leider@{name}.example"
        make_user(leader, first.partnership)
        add_responses(first, 5, comments={"youth": "Een opmerking"})
        add_responses(second, 5)
        client = signed_in(app, leader)
        slug = first.partnership.slug
        form_post(
            client, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": f"nieuw@{name}.example", "role": "viewer"}
        )
        for round_ in (first, second):
            (link,) = mailed_personal_links(app, client, round_, f"lid@{name}.example")
            visitor = app.test_client()
            code = re.search(r"/s/([a-z0-9]+)", visitor.get(link).headers["Location"]).group(1)
            Respondent(visitor, code).post(1, {"comment-urgency": "bezig"})  # a questionnaire in progress
        made.append((first, second, client))
    return made


def assert_deleted(before, after, owned, may_add: str | None = None):
    for table, rows in before.items():
        gone = {pk for pk in rows if pk not in after[table]}
        assert gone == owned[table], table  # exactly its rows, table by table
        kept = {pk: row for pk, row in rows.items() if pk not in owned[table]}
        assert {pk: after[table][pk] for pk in kept} == kept, table  # the rest unchanged
        if table != may_add:
            assert set(after[table]) <= set(rows), table


def test_deleting_a_round_and_a_partnership_removes_every_row_of_theirs_and_nothing_else(
    app, session, two_partnerships
):
    (ours, _, leader), (theirs, _, _) = two_partnerships
    for must_hold in ("response", "answer", "comment", "response_score", "release", "invitation", "draft"):
        assert belonging_to(session, "round", ours.id)[must_hold], must_hold
    slug, name, partnership_id, round_id = ours.partnership.slug, ours.partnership.name, ours.partnership_id, ours.id

    before, owned = all_rows(session), belonging_to(session, "round", round_id)
    page = f"/beheer/{slug}/metingen/{round_id}/verwijderen"
    assert form_post(leader, page, None, {"confirm": "T1"}).status_code == 302
    assert_deleted(before, all_rows(session), owned, may_add="audit_event")  # the log says it was deleted

    before, owned = all_rows(session), belonging_to(session, "partnership", partnership_id)
    for must_hold in (
        "round",
        "response_score",
        "draft",
        "invitation",
        "membership",
        "account_invitation",
        "audit_event",
    ):
        assert owned[must_hold], must_hold
    assert form_post(leader, f"/beheer/{slug}/verwijderen", None, {"confirm": name}).status_code == 302
    after = all_rows(session)
    assert_deleted(before, after, owned)
    assert after["user_account"] == before["user_account"]  # accounts are people, not the partnership's rows
    assert len(after["partnership"]) == 1 and len(after["round"]) == 2  # theirs, whole


# --- the backup import's rollback --------------------------------------------------------------


def test_a_backup_that_fails_halfway_writes_nothing(app, runner, session, two_partnerships, tmp_path):
    file = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", "export", str(file)]).exit_code == 0
    document = json.loads(file.read_text())
    tables = document["content"]["tables"]
    filled = [name for name, rows in tables.items() if rows]
    last = filled[-1]
    tables[last].append(dict(tables[last][-1]))  # the last table's last row twice: its primary key clashes
    # A valid checksum for the changed content (SHA-256 of the content as sorted JSON), so the
    # file passes every check before the import and fails only while it writes.
    document["sha256"] = hashlib.sha256(
        json.dumps(document["content"], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    file.write_text(json.dumps(document))
    assert len(filled) >= 5  # tables written before the clash
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    result = runner.invoke(args=["backup", "import", str(file)])
    assert result.exit_code != 0 and "nothing was written" in result.output, result.output
    assert all(rows == {} for rows in all_rows(session).values())


# --- SQLite pragmas ------------------------------------------------------------------------------


def test_sqlite_connections_get_wal_normal_sync_foreign_keys_and_a_busy_timeout(sqlite_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sqlite_url, "SECRET_KEY": "x"})
    with app.app_context():
        with db.engine.connect() as connection:
            pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 1  # NORMAL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 10000
        db.engine.dispose()


# --- security headers on every response ------------------------------------------------------------


def every_get_url(app, round_, open_round, user_id: int) -> list[str]:
    values = {**route_values(round_, open_round), "user_id": user_id, "invitation_id": 1}
    with app.test_request_context():
        return [
            url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        ]


def assert_security_headers(response, what) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy, (what, response.status_code, directive)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", (what, response.status_code)
    assert response.headers.get("Referrer-Policy"), (what, response.status_code)


@pytest.fixture
def url_map_walk(app, make_round, make_user, add_responses, session):
    """Every GET URL of the URL map for a partnership with a closed round of five responses
    and an open one, its leader and an administrator: (closed, open round, urls)."""
    today = clock.today()
    closed = make_round("T1", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    open_round = make_round("T2", partnership=closed.partnership)
    add_responses(closed, 5)
    make_user("leider@p.example", closed.partnership)
    make_user("beheer@p.example", admin=True)
    user_id = session.scalar(text("SELECT id FROM user_account WHERE email = 'leider@p.example'"))
    return closed, open_round, every_get_url(app, closed, open_round, user_id)


def test_security_headers_on_every_response(app, url_map_walk):
    closed, open_round, urls = url_map_walk
    assert len(urls) >= 29
    clients = {
        "anonymous": app.test_client(),
        "leader": signed_in(app, "leider@p.example"),
        "admin": signed_in(app, "beheer@p.example"),
    }
    statuses = set()
    for who, client in clients.items():
        for url in urls:
            response = client.get(url)
            statuses.add(response.status_code)
            assert_security_headers(response, (who, url))
        for what, response in {
            "404": client.get("/bestaat-niet"),
            "405": client.delete("/inloggen"),
            "413": client.post(f"/s/{open_round.public_code}/1", data={"comment-urgency": "x" * 300_000}),
            "400": client.post("/inloggen", data={"email": "a"}),
            "static": client.get("/static/css/app.css"),
            "plotly": client.get(f"/vendor/{plotly_filename()}"),
        }.items():
            statuses.add(response.status_code)
            assert_security_headers(response, (who, what))
    assert {200, 302, 400, 404, 405, 413} <= statuses


# --- one id once per page ----------------------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def test_no_page_repeats_an_id(app, url_map_walk):
    """Pages with several forms (the round page: close, invite, remind, settings) rendered
    each form's CSRF field with id="csrf_token": labels, links to errors and assistive
    technology need every id once. Every GET page of the URL map, as a leader and an
    administrator, with a mail server (so every form of the round page is there)."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=25, MAIL_USE_TLS=False)  # configured; GETs send nothing
    closed, open_round, urls = url_map_walk
    urls = urls + [f"/beheer/{closed.partnership.slug}/metingen/{open_round.id}/"]
    pages = 0
    for who in ("leider@p.example", "beheer@p.example"):
        client = signed_in(app, who)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or not response.mimetype == "text/html":
                continue
            parser = _Ids()
            parser.feed(response.text)
            repeated = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
            assert repeated == [], (who, url, repeated)
            pages += 1
    assert pages >= 20
