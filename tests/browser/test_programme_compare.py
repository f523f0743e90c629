"""A coordinator compares partnerships in Chromium, on a phone and a desktop: ticks two of
three, presses "Toon", reads the radar (the two against the programme average), and opens the
printable report of the same choice. Scores by hand: everyone in a partnership gives the same
answer (reverse statements mirrored), so each dimension scores that answer."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

import clock
from dashboard.releases import release_if_due
from extensions import db
from manage.accounts import create_user
from models import Coordinatorship, Partnership, Programme, Round
from surveys.instrument import get_instrument
from surveys.responses import add_response

from .conftest import PageWatch

pytestmark = pytest.mark.browser

COORDINATOR = ("coord@vergelijk.example", "wachtwoord van de coordinator")
SCORES = {"Regio Een": 2, "Regio Twee": 4, "Regio Drie": 3}  # programme average 3.0
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)


@pytest.fixture(scope="module")
def programme(live_app):
    instrument = get_instrument(1)
    with live_app.app_context():
        if db.session.query(Programme).filter_by(slug="vergelijk").one_or_none() is None:
            programme = Programme(slug="vergelijk", name="Programma Vergelijk")
            db.session.add(programme)
            db.session.flush()
            today = clock.today()
            for number, (name, value) in enumerate(SCORES.items()):
                round_ = Round(
                    partnership=Partnership(slug=f"vergelijk-{number}", name=name, programme_id=programme.id),
                    title=f"Meting {name}",
                    instrument_version=1,
                    opens_on=today - timedelta(days=40),
                    closes_on=today - timedelta(days=10),
                )
                db.session.add(round_)
                db.session.flush()
                for _ in range(5):  # the fifth makes the release
                    answers = {item.key: 6 - value if item.reverse else value for item in instrument.items}
                    profile = {"level": "werkvloer", "domain": "gemeente"}
                    add_response(round_.id, instrument, answers, {}, profile, "nl", round_.opens_on)
                    db.session.commit()
                    release_if_due(round_.id, live_app.config["MIN_GROUP_SIZE"])
            user = create_user(*COORDINATOR)
            db.session.flush()
            db.session.add(Coordinatorship(user_id=user.id, programme_id=programme.id))
            db.session.commit()
    return live_app.config["LIVE_URL"]


def radar(page) -> list[tuple[str, list[float]]]:
    page.wait_for_selector("#programme-radar .main-svg")
    data = page.evaluate("() => document.getElementById('programme-radar').data.map(t => [t.name, t.r.slice(0, 6)])")
    return [(name, [round(r, 2) for r in values]) for name, values in data]


@VIEWPORTS
def test_a_coordinator_ticks_two_partnerships_and_sees_them_against_the_average(
    browser, programme, artifacts, viewport
):
    page = browser.new_context(viewport=viewport).new_page()
    watch = PageWatch(page, programme)
    page.goto(f"{programme}/inloggen")
    page.fill("#email", COORDINATOR[0])
    page.fill("#password", COORDINATOR[1])
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.goto(f"{programme}/dashboard/programma/vergelijk/")  # (the dashboard sends one programme here)
    assert radar(page) == [("Regio Drie", [3.0] * 6), ("Programmagemiddelde", [3.0] * 6)]  # the first by name

    compare = page.get_by_role("group", name="Vergelijk (hoogstens 4)")
    compare.get_by_label("Regio Drie").uncheck()
    compare.get_by_label("Regio Een").check()
    compare.get_by_label("Regio Twee").check()
    page.get_by_role("button", name="Toon", exact=True).click()
    assert radar(page) == [("Regio Een", [2.0] * 6), ("Regio Twee", [4.0] * 6), ("Programmagemiddelde", [3.0] * 6)]
    expect(compare.get_by_label("Regio Een")).to_be_checked()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]  # nothing sticks out
    page.screenshot(path=artifacts / f"programme-compare-{viewport['width']}.png", full_page=True)

    page.get_by_role("link", name="Rapport om te printen").click()
    assert radar(page) == [("Regio Een", [2.0] * 6), ("Regio Twee", [4.0] * 6), ("Programmagemiddelde", [3.0] * 6)]
    expect(page.locator("#programme-table")).to_contain_text("Regio Drie")  # the table has every partnership
    assert watch.errors == [] and watch.foreign == []
    page.context.close()
