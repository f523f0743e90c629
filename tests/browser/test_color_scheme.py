"""The light and the dark scheme (prefers-color-scheme), in Chromium: axe-core finds no
violation of WCAG 2 A and AA (colour contrast among them) on the questionnaire, the sign-in
page, the dashboard with its charts drawn, the report, the round page and the programme
view, in both schemes. In the dark scheme the page really is dark, every chart's text and
series keep their contrast on it, the thank-you radar follows it without a script, and paper
still gets dark on white.

axe-core comes from npm, pinned in tests/browser/axe/package-lock.json: `npm ci --prefix
tests/browser/axe` (.ci/run does), or set AXE_CORE to an axe.min.js. It is injected as an
inline script, which the app's Content-Security-Policy refuses, so the axe runs use contexts
that bypass the CSP; the colour checks run in contexts that keep it."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import clock
from config import BASE_DIR
from dashboard.releases import release_if_due
from extensions import db
from manage.accounts import create_user
from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader
from models import Coordinatorship, Partnership, Programme, Round
from surveys.instrument import get_instrument
from surveys.responses import add_response

from .conftest import PageWatch

pytestmark = pytest.mark.browser

AXE = Path(os.environ.get("AXE_CORE", BASE_DIR / "tests/browser/axe/node_modules/axe-core/axe.min.js"))
INSTRUMENT = get_instrument(1)
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])
COORDINATOR = ("coordinator@kleur.example", "wachtwoord van de coordinator")


@pytest.fixture(scope="module")
def site(live_app):
    """The demo partnership (its rounds by title), and beside it a programme of two
    partnerships with a closed round each (released: the programme view has figures) and a
    partnership with an open round of its own, so the questionnaires sent here leave the
    demo's rounds as they were."""
    with live_app.app_context():
        demo_code = create_demo().public_code
        password = reset_demo_leader()
        rounds = dict(
            db.session.execute(select(Round.title, Round.id).join(Partnership).where(Partnership.slug == "demo")).all()
        )
        if db.session.scalar(select(Programme).where(Programme.slug == "kleur")) is None:
            programme = Programme(slug="kleur", name="Programma Kleur")
            db.session.add(programme)
            db.session.flush()
            today = clock.today()
            for slug, name, value in (("kleur-noord", "Regio Kleur Noord", 4), ("kleur-zuid", "Regio Kleur Zuid", 2)):
                round_ = Round(
                    partnership=Partnership(slug=slug, name=name, region="Kleurregio", programme_id=programme.id),
                    title=f"Meting {name}",
                    instrument_version=1,
                    opens_on=today - timedelta(days=40),
                    closes_on=today - timedelta(days=10),
                )
                db.session.add(round_)
                db.session.flush()
                for _ in range(5):  # one release: everyone scores `value` on every dimension
                    answers = {item.key: 6 - value if item.reverse else value for item in INSTRUMENT.items}
                    profile = {"level": "werkvloer", "domain": "gemeente"}
                    add_response(round_.id, INSTRUMENT, answers, {}, profile, "nl", round_.opens_on)
                    db.session.commit()
                    release_if_due(round_.id, live_app.config["MIN_GROUP_SIZE"])
            db.session.add(
                Round(
                    partnership=Partnership(slug="kleur-vragen", name="Regio Kleur Vragen", region="Kleurregio"),
                    title="Kleurmeting",
                    instrument_version=1,
                    opens_on=today - timedelta(days=1),
                    closes_on=today + timedelta(days=14),
                )
            )
            user = create_user(*COORDINATOR)
            db.session.flush()
            db.session.add(Coordinatorship(user_id=user.id, programme_id=programme.id))
            db.session.commit()
        own_code = db.session.scalar(select(Round.public_code).where(Round.title == "Kleurmeting"))
        db.session.remove()
    return {
        "base": live_app.config["LIVE_URL"],
        "demo_code": demo_code,
        "own_code": own_code,
        "rounds": rounds,
        "password": password,
    }


def signed_in(browser, site, email: str, password: str) -> dict:
    """The cookies of a signed-in session, for new contexts in either scheme."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site['base']}/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(re.compile(r".*/dashboard/.*"))
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture(scope="module")
def leader(browser, site):
    return signed_in(browser, site, DEMO_LEADER_EMAIL, site["password"])


@pytest.fixture(scope="module")
def coordinator(browser, site):
    return signed_in(browser, site, *COORDINATOR)


# --- what is measured ------------------------------------------------------------------------

# axe leaves the text of SVG (plotly's charts, the thank-you radar) "incomplete" for colour
# contrast (it cannot tell the ground), so the chart and radar tests below measure that text.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const nodes = v => v.nodes.map(n => `${n.target.join(' ')}: ${(n.any[0] || n.all[0] || n.none[0] || {}).message}`);
  return {violations: result.violations.map(v => ({id: v.id, impact: v.impact, nodes: nodes(v)}))};
}"""


