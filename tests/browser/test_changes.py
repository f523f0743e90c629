"""A leader compares the latest demo round with the first one in Chromium, on a phone and a
desktop, in Dutch and English: the choice goes through the GET form, every change card says
whether its change is larger than chance, the rounds on the radar differ in colour and dash,
the report takes the same pair, and the phone page does not scroll sideways."""

import pytest
from sqlalchemy import select

from extensions import db
from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader
from models import Partnership, Round

from .conftest import PageWatch

pytestmark = pytest.mark.browser

WORDS = {
    "nl": {
        "show": "Toon",
        "since": "Veranderingen ten opzichte van T0 nulmeting.",
        "chance": "toeval",
        "report": "Rapport",
    },
    "en": {"show": "Show", "since": "Changes compared with T0 nulmeting.", "chance": "chance", "report": "Report"},
}


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        create_demo()
        live_app.config["DEMO_PASSWORD"] = reset_demo_leader()
        rounds = db.session.execute(
            select(Round.title, Round.id).join(Partnership).where(Partnership.slug == "demo")
        ).all()
        live_app.config["DEMO_ROUNDS"] = dict(rounds)
    return live_app


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["desktop", "phone"]
)
def test_leader_compares_two_chosen_rounds(browser, demo, artifacts, viewport, language):
    base, words = demo.config["LIVE_URL"], WORDS[language]
    first = demo.config["DEMO_ROUNDS"]["T0 nulmeting"]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    watch = PageWatch(page, base)
    page.goto(f"{base}/inloggen")
    page.fill("#email", DEMO_LEADER_EMAIL)
    page.fill("#password", demo.config["DEMO_PASSWORD"])
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(f"{base}/dashboard/demo/")
    page.goto(f"{base}/dashboard/demo/?lang={language}")

    # The latest shown round against the first, chosen in the form.
    page.select_option("#compare", str(first))
    page.locator(".round-picker").get_by_role("button", name=words["show"]).click()
    page.wait_for_url(f"**compare={first}**")
    page.wait_for_selector("#rounds-radar .main-svg")
    page.wait_for_selector("#trend-urgency .main-svg")
    assert page.locator("#compare").input_value() == str(first)
    assert words["since"] in page.locator("#summary").inner_text()
    change_cards = page.locator(".card").all()[-2:]
    for card in change_cards:  # each change card says how it stands against chance
        assert words["chance"] in card.inner_text()

    lines = page.evaluate("document.getElementById('rounds-radar').data.map(t => [t.line.color, t.line.dash])")
    assert len({color for color, _ in lines}) == len(lines) and len({dash for _, dash in lines}) == len(lines)
    if viewport["width"] < 400:
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    name = f"changes-{'phone' if viewport['width'] < 400 else 'desktop'}-{language}"
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    page.locator("#summary").screenshot(path=artifacts / f"{name}-cards.png")
    page.locator("#rounds").screenshot(path=artifacts / f"{name}-rounds.png")
    page.locator("#trends").screenshot(path=artifacts / f"{name}-trends.png")

    page.locator("#downloads a", has_text=words["report"]).first.click()
    page.wait_for_selector("#pair-radar .main-svg")
    assert f"compare={first}" in page.url
    names = page.evaluate("document.getElementById('pair-radar').data.map(t => t.name)")
    assert names[0] == "T0 nulmeting" and len(names) == 2
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / f"{name}-report-print.png", full_page=True)
    assert watch.errors == [] and watch.foreign == []
    context.close()
