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


def test_the_next_round_shows_what_the_action_did_on_the_dashboard_and_in_the_report(
    live_app, browser, loop, artifacts
):
    """The loop closed, on a desktop in English: T2 arrives with investment at 4 (from 2 in T1,
    where the leader agrees an action on it), the leader puts the covenant signed in between on
    the timeline, and the dashboard and the report say the action's dimension rose by more
    than chance, with the note on the trend chart and in the list; the report prints."""
    with live_app.app_context():
        t1 = db.session.get(Round, loop)
        opens = t1.closes_on + timedelta(days=5)
        t2 = Round(partnership_id=t1.partnership_id, title="T2", instrument_version=1, opens_on=opens, closes_on=opens)
        db.session.add(t2)
        db.session.commit()
        for _ in range(10):
            answers = {item.key: 2 if item.reverse else 4 for item in INSTRUMENT.items}
            add_response(t2.id, INSTRUMENT, answers, {}, {"level": "beleid", "domain": "gemeente"}, "nl", opens)
            db.session.commit()
            release_if_due(t2.id, live_app.config["MIN_GROUP_SIZE"])
        t2_id, covenant_day = t2.id, t1.closes_on + timedelta(days=2)
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch = PageWatch(page, base)
    page.goto(f"{base}/inloggen?lang=en")
    page.fill("#email", LEADER[0])
    page.fill("#password", LEADER[1])
    page.locator("form button[type=submit]").first.click()

    page.goto(f"{base}/dashboard/lus/afspraken/nieuw?round={loop}&dimension=investment")
    page.fill("#title", "Invite the UWV")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/afspraken/#action-\d+$"))

    page.goto(f"{base}/dashboard/lus/tijdlijn/")
    page.fill("#happened_on", covenant_day.isoformat())
    page.fill("#text", "Covenant signed")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(f"{base}/dashboard/lus/?round={t2_id}")
    log = page.locator(".experiment-log").inner_text()
    assert "We tried ‘Invite the UWV’ between T1 and T2." in log
    assert "Investing in the collaboration went from 2.0 to 4.0: +2.0 larger than chance" in log
    assert "Covenant signed" in page.locator(".timeline-list").inner_text()
    trend = page.evaluate("JSON.parse(document.querySelector('[data-chart-for=trend-investment]').textContent)")
    assert [a["hovertext"] for a in trend["layout"]["annotations"]] == ["Covenant signed"]
    page.locator("#trends").screenshot(path=str(artifacts / "followup-trends-desktop-en.png"))
    page.locator("#followup").screenshot(path=str(artifacts / "followup-dashboard-desktop-en.png"))

    page.goto(f"{base}/dashboard/lus/rounds/{t2_id}/report")
    report = page.inner_text("body")
    assert "+2.0 larger than chance" in report and "Covenant signed" in report
    assert "Invite the UWV" in report
    page.emulate_media(media="print")
    page.pdf(path=str(artifacts / "followup-report-print.pdf"), format="A4")
    page.screenshot(path=str(artifacts / "followup-report-print-en.png"), full_page=True)
    assert watch.errors == [] and watch.foreign == []
    context.close()