def axe(page) -> dict:
    """axe-core's WCAG 2.0 and 2.1 A and AA rules on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: npm ci --prefix tests/browser/axe (or set AXE_CORE)")
    if page.evaluate("() => typeof axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])


def parse(colour: str) -> tuple[float, float, float, float]:
    """A CSS colour as the browser computes it (rgb(), rgba(), or #rrggbb from plotly)."""
    if colour.startswith("#"):
        return (*(int(colour[i : i + 2], 16) for i in (1, 3, 5)), 1.0)
    values = [float(v) for v in re.findall(r"[\d.]+", colour)]
    return (*values[:3], values[3] if len(values) > 3 else 1.0)


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b, _ = parse(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def transparent(colour: str) -> bool:
    return parse(colour)[3] == 0


PAGE_COLOURS = """() => {
  const style = getComputedStyle(document.body);
  return {background: style.backgroundColor, color: style.color,
          ink: getComputedStyle(document.documentElement).getPropertyValue('--ink').trim()};
}"""

# Per drawn chart: its layout's colours as plotly took them, every text it drew with its fill,
# the grid lines' strokes, and every colour its traces were drawn in (lines, markers, fills,
# text under the points).
CHART_COLOURS = """() => [...document.querySelectorAll('.chart-canvas.js-plotly-plot')].map(el => {
  const layout = el._fullLayout;
  const colours = [];
  for (const trace of el._fullData) {
    for (const value of [trace.line && trace.line.color, trace.marker && trace.marker.color,
                         trace.textfont && trace.textfont.color]) {
      (Array.isArray(value) ? value : [value]).forEach(v => typeof v === 'string' && colours.push([trace.name, v]));
    }
  }
  return {
    id: el.id,
    paper: layout.paper_bgcolor, plot: layout.plot_bgcolor, font: layout.font.color,
    polar: layout.polar ? layout.polar.bgcolor : null,
    texts: [...el.querySelectorAll('.main-svg text')].filter(t => t.textContent.trim() && t.getBBox().width > 0)
      .map(t => [t.textContent.trim().slice(0, 30), getComputedStyle(t).fill]),
    grid: [...el.querySelectorAll('.gridlayer path, .angular-grid path, .radial-grid path')]
      .map(p => getComputedStyle(p).stroke),
    colours,
  };
})"""

# The thank-you radar's colours: its ground (the outer ring), the axis labels, the ticks, the
# line and the points.
RADAR_COLOURS = """() => {
  const svg = document.getElementById('own-scores');
  const look = (selector, property) => getComputedStyle(svg.querySelector(selector))[property];
  return {ground: look('.radar-grid circle', 'fill'), axis: look('.radar-axis', 'fill'),
          tick: look('.radar-ticks text', 'fill'), line: look('.radar-line', 'stroke'),
          point: look('.radar-point', 'fill'), ring: look('.radar-grid circle:last-of-type', 'stroke')};
}"""


def assert_no_violations(result: dict, where: str) -> None:
    assert result["violations"] == [], f"{where}: {result['violations']}"


def assert_scheme(page, scheme: str) -> dict:
    """The page is white with dark ink in the light scheme (as it always was), dark with
    light ink in the dark one."""
    colours = page.evaluate(PAGE_COLOURS)
    if scheme == "light":
        assert colours["background"] == "rgb(255, 255, 255)" and colours["ink"] == "#1d2a30", colours
    else:
        assert luminance(colours["background"]) < 0.02 and luminance(colours["color"]) > 0.6, colours
    assert contrast(colours["background"], colours["color"]) >= 7, colours
    return colours


def new_page(browser, scheme: str, viewport=DESKTOP, state=None, csp=True):
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, storage_state=state, bypass_csp=not csp, locale="nl-NL"
    )
    return context.new_page()


def all_charts_drawn(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('script[data-chart-for]')]"
        ".every(h => document.querySelector(`#${h.dataset.chartFor} .main-svg`))"
    )


