"""A person completes the whole questionnaire in Chromium, on a phone and on a desktop,
in Dutch and in English, and corrects one missing answer on the way."""

import pytest
from sqlalchemy import select

from extensions import db
from manage.demo import create_demo
from models import Response
from surveys.instrument import get_instrument

from .conftest import PageWatch, svg_radar_axes, svg_radar_scores

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The option each statement gets, by position on the page: a mix with "weet ik niet".
CHOICES = [4, 2, 5, 6, 3]  # 1..5 are the scale, 6 is "weet ik niet"
# The demo's open round is on version 2. Those answers scored by hand: per dimension 4, 2, 5,
# dk, 3 and a sixth statement 4, where the reverse-worded statement (position from
# surveys/instruments/v2.toml) counts as 6 - x and dk not at all.
#   urgency (5, reverse 3rd):        4, 2, 5->1, 3    = 10/4 = 2.5   (unflipped 3.5)
#   investment (6, reverse 3rd):     4, 2, 5->1, 3, 4 = 14/5 = 2.8   (unflipped 3.6)
#   momentum (5, reverse 2nd):       4, 2->4, 5, 3    = 16/4 = 4.0   (unflipped 3.5)
#   youth (6, reverse 1st):          4->2, 2, 5, 3, 4 = 16/5 = 3.2   (unflipped 3.6)
#   levels, daring (6, reverse 6th): 4, 2, 5, 3, 4->2 = 16/5 = 3.2   (unflipped 3.6)
EXPECTED_SCORES = {"urgency": 2.5, "investment": 2.8, "momentum": 4.0, "youth": 3.2, "levels": 3.2, "daring": 3.2}
STATEMENTS = {"urgency": 5, "investment": 6, "momentum": 5, "youth": 6, "levels": 6, "daring": 6}
REVERSE_POSITIONS = {"urgency": 2, "investment": 2, "momentum": 1, "youth": 0, "levels": 5, "daring": 5}
# The pages, by hand: two dimensions each in the instrument's order, then the profile (page 4).
PAGES = [("urgency", "investment"), ("momentum", "youth"), ("levels", "daring")]

TEXTS = {
    "nl": {
        "start": "Begin met de vragenlijst",
        "next": "Volgende",
        "submit": "Versturen",
        "missing": "Kies een antwoord bij deze stelling.",
        "thanks": "Bedankt voor het invullen!",
    },
    "en": {
        "start": "Start the questionnaire",
        "next": "Next",
        "submit": "Submit",
        "missing": "Choose an answer for this statement.",
        "thanks": "Thanks for filling this in!",
    },
}


@pytest.fixture(scope="module")
def demo_round(live_app):
    """The demo's open round: its link, and the instrument of its own version."""
    with live_app.app_context():
        round_ = create_demo()
        return f"{live_app.config['LIVE_URL']}/s/{round_.public_code}", get_instrument(round_.instrument_version)


@pytest.fixture(scope="module")
def survey_url(demo_round):
    return demo_round[0]


@pytest.fixture(scope="module")
def instrument(demo_round):
    return demo_round[1]


def expected_value(position: int) -> int | None:
    choice = CHOICES[position % len(CHOICES)]
    return None if choice == 6 else choice


def choose(page, item_key: str, position: int) -> None:
    """Click the label of the option, as a person taps it."""
    page.click(f"label[for='{item_key}-{CHOICES[position % len(CHOICES)] - 1}']")


