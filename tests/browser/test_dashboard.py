"""A project leader signs in and reads the dashboard in Chromium: the radar draws six axes
with the values the database holds, nothing is fetched from elsewhere, no console errors;
a leader of another partnership sees none of it."""

import math
import re

import pytest
from sqlalchemy import func, select

from extensions import db
from manage.accounts import create_user, grant
from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader
from models import Partnership, Response, ResponseScore, Role, Round
from surveys.instrument import get_instrument

from .conftest import PageWatch, radar_axes

pytestmark = pytest.mark.browser

INSTRUMENT = get_instrument(1)
OTHER_LEADER = ("leider@elders.example", "wachtwoord van elders")


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        create_demo()
        live_app.config["DEMO_PASSWORD"] = reset_demo_leader()
        if not db.session.scalar(select(Partnership).where(Partnership.slug == "elders")):
            elders = Partnership(slug="elders", name="Regio Elders")
            db.session.add(elders)
            db.session.commit()
            grant(create_user(*OTHER_LEADER), elders, Role.LEADER)
            db.session.commit()
    return live_app


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def released_count(count: int, min_size: int) -> int:
    """Responses shown after `count` submissions one by one: a release whenever
    max(min_size, a tenth of those released so far) wait, taking all of them."""
    released = 0
    while count - released >= (need := max(min_size, math.ceil(released / 10))):
        released += need
    return released


def database_means(app) -> dict[str, list[float]]:
    """Per round title, the mean score per dimension of the responses in its latest release,
    straight from SQL; and that release holds as many as `released_count` says."""
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(Round.title, func.count(Response.id))
                .join(Response, Response.round_id == Round.id)
                .join(Partnership)
                .where(Partnership.slug == "demo")
                .group_by(Round.title)
            ).all()
        )
        shown = dict(
            db.session.execute(
                select(Round.title, func.count(Response.id))
                .join(Response, Response.round_id == Round.id)
                .join(Partnership)
                .where(Partnership.slug == "demo", Response.release_number.is_not(None))
                .group_by(Round.title)
            ).all()
        )
        assert shown == {title: released_count(n, app.config["MIN_GROUP_SIZE"]) for title, n in counts.items()}
        rows = db.session.execute(
            select(Round.title, ResponseScore.dimension, func.avg(ResponseScore.score))
            .join(Response, Response.round_id == Round.id)
            .join(ResponseScore, ResponseScore.response_id == Response.id)
            .join(Partnership)
            .where(Partnership.slug == "demo", Response.release_number.is_not(None))
            .group_by(Round.title, ResponseScore.dimension)
        )
        means: dict[str, dict[str, float]] = {}
        for title, dimension, mean in rows:
            means.setdefault(title, {})[dimension] = float(mean)
    return {title: [values[d.key] for d in INSTRUMENT.dimensions] for title, values in means.items()}


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["desktop", "phone"]
)
def test_leader_reads_the_dashboard(browser, demo, artifacts, viewport):
    base = demo.config["LIVE_URL"]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    watch = PageWatch(page, base)
    sign_in(page, base, DEMO_LEADER_EMAIL, demo.config["DEMO_PASSWORD"])
    page.wait_for_url(f"{base}/dashboard/demo/")
    page.wait_for_selector("#rounds-radar .main-svg")
    page.wait_for_selector("#trend-daring .main-svg")
    # The open round (shown first) may not show its levels yet (each grew by fewer than five
    # per release); a closed round shows them.
    with demo.app_context():
        t2 = db.session.scalar(
            select(Round.id).join(Partnership).where(Partnership.slug == "demo", Round.title == "T2 derde meting")
        )
    page.goto(f"{base}/dashboard/demo/?round={t2}")
    page.wait_for_selector("#rounds-radar .main-svg")
    page.wait_for_selector("#levels-radar .main-svg")
    name = "desktop" if viewport["width"] > 400 else "phone"
    page.screenshot(path=artifacts / f"dashboard-{name}.png", full_page=True)

    assert len(radar_axes(page, "rounds-radar")) == 6
    drawn = page.evaluate("document.getElementById('rounds-radar').data.map(t => [t.name, t.r.slice(0, 6)])")
    expected = database_means(demo)
    assert [title for title, _ in drawn] == ["T0 nulmeting", "T1 tweede meting", "T2 derde meting", "T3 vierde meting"]
    for title, values in drawn:
        assert values == pytest.approx(expected[title])
    for chart in ("levels-radar", "domains-radar", "trend-urgency", "bars-urgency"):
        assert page.locator(f"#{chart} .main-svg").count() >= 1, chart
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("link", name=re.compile("^Rapport om te printen")).click()
    page.wait_for_selector("#pair-radar .main-svg")
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / f"report-print-{name}.png", full_page=True)
    assert watch.errors == [] and watch.foreign == []
    context.close()


def test_leader_of_another_partnership_sees_nothing(browser, demo):
    base = demo.config["LIVE_URL"]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, *OTHER_LEADER)
    response = page.goto(f"{base}/dashboard/demo/")
    assert response.status == 404
    assert "Regio Voorbeeld" not in page.content()
    context.close()
