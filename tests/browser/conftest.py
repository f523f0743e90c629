"""A live app on a real SQLite file, served on a free port, and Debian's Chromium driven by
Playwright (never a downloaded browser)."""

import email
import email.policy
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from extensions import db

from ..conftest import smtp_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Headless flags that keep Chromium off this machine's closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def app_on(path: Path):
    url = f"sqlite:///{path}"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser-test", "MIN_GROUP_SIZE": 5})


@contextmanager
def serving(app):
    """The app served on a free port of 127.0.0.1 (its address in LIVE_URL) while in the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    app = app_on(tmp_path_factory.mktemp("browser") / "browser.db")
    with app.app_context():
        upgrade()
    with serving(app):
        yield app


@pytest.fixture
def new_app(tmp_path):
    """A live app on a database file that does not exist yet, for one test: as an operator
    finds it before `flask db upgrade`."""
    with serving(app_on(tmp_path / "new.db")) as app:
        yield app


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def sign_in(page, base: str, email: str, password: str) -> None:
    """Sign in through the sign-in form, as a person does."""
    page.goto(f"{base}/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


class PageWatch:
    """Collects console errors and every request that leaves the app's origin. A page
    answered with 422 (a form with a missing answer) is expected, not an error."""

    EXPECTED = "the server responded with a status of 422"

    def __init__(self, page, origin: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "request",
            lambda request: (
                request.url.startswith(origin) or request.url.startswith("data:") or self.foreign.append(request.url)
            ),
        )

    def _console(self, message) -> None:
        if message.type == "error" and self.EXPECTED not in message.text:
            self.errors.append(f"{message.text} ({message.location.get('url')})")


def radar_axes(page, chart_id: str) -> list[str]:
    """The axis labels a drawn radar shows (plotly draws a tick and a label per axis)."""
    script = f"[...document.querySelectorAll('#{chart_id} .angularaxistick text')].map(t => t.textContent)"
    return list(dict.fromkeys(page.evaluate(script)))


def svg_radar_axes(page, chart_id: str) -> list[str]:
    """The axis labels of the respondent's SVG radar, each label's lines joined, and each
    label drawn inside the chart (its box within the SVG's)."""
    script = f"""() => {{
      const svg = document.getElementById('{chart_id}').getBoundingClientRect();
      return [...document.querySelectorAll('#{chart_id} .radar-axis')].map(t => {{
        const box = t.getBoundingClientRect();
        const inside = box.width > 0 && box.left >= svg.left - 1 && box.right <= svg.right + 1
          && box.top >= svg.top - 1 && box.bottom <= svg.bottom + 1;
        return inside ? [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') : null;
      }});
    }}"""
    return page.evaluate(script)


def svg_radar_scores(page, chart_id: str) -> list[float]:
    """The scores the respondent's SVG radar draws, read back from the points: the centre is
    1, the outer ring 5."""
    script = f"""() => {{
      const svg = document.getElementById('{chart_id}');
      const ring = svg.querySelector('.radar-grid circle');
      const [cx, cy, r] = ['cx', 'cy', 'r'].map(a => ring[a].baseVal.value);
      return [...svg.querySelectorAll('.radar-point')].map(p =>
        1 + 4 * Math.hypot(p.cx.baseVal.value - cx, p.cy.baseVal.value - cy) / r);
    }}"""
    return page.evaluate(script)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def body_text(content: bytes) -> str:
    return (
        email.message_from_bytes(content, policy=email.policy.default).get_body(preferencelist=("plain",)).get_content()
    )


@contextmanager
def mail_through(app):
    """A real SMTP server the app mails through while in the block; (recipient, decoded text) per mail."""
    with smtp_server(read=body_text) as (port, received):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        try:
            yield received
        finally:
            app.config["MAIL_SERVER"] = None


@pytest.fixture
def mailbox(live_app):
    """A real SMTP server the live app mails through; (recipient, decoded text) per mail."""
    with mail_through(live_app) as received:
        yield received