def answer_everything(page, site, code: str) -> None:
    """The whole questionnaire, "4" everywhere, up to the thank-you page."""
    page.goto(f"{site['base']}/s/{code}")
    page.click("text=Begin met de vragenlijst")
    for first in range(0, 6, 2):  # three pages of two dimensions, in the instrument's order
        for dimension in INSTRUMENT.dimensions[first : first + 2]:
            for item in dimension.items:
                page.click(f"label[for='{item.key}-3']")
        page.get_by_role("button", name="Volgende", exact=True).click()
    page.check("#level-0")
    page.check("#domain-0")
    page.get_by_role("button", name="Versturen", exact=True).click()
    page.wait_for_selector("#own-scores")


# --- axe, page by page ------------------------------------------------------------------------


@SCHEMES
def test_the_questionnaire_passes_axe_in_both_schemes(browser, site, scheme):
    """The intro, a page with a missing answer and its error summary, and the thank-you page
    with the respondent's radar."""
    page = new_page(browser, scheme, viewport=PHONE, csp=False)
    page.goto(f"{site['base']}/s/{site['demo_code']}")
    assert_scheme(page, scheme)
    assert_no_violations(axe(page), f"intro, {scheme}")

    page.click("text=Begin met de vragenlijst")
    page.get_by_role("button", name="Volgende", exact=True).click()
    page.wait_for_selector("#error-summary")
    page.click(f"label[for='{INSTRUMENT.dimensions[0].items[0].key}-3']")  # a chosen option among the errors
    assert_no_violations(axe(page), f"error summary, {scheme}")

    answer_everything(page, site, site["own_code"])
    assert_no_violations(axe(page), f"thank-you page, {scheme}")
    page.context.close()


@SCHEMES
def test_the_sign_in_page_passes_axe_in_both_schemes(browser, site, scheme):
    page = new_page(browser, scheme, csp=False)
    page.goto(f"{site['base']}/inloggen")
    assert_scheme(page, scheme)
    assert_no_violations(axe(page), f"sign-in, {scheme}")
    page.context.close()


@SCHEMES
@pytest.mark.parametrize(
    "path",
    ["/dashboard/demo/?round={T2 derde meting}", "/dashboard/demo/rounds/{T2 derde meting}/report"],
    ids=["dashboard", "report"],
)
def test_the_dashboard_and_report_with_their_charts_drawn_pass_axe_in_both_schemes(browser, site, leader, scheme, path):
    page = new_page(browser, scheme, state=leader, csp=False)
    page.goto(site["base"] + re.sub(r"\{(.*?)\}", lambda m: str(site["rounds"][m.group(1)]), path))
    all_charts_drawn(page)
    assert_scheme(page, scheme)
    assert_no_violations(axe(page), f"{path}, {scheme}")
    page.context.close()


@SCHEMES
def test_the_round_page_passes_axe_in_both_schemes(browser, site, leader, scheme):
    page = new_page(browser, scheme, state=leader, csp=False)
    page.goto(f"{site['base']}/beheer/demo/metingen/{site['rounds']['T3 vierde meting']}/")
    assert_scheme(page, scheme)
    assert_no_violations(axe(page), f"round page, {scheme}")
    page.context.close()


@SCHEMES
def test_the_programme_view_passes_axe_in_both_schemes(browser, site, coordinator, scheme):
    page = new_page(browser, scheme, state=coordinator, csp=False)
    page.goto(f"{site['base']}/dashboard/programma/kleur/")
    all_charts_drawn(page)
    assert page.locator("#programme-radar .main-svg").count() >= 1
    assert_scheme(page, scheme)
    assert_no_violations(axe(page), f"programme view, {scheme}")
    page.context.close()


# --- the charts follow the scheme ---------------------------------------------------------------


