"""Fixtures: every database test runs twice, on a real SQLite file and on the real
PostgreSQL (TEST_POSTGRES_URL, default the local server's database `test`), each migrated
with `flask db upgrade` once per run; tables are emptied after every test."""

from __future__ import annotations

import os
import re
import secrets
import socket
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy.orm import Session

import clock
from app import create_app
from extensions import db, limiter
from models import Partnership, Round
from surveys.instrument import get_instrument

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# TEST_DATABASES=sqlite runs the database tests on SQLite only (the mutation run does, to stay
# affordable); the default is both, as CI runs them.
DATABASES = [name.strip() for name in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if name.strip()]
if not DATABASES or set(DATABASES) - {"sqlite", "postgresql"}:
    raise pytest.UsageError(f"TEST_DATABASES must name sqlite and/or postgresql, not {os.environ['TEST_DATABASES']!r}")


def _app_config(url: str) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", "MIN_GROUP_SIZE": 5}


def _migrate(url: str) -> None:
    app = create_app(_app_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def postgresql_url():
    """A schema of our own in the test database, so parallel runs do not meet."""
    schema = f"test_{secrets.token_hex(4)}"
    plain = POSTGRES_URL.replace("+psycopg", "")
    try:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL} (start it, or set TEST_POSTGRES_URL): {error}")
    url = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    _migrate(url)
    yield url
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=DATABASES)
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def app(database_url):
    """The app as it runs: every request pushes its own context, like a server does."""
    app = create_app(_app_config(database_url))
    yield app
    limiter.reset()  # counters are per test
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def session(app):
    """The test's own view of the database (a separate connection, like a second user)."""
    with app.app_context():
        engine = db.engine
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories: real rows through the real models ---------------------------------------


@pytest.fixture
def make_round(session):
    def make(title="T1 voorjaar", opens_on=None, closes_on=None, partnership=None, **fields) -> Round:
        if partnership is None:
            slug = f"p-{secrets.token_hex(3)}"
            partnership = Partnership(slug=slug, name=f"Regio {slug}", region="Testregio")
        fields.setdefault("hide_results_while_open", False)  # most tests read results while the round is open
        fields.setdefault("instrument_version", 1)  # a test on a later version asks for it
        round_ = Round(
            partnership=partnership,
            title=title,
            opens_on=opens_on or clock.today() - timedelta(days=1),
            closes_on=closes_on or clock.today() + timedelta(days=14),
            **fields,
        )
        session.add(round_)
        session.commit()
        return round_

    return make


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class Respondent:
    """A person answering the questionnaire through HTTP, like a browser without JavaScript:
    every post carries the CSRF token of the page it came from. `version` is the round's
    instrument version (the conftest's rounds are on version 1)."""

    def __init__(self, client, code: str, version: int = 1):
        self.client, self.code = client, code
        self.instrument = get_instrument(version)

    def url(self, step) -> str:
        return f"/s/{self.code}/{step}"

    def post(self, step, data: dict, action: str = "next", follow: bool = False):
        """Post a page (with the token of the page as fetched); `follow` follows the
        redirect that comes after every post, to the next page or back to this one."""
        page = self.client.get(self.url(step))
        data = {**data, "csrf_token": csrf_from(page.text), "action": action}
        return self.client.post(self.url(step), data=data, follow_redirects=follow)

    # The pages, written out here rather than taken from surveys/pages.py: two dimensions a
    # page in the instrument's order, then the profile (tests/test_pages.py tests the rule).
    STEPS = 4
    PROFILE_STEP = 4

    def dimensions_on(self, step: int) -> tuple:
        return self.instrument.dimensions[2 * (step - 1) : 2 * step] if step < self.PROFILE_STEP else ()

    def page_data(self, step: int, answers: dict, comments: dict | None = None, profile: dict | None = None) -> dict:
        if step == self.PROFILE_STEP:
            return dict(profile or {"level": "beleid", "domain": "gemeente"})
        data = {}
        for dimension in self.dimensions_on(step):
            data |= {item.key: answers[item.key] for item in dimension.items if item.key in answers}
            data[f"comment-{dimension.key}"] = (comments or {}).get(dimension.key, "")
        return data

    def answer_statements(self, answers: dict) -> str:
        """Answer every dimension page; returns the CSRF token of the profile page."""
        for step in range(1, self.PROFILE_STEP):
            assert self.post(step, self.page_data(step, answers)).status_code == 302
        return csrf_from(self.client.get(self.url(self.PROFILE_STEP)).text)

    def complete(self, answers: dict, comments: dict | None = None, profile: dict | None = None):
        """Answer every page in order; returns the last response (a redirect when all is well)."""
        for step in range(1, self.STEPS + 1):
            response = self.post(step, self.page_data(step, answers, comments, profile))
            assert response.status_code == 302, (step, response.status_code)
        return response


