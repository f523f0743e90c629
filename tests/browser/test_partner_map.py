"""The partner map in Chromium: a leader on a phone (360 x 740) records two organisations
(one try without a domain first), then finds the matrix on the dashboard with the missing
domains in words and the respondents per domain beside it. Screenshots of the phone and a
desktop go to SHOTS (looked at by hand: nothing cut off, nothing wider than the phone)."""

import os
from datetime import timedelta
from pathlib import Path

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

LEADER = ("leider@tafel.example", "wachtwoord aan tafel")
PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("PARTNER_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


@pytest.fixture(scope="module")
def tafel(live_app):
    """An open round showing its results: 5 from onderwijs, then 5 from the municipality."""
    instrument = get_instrument(1)
    with live_app.app_context():
        partnership = Partnership(slug="tafel", name="Regio Tafel")
        round_ = Round(
            partnership=partnership,
            title="T1 voorjaar",
            instrument_version=1,
            opens_on=clock.today() - timedelta(days=5),
            closes_on=clock.today() + timedelta(days=20),
            hide_results_while_open=False,
        )
        db.session.add(round_)
        db.session.commit()
        for domain in ["onderwijs"] * 5 + ["gemeente"] * 5:
            answers = {item.key: 4 for item in instrument.items}
            add_response(
                round_.id, instrument, answers, {}, {"level": "beleid", "domain": domain}, "nl", round_.opens_on
            )
            db.session.commit()
            release_if_due(round_.id, live_app.config["MIN_GROUP_SIZE"])
        grant(create_user(*LEADER), partnership, Role.LEADER)
        db.session.commit()
        return round_.id


def sign_in(page, base):
    page.goto(f"{base}/inloggen")
    page.fill("#email", LEADER[0])
    page.fill("#password", LEADER[1])
    page.get_by_role("button", name="Inloggen", exact=True).click()


def fill(page, name: str, domain: str | None, seats: dict[str, str]) -> None:
    """The add form as a thumb fills it: tapping the labels."""
    page.fill("#name", name)
    if domain:
        page.click(f"label[for='domain-{domain}']")
    for table, index in seats.items():
        page.click(f"label[for='table_{table}-{index}']")
    page.get_by_role("button", name="Toevoegen", exact=True).click()


def row(page, domain: str) -> list[str]:
    """A row of the matrix: the respondents under the domain, then its cells."""
    found = page.locator("table.partner-matrix tbody tr", has=page.locator("th", has_text=domain))
    return [found.locator(".domain-respondents").inner_text()] + [
        c.strip() for c in found.locator("td").all_inner_texts()
    ]


def test_a_leader_fills_the_map_on_a_phone_and_sees_the_matrix(live_app, browser, tafel):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_app.config["LIVE_URL"]
    domains = [o.key for o in get_instrument(1).profile_question("domain").options]
    phone = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    watch = PageWatch(phone, base)
    sign_in(phone, base)
    phone.goto(f"{base}/beheer/tafel/")
    phone.get_by_role("link", name="Wie zit aan welke tafel: de partnerkaart").click()
    assert "niet anoniem" in phone.locator(".notice").inner_text()

    # Forgot the domain: the page says so at the top, and keeps what was typed.
    fill(phone, "ROC Midden", None, {"werkvloer": 0, "bestuur": 1})
    summary = phone.locator("#error-summary")
    assert "Kies het domein van de organisatie." in summary.inner_text()
    assert phone.input_value("#name") == "ROC Midden"
    phone.screenshot(path=str(SHOTS / "partners-phone-error.png"), full_page=True)
    phone.click(f"label[for='domain-{domains.index('onderwijs')}']")
    phone.get_by_role("button", name="Toevoegen", exact=True).click()
    assert "ROC Midden staat op de kaart." in phone.locator(".flash").inner_text()

    fill(phone, "Gemeente Utrecht", domains.index("gemeente"), {"werkvloer": 1, "beleid": 0, "bestuur": 0})
    assert phone.locator(".partner-card").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "partners-phone-page.png"), full_page=True)

    phone.get_by_role("link", name="Bekijk op het dashboard welke domeinen aan een tafel ontbreken").click()
    section = phone.locator("#partners")
    section.scroll_into_view_if_needed()
    assert row(phone, "Onderwijs") == ["5 (stand 1)", "1 · vast", "ontbreekt", "1 · soms"]
    assert row(phone, "Gemeente") == ["5", "1 · soms", "1 · vast", "1 · vast"]
    assert row(phone, "Jongere") == ["niet getoond", "ontbreekt", "ontbreekt", "ontbreekt"]
    table = phone.locator("table.partner-matrix")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")  # the matrix fits the phone
    assert "bij Beleid: Onderwijs, Werk en inkomen" in section.locator(".table-gaps").inner_text()
    assert section.evaluate("s => s.getBoundingClientRect().right") <= PHONE["width"]
    section.screenshot(path=str(SHOTS / "partners-phone-dashboard.png"))
    assert watch.errors == [] and watch.foreign == []

    desktop = browser.new_context(viewport=DESKTOP, locale="nl-NL").new_page()
    sign_in(desktop, base)
    desktop.goto(f"{base}/dashboard/tafel/#partners")
    desktop.locator("#partners details summary").click()  # the organisations, unfolded
    desktop.locator("#partners").screenshot(path=str(SHOTS / "partners-desktop-dashboard.png"))
    desktop.goto(f"{base}/beheer/tafel/partners/")
    desktop.screenshot(path=str(SHOTS / "partners-desktop-page.png"), full_page=True)
    desktop.goto(f"{base}/dashboard/tafel/rounds/{tafel}/gespreksleidraad#wie-aan-tafel")
    desktop.locator("#wie-aan-tafel").screenshot(path=str(SHOTS / "partners-desktop-guide.png"))
    desktop.goto(f"{base}/dashboard/tafel/rounds/{tafel}/report")
    desktop.emulate_media(media="print")
    desktop.locator("#partners").screenshot(path=str(SHOTS / "partners-report-print.png"))
