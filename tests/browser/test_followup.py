"""The learning loop in Chromium on a phone (360 px): a leader opens the discussion guide of a
released round, writes what the meeting concluded, turns the point into an agreed action
(the form comes pre-filled) and finds it on the actions page; the guide prints on one A4."""

import re
from datetime import timedelta

import pytest

import clock
from dashboard.releases import release_if_due
from extensions import db
from manage.accounts import create_user, grant
from models import Partnership, Role, Round
from surveys.instrument import get_instrument
from surveys.responses import add_response

from .conftest import PageWatch

pytestmark = pytest.mark.browser

LEADER = ("leider@lus.example", "wachtwoord van de lus")
INSTRUMENT = get_instrument(1)


@pytest.fixture(scope="module")
def loop(live_app):
    """A closed round of ten: investment clearly the weakest (2), everything else 4."""
    with live_app.app_context():
        partnership = Partnership(slug="lus", name="Regio Lus")
        opens = clock.today() - timedelta(days=40)
        round_ = Round(
            partnership=partnership, title="T1", instrument_version=1, opens_on=opens, closes_on=opens + timedelta(10)
        )
        db.session.add(round_)
        db.session.commit()
        for _ in range(10):
            answers = {
                item.key: (4 if item.reverse else 2) if item.dimension == "investment" else (2 if item.reverse else 4)
                for item in INSTRUMENT.items
            }
            profile = {"level": "beleid", "domain": "gemeente"}
            add_response(round_.id, INSTRUMENT, answers, {}, profile, "nl", round_.opens_on)
            db.session.commit()
            release_if_due(round_.id, live_app.config["MIN_GROUP_SIZE"])
        grant(create_user(*LEADER), partnership, Role.LEADER)
        db.session.commit()
        return round_.id


def test_guide_note_and_action_on_a_phone(live_app, browser, loop, artifacts):
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="nl-NL")
    page = context.new_page()
    watch = PageWatch(page, base)
    page.goto(f"{base}/inloggen")
    page.fill("#email", LEADER[0])
    page.fill("#password", LEADER[1])
    page.get_by_role("button", name="Inloggen", exact=True).click()

    page.goto(f"{base}/dashboard/lus/rounds/{loop}/gespreksleidraad")
    point = page.locator("#weakest-investment")
    assert "Laagste score: Investeren in de samenwerking" in point.locator("h2").inner_text()
    assert "Wie moet er nog aan tafel komen?" in point.inner_text()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "followup-guide-phone.png"), full_page=True)

    point.locator("textarea").fill("Het UWV uitnodigen voor de stuurgroep.")
    point.get_by_role("button", name="Notitie bewaren").click()
    page.wait_for_url(re.compile(r".*gespreksleidraad#weakest-investment$"))
    assert page.locator("#weakest-investment textarea").input_value() == "Het UWV uitnodigen voor de stuurgroep."

    # The print: one A4 page (Chromium's own PDF of the print layout).
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(artifacts / "followup-guide-print.pdf"), format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, to look at the print layout
    page.screenshot(path=str(artifacts / "followup-guide-print.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.emulate_media(media="screen")

    page.locator("#weakest-investment").get_by_role("link", name="Maak hier een afspraak van").click()
    page.wait_for_url(re.compile(r".*/afspraken/nieuw\?.*"))
    assert page.locator("#title").input_value() == "Het UWV uitnodigen voor de stuurgroep."
    assert page.locator("input[name=dimensions][value=investment]").is_checked()
    assert page.locator("#round_id").input_value() == str(loop)
    page.fill("#owner", "wethouder")
    page.screenshot(path=str(artifacts / "followup-action-form-phone.png"), full_page=True)
    page.get_by_role("button", name="Opslaan").click()

    page.wait_for_url(re.compile(r".*/afspraken/#action-\d+$"))
    row = page.locator("table.actions-table tbody tr").first
    assert "Het UWV uitnodigen voor de stuurgroep." in row.inner_text() and "wethouder" in row.inner_text()
    assert "Een volgende meting laat zien wat het opleverde." in page.inner_text("body")
    page.screenshot(path=str(artifacts / "followup-actions-phone.png"), full_page=True)
    assert watch.errors == [] and watch.foreign == []
    context.close()