def uniform_answers(value: str = "4") -> dict:
    return {item.key: value for item in get_instrument(1).items}


@pytest.fixture
def respondent(client, make_round):
    round_ = make_round()
    return Respondent(client, round_.public_code)


# --- leaders and responses, through the same code as the app -------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    from manage.accounts import create_user, grant
    from models import Role

    def make(email: str, partnership: Partnership | None = None, role: str = "leader", admin: bool = False) -> str:
        with app.app_context():
            user = create_user(email, PASSWORD, name=email.split("@")[0], is_admin=admin)
            if partnership is not None:
                grant(user, db.session.get(Partnership, partnership.id), Role(role))
            db.session.commit()
        return email

    return make


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/inloggen")
    return client.post("/inloggen", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)})


def post_round_settings(client, round_, **fields):
    """The leader's settings form on the round page, as a browser posts it: the round's
    title, version and dates, and `fields` on top (a checkbox left out is unticked)."""
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    data = {
        "csrf_token": csrf_from(client.get(url).text),
        "title": round_.title,
        "instrument_version": str(round_.instrument_version),
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        **fields,
    }
    return client.post(url, data=data)


@pytest.fixture
def add_responses(app):
    """Store `count` responses in a round through the submission code, each committed and
    followed by the release check as a submission is; `value(n, item)` gives respondent n's
    answer to an item (None for "weet ik niet"). `release=False` stores them without the
    check, as responses stored before releases existed (`flask release` releases them). Each
    round is answered with its own instrument version."""
    from dashboard.releases import release_if_due
    from surveys.responses import add_response

    def add(
        round_: Round,
        count: int,
        value=lambda n, item: 4,
        level="werkvloer",
        domain="gemeente",
        comments=None,
        release=True,
    ):
        instrument = get_instrument(round_.instrument_version)
        with app.app_context():
            for n in range(count):
                answers = {item.key: value(n, item) for item in instrument.items}
                profile = {"level": level, "domain": domain}
                add_response(round_.id, instrument, answers, comments or {}, profile, "nl", round_.opens_on)
                db.session.commit()
                if release:
                    release_if_due(round_.id, app.config["MIN_GROUP_SIZE"])

    return add


# --- mail --------------------------------------------------------------------------------


@contextmanager
def smtp_server(read=lambda content: content.decode()):
    """A real SMTP server (aiosmtpd) on a free port: yields (port, mails), where mails fills
    with (recipient, read(raw message)) as the app sends."""
    mails = []

    class Handler:
        async def handle_DATA(self, server, smtp_session, envelope):
            mails.extend((recipient, read(envelope.content)) for recipient in envelope.rcpt_tos)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mails
    finally:
        controller.stop()


def route_values(round_, open_round) -> dict:
    """A value for every argument of the URL map's GET routes: a round of the leader's own, an
    open round's survey code, a well-formed token that exists nowhere, and real asset names."""
    from assets import plotly_filename

    return {
        "slug": round_.partnership.slug,
        "round_id": round_.id,
        "fmt": "csv",
        "programme_slug": "prog",
        "code": open_round.public_code,
        "youth_code": open_round.youth_code,  # the youth questionnaire's link
        "step": 1,
        "token": "x" * 43,
        "name": plotly_filename(),
        "filename": "css/app.css",
        # The learning loop's rows: ids that need not exist (their pages answer 404 then).
        "action_id": 1,
        "note_id": 1,
        "point_key": "weakest:investment",
        "dimension": "urgency",  # a comments page
        "partner": 1,  # an organisation on the partner map (need not exist)
    }