@pytest.mark.parametrize(
    "viewport, language",
    [(PHONE, "nl"), (PHONE, "en"), (DESKTOP, "nl"), (DESKTOP, "en")],
    ids=["phone-nl", "phone-en", "desktop-nl", "desktop-en"],
)
def test_complete_questionnaire_with_one_missing_answer_corrected(
    browser, live_app, survey_url, instrument, artifacts, viewport, language
):
    # What the worked example assumes of the round's version.
    assert {d.key: len(d.items) for d in instrument.dimensions} == STATEMENTS
    texts = TEXTS[language]
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    page = context.new_page()
    watch = PageWatch(page, live_app.config["LIVE_URL"])
    name = f"{'phone' if viewport is PHONE else 'desktop'}-{language}"
    with live_app.app_context():
        before = set(db.session.scalars(select(Response.id)))  # ids are random: find the new one by difference

    page.goto(survey_url)
    if language == "en":
        page.click("text=English")
    page.screenshot(path=artifacts / f"intro-{name}.png", full_page=True)
    page.click(f"text={texts['start']}")

    progress = {"nl": "Stap {} van 4", "en": "Step {} of 4"}[language]
    for step, keys in enumerate(PAGES, start=1):
        dimensions = [instrument.dimension(key) for key in keys]
        assert page.locator("#progress-label").inner_text() == progress.format(step)
        assert page.locator("section.dimension h2").all_inner_texts() == [d.title.get(language) for d in dimensions]
        assert page.title().startswith(" · ".join(d.title.get(language) for d in dimensions))
        for dimension in dimensions:
            for position, item in enumerate(dimension.items):
                if step == 1 and dimension.key == "urgency" and position == 0:
                    continue  # forget the first statement
                choose(page, item.key, position)
        if step == 2:
            page.fill("#comment-youth", "Meer met de jongere zelf praten.")
        if step == 1:
            first = dimensions[0].items[0].key
            page.get_by_role("button", name=texts["next"], exact=True).click()
            summary = page.locator(".error-summary")
            assert summary.is_visible()
            assert page.locator(f"#{first}-error").inner_text().endswith(texts["missing"])
            page.screenshot(path=artifacts / f"missing-answer-{name}.png", full_page=True)
            # Everything already chosen is still chosen: 5 + 6 statements, one forgotten.
            assert page.locator("input[type=radio]:checked").count() == 10
            summary.locator("a").first.click()
            choose(page, first, 0)
        if viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if step == 2:
            page.screenshot(path=artifacts / f"statements-{name}.png", full_page=True)
        page.get_by_role("button", name=texts["next"], exact=True).click()

    assert page.locator("#progress-label").inner_text() == progress.format(4)
    page.check("#level-2")  # bestuur
    page.check("#domain-3")  # gemeente
    page.get_by_role("button", name=texts["submit"], exact=True).click()

    assert page.locator("h1").inner_text() == texts["thanks"]
    axes = svg_radar_axes(page, "own-scores")  # SVG in the page: there as it arrives
    page.screenshot(path=artifacts / f"thanks-{name}.png", full_page=True)
    assert axes == [d.title.get(language) for d in instrument.dimensions]  # each inside the chart
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert watch.errors == [] and watch.foreign == []

    with live_app.app_context():
        new = [r for r in db.session.scalars(select(Response)) if r.id not in before]
        assert len(new) == 1
        stored = new[0]
        answers = {a.item_key: a.value for a in stored.answers}
        expected = {
            item.key: expected_value(position) for d in instrument.dimensions for position, item in enumerate(d.items)
        }
        assert answers == expected
        assert (stored.level, stored.domain, stored.language) == ("bestuur", "gemeente", language)
        assert [(c.dimension, c.text) for c in stored.comments] == [("youth", "Meer met de jongere zelf praten.")]
        assert {d.key: [n for n, item in enumerate(d.items) if item.reverse] for d in instrument.dimensions} == {
            key: [position] for key, position in REVERSE_POSITIONS.items()
        }  # what the worked example assumes
        scores = {s.dimension: s.score for s in stored.scores}
        assert scores == pytest.approx(EXPECTED_SCORES)
        # The radar shows the respondent's own scores.
        drawn = svg_radar_scores(page, "own-scores")
        assert drawn == pytest.approx([EXPECTED_SCORES[d.key] for d in instrument.dimensions], abs=0.01)
    context.close()


def test_questionnaire_works_without_javascript(browser, live_app, survey_url, instrument):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_url + "/1")
    page.get_by_role("button", name="Volgende", exact=True).click()
    assert page.locator(".error-summary").is_visible()
    for keys in PAGES:
        for item in (item for key in keys for item in instrument.dimension(key).items):
            page.click(f"label[for='{item.key}-2']")  # neutral: 3 either way round
        page.get_by_role("button", name="Volgende", exact=True).click()
    page.check("#level-0")
    page.check("#domain-0")
    page.get_by_role("button", name="Versturen", exact=True).click()
    assert page.locator("h1").inner_text() == "Bedankt voor het invullen!"
    assert page.locator("table.scores td.num").first.inner_text() == "3,0"
    context.close()


def test_switching_language_mid_page_keeps_the_answers(browser, live_app, survey_url, instrument):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(survey_url + "/1")
    first, second = instrument.dimension("urgency").items, instrument.dimension("investment").items
    page.click(f"label[for='{first[0].key}-1']")
    page.click(f"label[for='{second[0].key}-4']")  # the page's second dimension
    page.click(f"label[for='{second[1].key}-5']")
    page.fill("#comment-investment", "Tweede dimensie.")
    page.get_by_role("button", name="English").click()
    assert page.locator("section.dimension h2").all_inner_texts() == [
        instrument.dimension("urgency").title.en,
        instrument.dimension("investment").title.en,
    ]
    assert page.is_checked(f"#{first[0].key}-1")
    assert page.is_checked(f"#{second[0].key}-4") and page.is_checked(f"#{second[1].key}-5")
    assert page.input_value("#comment-investment") == "Tweede dimensie." and page.input_value("#comment-urgency") == ""
    context.close()


def test_a_page_of_two_dimensions_by_keyboard_only(browser, live_app, survey_url, instrument):
    """Tab from statement to statement (the arrow keys choose within one), into each
    dimension's comment, and Enter in a field goes on to the next page."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_url + "/1")
    items = [item for key in PAGES[0] for item in instrument.dimension(key).items]
    page.focus(f"#{items[0].key}-0")
    for n, item in enumerate(items):
        assert page.evaluate("document.activeElement.name") == item.key, n
        page.keyboard.press("ArrowRight")  # the second option, 2
        page.keyboard.press("ArrowRight")  # the third, 3
        page.keyboard.press("Tab")
        if item is instrument.dimension("urgency").items[-1]:
            assert page.evaluate("document.activeElement.id") == "comment-urgency"
            page.keyboard.type("Via het toetsenbord.")
            page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment-investment"
    page.focus(f"#{items[-1].key}-2")
    page.keyboard.press("Enter")  # submits the form through its first button: "next"
    page.wait_for_url(f"{survey_url}/2")
    page.goto(survey_url + "/1")
    assert all(page.is_checked(f"#{item.key}-2") for item in items)
    assert page.input_value("#comment-urgency") == "Via het toetsenbord."
    context.close()
