"""The youth questionnaire in Chromium: on a phone, with the keyboard only and without
JavaScript, in Dutch and in English; axe-core on its pages; and the dashboard's "Wat
jongeren zeggen" once five young people answered. With SHOTS_DIR set, each step is saved
as a screenshot there."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import clock
from extensions import db
from manage.accounts import create_user, grant
from models import Partnership, Role, Round, YouthAnswer, YouthResponse
from surveys.instrument import get_instrument
from surveys.responses import add_response
from surveys.youth import get_youth_instrument

from .conftest import sign_in
from .test_color_scheme import assert_no_violations, axe

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
INSTRUMENT = get_youth_instrument()
PASSWORD = "wachtwoord van de jongerentest"
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def closed_round(partnership: Partnership, title: str) -> Round:
    """A round on version 2 that ran last month and closed yesterday."""
    today = clock.today()
    return Round(
        partnership=partnership,
        title=title,
        instrument_version=2,
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
    )


@pytest.fixture(scope="module")
def youth_site(live_app):
    """A partnership with an open round (for the questionnaire) and a closed one with six
    professionals' and five young people's answers (for the dashboard), and its leader."""
    today = clock.today()
    with live_app.app_context():
        partnership = Partnership(slug="jong-test", name="Regio Jongtest", region="Testregio")
        open_round = Round(
            partnership=partnership,
            title="T1 voorjaar",
            instrument_version=2,
            opens_on=today,
            closes_on=today + timedelta(days=14),
        )
        closed = closed_round(partnership, "T0 najaar")
        db.session.add_all([open_round, closed])
        user = create_user("leider@jongtest.example", PASSWORD, name="Leider")
        grant(user, partnership, Role.LEADER)
        db.session.commit()
        instrument = get_instrument(2)
        for n in range(6):
            answers = {item.key: 2 + n % 3 for item in instrument.items}
            add_response(closed.id, instrument, answers, {}, {"level": "werkvloer", "domain": "gemeente"}, "nl", today)
            db.session.commit()
        from dashboard.releases import release_if_due
        from dashboard.youth import add_youth_response, release_youth_if_due

        release_if_due(closed.id, 5)
        for n in range(5):
            values = {
                s.key: (None if (n + i) % 7 == 0 else 1 + (n + i) % 5) for i, s in enumerate(INSTRUMENT.statements)
            }
            add_youth_response(closed.id, values, "nl", today)
            db.session.commit()
        release_youth_if_due(closed.id, 5)
        return {
            "base": live_app.config["LIVE_URL"],
            "code": open_round.youth_code,
            "round_id": open_round.id,
            "closed_id": closed.id,
        }


def stored(live_app, round_id: int) -> list[dict]:
    with live_app.app_context():
        responses = db.session.scalars(select(YouthResponse).where(YouthResponse.round_id == round_id)).all()
        return [{a.item_key: a.value for a in r.answers} for r in responses]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_young_person_answers_on_a_phone_with_the_keyboard_and_no_javascript(browser, live_app, youth_site, language):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    before = len(stored(live_app, youth_site["round_id"]))
    page.goto(f"{youth_site['base']}/j/{youth_site['code']}")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("textarea, input[type=text]").count() == 0
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"youth-questionnaire-{language}-start")
    if language == "en":
        # The language switch is a button of the form: keyboard it too.
        page.focus("nav.language button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("lang") == "en"
    # Tab to the first statement's first option.
    first = f"{INSTRUMENT.statements[0].key}-0"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == first:
            break
    else:
        pytest.fail("the first option is not reached with Tab")
    expected = {}
    for position, statement in enumerate(INSTRUMENT.statements):
        assert page.evaluate("() => document.activeElement.name") == statement.key
        steps = position % 6  # 0..4 the scale from 1, 5 "weet ik niet"
        page.keyboard.press("Space")  # chooses the focused (first) option
        for _ in range(steps):
            page.keyboard.press("ArrowRight")  # moves within the group and chooses
        expected[statement.key] = None if steps == 5 else steps + 1
        page.keyboard.press("Tab")  # to the next statement (or the send button)
    assert page.evaluate("() => document.activeElement.tagName") == "BUTTON"
    shot(page, f"youth-questionnaire-{language}-filled")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bedankt")
    thanks = {"nl": "Dank je wel!", "en": "Thank you!"}[language]
    assert page.locator("h1").inner_text() in ("Dank je wel!", thanks)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"youth-thanks-{language}")
    answers = stored(live_app, youth_site["round_id"])
    assert len(answers) == before + 1 and expected in answers
    context.close()


def test_a_missing_answer_is_shown_on_a_phone_without_javascript(browser, live_app, youth_site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{youth_site['base']}/j/{youth_site['code']}")
    page.click(f"label[for='{INSTRUMENT.statements[0].key}-3']")
    page.get_by_role("button", name="Versturen", exact=True).click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator(".field-error").count() == len(INSTRUMENT.statements) - 1
    assert page.is_checked(f"#{INSTRUMENT.statements[0].key}-3")
    shot(page, "youth-questionnaire-missing")
    context.close()


def test_the_youth_pages_pass_axe(browser, youth_site):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{youth_site['base']}/j/{youth_site['code']}")
    assert_no_violations(axe(page), "youth questionnaire")
    page.click(f"label[for='{INSTRUMENT.statements[0].key}-3']")
    page.get_by_role("button", name="Versturen", exact=True).click()
    page.wait_for_selector("#error-summary")
    assert_no_violations(axe(page), "youth questionnaire with errors")
    for statement in INSTRUMENT.statements:
        page.click(f"label[for='{statement.key}-2']")
    page.get_by_role("button", name="Versturen", exact=True).click()
    page.wait_for_url("**/bedankt")
    assert_no_violations(axe(page), "youth thank-you page")
    context.close()


def test_the_dashboard_shows_what_young_people_say(browser, live_app, youth_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{youth_site['base']}/inloggen")
    page.fill("#email", "leider@jongtest.example")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.goto(f"{youth_site['base']}/dashboard/jong-test/?round={youth_site['closed_id']}")
    section = page.locator("#youth")
    assert section.is_visible()
    assert "5 jongeren vulden" in section.inner_text()
    assert page.locator("#youth-table tbody tr").count() == len(INSTRUMENT.statements)
    # A statement one of the five did not know is not shown: four answers, and it says why.
    assert "niet getoond" in section.inner_text() and page.locator("#youth-not-shown").is_visible()
    assert_no_violations(axe(page), "dashboard with the youth section")
    section.scroll_into_view_if_needed()
    if SHOTS:
        section.screenshot(path=str(SHOTS / "dashboard-youth-section.png"))
    page.set_viewport_size(PHONE)
    if SHOTS:
        section.screenshot(path=str(SHOTS / "dashboard-youth-section-phone.png"))
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(YouthAnswer)) > 0
    # The round page: the youth link and its QR code beside the professionals' open link.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{youth_site['base']}/beheer/jong-test/metingen/{youth_site['round_id']}/")
    assert youth_site["code"] in page.locator("#youth-link").input_value()
    assert page.evaluate("() => document.querySelector('img[src*=jongeren-qr]').naturalWidth") > 0
    if SHOTS:
        page.locator("section[aria-labelledby=youth-link-title]").screenshot(path=str(SHOTS / "round-youth-link.png"))
    context.close()


@pytest.fixture(scope="module")
def differing_site(live_app):
    """A closed round where six professionals score every dimension 4 and five young people
    answer every sentence 1 ("Helemaal niet waar"): each sentence three points below."""
    today = clock.today()
    with live_app.app_context():
        partnership = Partnership(slug="jong-verschil", name="Regio Verschil", region="Testregio")
        closed = closed_round(partnership, "T0 verschil")
        db.session.add(closed)
        grant(create_user("leider@verschil.example", PASSWORD, name="Leider"), partnership, Role.LEADER)
        db.session.commit()
        instrument = get_instrument(2)
        from dashboard.releases import release_if_due
        from dashboard.youth import add_youth_response, release_youth_if_due

        for _ in range(6):
            answers = {item.key: 2 if item.reverse else 4 for item in instrument.items}
            add_response(closed.id, instrument, answers, {}, {"level": "werkvloer", "domain": "gemeente"}, "nl", today)
            db.session.commit()
        release_if_due(closed.id, 5)
        for _ in range(5):
            add_youth_response(closed.id, {s.key: 1 for s in INSTRUMENT.statements}, "nl", today)
            db.session.commit()
        release_youth_if_due(closed.id, 5)
        return {"base": live_app.config["LIVE_URL"], "round_id": closed.id, "titles": instrument.dimensions}


def test_the_guide_names_where_young_people_differ_and_makes_an_action_on_a_phone(browser, differing_site):
    base, round_id = differing_site["base"], differing_site["round_id"]
    titles = {d.key: d.title.get("nl") for d in differing_site["titles"]}
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    sign_in(page, base, "leider@verschil.example", PASSWORD)
    page.goto(f"{base}/dashboard/jong-verschil/rounds/{round_id}/gespreksleidraad")

    # Every sentence is 3 points below: the three first in the questionnaire, no more.
    first = INSTRUMENT.statements[:3]
    points = page.locator("li.youth-point")
    assert points.count() == 3
    for point, statement in zip(points.all(), first):
        assert point.locator("h2").inner_text() == f"Jongeren minder positief: {titles[statement.dimension]}"
        text = point.inner_text()
        assert statement.text.get("nl") in text
        assert "Jongeren gemiddeld 1,0 op 5, de professionals 4,0 op 5" in text and "3,0 punt verschil" in text
    assert page.locator("#youth-none").count() == 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_violations(axe(page), "guide with youth points")
    shot(page, "guide-youth-points-phone")

    point = page.locator(f"#youth-{first[0].key}")
    point.locator("textarea").fill("Twee jongeren uitnodigen voor het volgende overleg.")
    point.get_by_role("button", name="Notitie bewaren").click()
    page.wait_for_url(re.compile(rf".*gespreksleidraad#youth-{first[0].key}$"))
    point = page.locator(f"#youth-{first[0].key}")
    point.get_by_role("link", name="Maak hier een afspraak van").click()
    page.wait_for_url(re.compile(r".*/afspraken/nieuw\?.*"))
    assert page.locator("#title").input_value() == "Twee jongeren uitnodigen voor het volgende overleg."
    assert page.locator(f"input[name=dimensions][value={first[0].dimension}]").is_checked()
    assert page.locator("#round_id").input_value() == str(round_id)
    context.close()