@SCHEMES
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_dashboards_charts_follow_the_scheme(browser, site, leader, artifacts, scheme, viewport):
    """Under the app's own CSP: each chart's text reads on the page (4.5:1), every series and
    label drawn on it keeps 3:1 and 4.5:1 in the dark scheme, no chart has a white ground
    there, and its grid still shows; in the light scheme the figures are drawn as they come.
    Printing (beforeprint) draws them for white paper, and back again afterwards."""
    page = new_page(browser, scheme, viewport=viewport, state=leader)
    watch = PageWatch(page, site["base"])
    page.goto(f"{site['base']}/dashboard/demo/?round={site['rounds']['T2 derde meting']}")
    all_charts_drawn(page)
    name = "phone" if viewport is PHONE else "desktop"
    page.screenshot(path=artifacts / f"dashboard-{scheme}-{name}.png", full_page=True)
    colours = assert_scheme(page, scheme)
    ground = colours["background"]
    charts = page.evaluate(CHART_COLOURS)
    assert {"rounds-radar", "levels-radar", "trend-urgency", "bars-urgency"} <= {chart["id"] for chart in charts}
    for chart in charts:
        where = chart["id"]
        assert transparent(chart["paper"]) or chart["paper"] == ground, where
        assert chart["texts"], where
        for text, fill in chart["texts"]:
            assert contrast(fill, ground) >= 4.5, (where, text, fill, ground)
        if chart["polar"]:
            assert contrast(chart["polar"], ground) < 1.3, (where, chart["polar"])  # a ground like the page's
        if scheme == "light":
            assert chart["font"] == "#444", where  # plotly's own, as before
            continue
        assert luminance(chart["font"]) > 0.6, where
        if chart["plot"]:  # (a radar has no plot area of its own)
            assert transparent(chart["plot"]) or luminance(chart["plot"]) < 0.02, (where, chart["plot"])
        for stroke in chart["grid"]:
            assert 1.5 <= contrast(stroke, ground) <= 4, (where, stroke)  # seen, and calm
        for trace, colour in chart["colours"]:
            assert contrast(colour, ground) >= 3, (where, trace, colour)

    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    printed = page.evaluate(CHART_COLOURS)
    assert all(chart["font"] == "#444" for chart in printed)
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert [chart["font"] for chart in page.evaluate(CHART_COLOURS)] == [chart["font"] for chart in charts]
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_a_change_of_scheme_redraws_the_charts(browser, site, leader):
    """Someone whose phone turns dark at sunset, the dashboard open: the charts follow."""
    page = new_page(browser, "light", state=leader)
    page.goto(f"{site['base']}/dashboard/demo/")
    all_charts_drawn(page)
    assert page.evaluate("() => document.getElementById('rounds-radar')._fullLayout.font.color") == "#444"
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => document.getElementById('rounds-radar')._fullLayout.font.color !== '#444'")
    ink = page.evaluate(PAGE_COLOURS)["ink"]
    assert page.evaluate("() => document.getElementById('trend-urgency')._fullLayout.font.color") == ink
    page.context.close()


@SCHEMES
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_thank_you_radar_follows_the_scheme_without_a_script(browser, site, artifacts, scheme, viewport):
    page = new_page(browser, scheme, viewport=viewport)
    watch = PageWatch(page, site["base"])
    name = "phone" if viewport is PHONE else "desktop"
    page.goto(f"{site['base']}/s/{site['demo_code']}")
    page.click("text=Begin met de vragenlijst")
    page.get_by_role("button", name="Volgende", exact=True).click()
    page.wait_for_selector("#error-summary")
    page.screenshot(path=artifacts / f"questionnaire-{scheme}-{name}.png", full_page=True)
    answer_everything(page, site, site["own_code"])
    page.screenshot(path=artifacts / f"thanks-{scheme}-{name}.png", full_page=True)
    background = assert_scheme(page, scheme)["background"]
    radar = page.evaluate(RADAR_COLOURS)
    assert contrast(radar["ground"], background) < 1.3, radar
    assert contrast(radar["axis"], radar["ground"]) >= 4.5 and contrast(radar["tick"], radar["ground"]) >= 4.5, radar
    assert contrast(radar["line"], radar["ground"]) >= 3 and contrast(radar["point"], radar["ground"]) >= 3, radar
    assert contrast(radar["ring"], radar["ground"]) >= 1.2, radar
    assert page.evaluate("() => document.scripts.length") == 0
    assert watch.errors == [] and watch.foreign == []
    page.context.close()


def test_paper_gets_dark_on_white_in_the_dark_scheme(browser, site):
    page = new_page(browser, "dark")
    page.goto(f"{site['base']}/s/{site['demo_code']}")
    assert luminance(page.evaluate(PAGE_COLOURS)["background"]) < 0.02
    page.emulate_media(media="print")
    assert_scheme(page, "light")
    page.context.close()


def test_qr_codes_stay_dark_on_white_in_the_dark_scheme(browser, site, leader):
    """A QR code on a dark ground does not scan: the round page's and the poster's keep white."""
    page = new_page(browser, "dark", state=leader)
    round_page = f"{site['base']}/beheer/demo/metingen/{site['rounds']['T3 vierde meting']}/"
    for url, selector in ((round_page, "img.qr"), (f"{round_page}poster", "img.poster-qr")):
        page.goto(url)
        assert_scheme(page, "dark")
        assert page.eval_on_selector(selector, "img => getComputedStyle(img).backgroundColor") == "rgb(255, 255, 255)"
    page.context.close()
