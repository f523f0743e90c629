"""The partial plotly.js bundle (vendor/plotly/) in Chromium: every chart of the demo dashboard
draws with it (the thank-you radar needs none), each trace of the figures' JSON becomes a drawn trace of
its kind, the trend charts keep their date axis, no console errors. And the bundle rebuilds
byte for byte from its pinned sources (this needs node and the npm registry, as the other
tests in this folder need Chromium; it runs with them)."""

import hashlib
import shutil
import subprocess

import pytest

from assets import PLOTLY_JS
from config import BASE_DIR
from extensions import db
from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader
from surveys.instrument import get_instrument

from .conftest import PageWatch, radar_axes, svg_radar_axes, svg_radar_scores

pytestmark = pytest.mark.browser

INSTRUMENT = get_instrument(1)

#: Per chart: what the figure's JSON asks for, what plotly made of it, and what it drew.
CHARTS = """() => [...document.querySelectorAll('script[data-chart-for]')].map(holder => {
  const id = holder.getAttribute('data-chart-for');
  const el = document.getElementById(id);
  const figure = JSON.parse(holder.textContent);
  return {
    id,
    asked: figure.data.map(t => t.type || 'scatter'),
    made: (el._fullData || []).map(t => t.type),
    svg: el.querySelectorAll('.main-svg').length,
    xaxis: el._fullLayout && el._fullLayout.xaxis ? el._fullLayout.xaxis.type : null,
    xticks: [...el.querySelectorAll('.xtick text')].map(t => t.textContent),
    polar: el.querySelectorAll('.polarlayer .trace').length,
    bars: el.querySelectorAll('.barlayer .trace .point path').length,
    lines: el.querySelectorAll('.cartesianlayer .scatterlayer .trace .js-line').length,
  };
})"""


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        round_ = create_demo()
        live_app.config["DEMO_PASSWORD"] = reset_demo_leader()
        live_app.config["DEMO_SURVEY"] = f"/s/{round_.public_code}"
        live_app.config["DEMO_SURVEY_VERSION"] = round_.instrument_version  # its own instrument
        db.session.remove()
    return live_app


def watch_bundle(page) -> list[str]:
    """The plotly.js URLs the page fetched (each must be the partial bundle)."""
    fetched: list[str] = []
    page.on("response", lambda response: "/vendor/" in response.url and fetched.append(response.url))
    return fetched


def only_the_partial_bundle(page, fetched: list[str]) -> None:
    digest = hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()[:16]
    assert fetched and all(url.endswith(f"/vendor/plotly-4.1.1-partial.{digest}.min.js") for url in fetched)
    assert page.evaluate("Plotly.version") == "4.1.1"
    registered = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert registered == ["bar", "scatter", "scatterpolar"]


def test_every_dashboard_chart_draws_with_the_partial_bundle(browser, demo):
    base = demo.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(page, base)
    fetched = watch_bundle(page)
    page.goto(f"{base}/inloggen")
    page.fill("#email", DEMO_LEADER_EMAIL)
    page.fill("#password", demo.config["DEMO_PASSWORD"])
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(f"{base}/dashboard/demo/")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3")
    page.wait_for_selector("#trend-daring .main-svg")
    page.wait_for_selector("#bars-daring .main-svg")
    only_the_partial_bundle(page, fetched)

    charts = page.evaluate(CHARTS)
    ids = [chart["id"] for chart in charts]
    dimensions = [dimension.key for dimension in INSTRUMENT.dimensions]
    assert "rounds-radar" in ids
    assert {f"trend-{key}" for key in dimensions} <= set(ids) and {f"bars-{key}" for key in dimensions} <= set(ids)
    kinds = set()
    for chart in charts:
        assert chart["svg"] >= 1, chart["id"]
        assert chart["made"] == chart["asked"], chart["id"]  # no trace dropped or turned into another
        kinds.update(chart["made"])
        if "scatterpolar" in chart["asked"]:
            assert chart["polar"] == chart["asked"].count("scatterpolar"), chart["id"]
        if "bar" in chart["asked"]:
            assert chart["bars"] > 0, chart["id"]
        if chart["id"].startswith("trend-"):
            assert chart["xaxis"] == "date", chart["id"]
            assert chart["lines"] >= 1 and chart["xticks"], chart["id"]
    assert kinds == {"scatterpolar", "scatter", "bar"}
    assert len(radar_axes(page, "rounds-radar")) == 6
    assert watch.errors == [] and watch.foreign == []
    context.close()


#: Each chart's place on the page when its box is made and when it is drawn, and the order of drawing.
DRAW_LOG = """
  window.__charts = [];
  new MutationObserver(() => {
    document.querySelectorAll('.chart-canvas').forEach(c => {
      if (!c.__box && !c.hidden) { c.__box = c.getBoundingClientRect().top + window.scrollY; }
      if (!c.__drawn && c.querySelector('.main-svg')) {
        c.__drawn = true;
        window.__charts.push([c.id, c.__box, c.getBoundingClientRect().top + window.scrollY]);
      }
    });
  }).observe(document, {subtree: true, childList: true, attributes: true});
"""


def test_dashboard_charts_are_drawn_one_by_one_top_first_in_boxes_kept_for_them(browser, demo):
    """A slow phone is not blocked while fifteen charts draw at once: each chart has its box
    from the start (nothing below it moves when it is drawn), and they are drawn in page
    order, every one of them without scrolling."""
    base = demo.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(DRAW_LOG)
    page.goto(f"{base}/inloggen")
    page.fill("#email", DEMO_LEADER_EMAIL)
    page.fill("#password", demo.config["DEMO_PASSWORD"])
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(f"{base}/dashboard/demo/")
    count = page.locator("script[data-chart-for]").count()
    assert count >= 12  # radars, trends and bars per dimension
    page.wait_for_function(f"() => window.__charts.length === {count}")
    drawn = page.evaluate("window.__charts")
    order = page.evaluate("[...document.querySelectorAll('script[data-chart-for]')].map(h => h.dataset.chartFor)")
    assert [chart_id for chart_id, _, _ in drawn] == order
    for chart_id, box, at in drawn:
        assert at == pytest.approx(box, abs=1), chart_id  # drawn where its box was
    context.close()


def test_the_thank_you_radar_needs_no_plotly(browser, demo):
    """The respondent's radar is SVG in the thank-you page: no page of the questionnaire
    fetches plotly.js, and the radar shows six labelled axes and every score where it belongs."""
    base = demo.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    watch = PageWatch(page, base)
    fetched = watch_bundle(page)
    instrument = get_instrument(demo.config["DEMO_SURVEY_VERSION"])
    page.goto(base + demo.config["DEMO_SURVEY"])
    page.click("text=Begin met de vragenlijst")
    for first in range(0, 6, 2):  # three pages of two dimensions, in the instrument's order
        for dimension in instrument.dimensions[first : first + 2]:
            for item in dimension.items:
                page.click(f"label[for='{item.key}-3']")  # "4" everywhere
        page.get_by_role("button", name="Volgende", exact=True).click()
    page.check("#level-0")
    page.check("#domain-0")
    page.get_by_role("button", name="Versturen", exact=True).click()
    assert fetched == [] and page.evaluate("typeof Plotly") == "undefined"
    assert svg_radar_axes(page, "own-scores") == [d.title.nl for d in instrument.dimensions]
    # Every answer 4: in each dimension the one reverse-worded statement counts 6 - 4 = 2 and
    # the others 4, so a dimension of five scores 18 / 5 = 3.6 and one of six 22 / 6 = 3.67
    # (version 2: urgency and momentum have five).
    assert [len(d.items) for d in instrument.dimensions] == [5, 6, 5, 6, 6, 6]
    expected = [3.6, 22 / 6, 3.6, 22 / 6, 22 / 6, 22 / 6]
    assert svg_radar_scores(page, "own-scores") == pytest.approx(expected, abs=0.01)
    assert watch.errors == [] and watch.foreign == []
    context.close()


@pytest.mark.bundle
def test_the_bundle_rebuilds_byte_for_byte(tmp_path):
    """build.sh in a fresh copy of vendor/plotly/ (its own npm ci from package-lock.json)
    gives the very bytes that are shipped."""
    if shutil.which("npm") is None:
        pytest.fail("npm not found: apt-get install npm (node and npm rebuild the plotly bundle)")
    source = BASE_DIR / "vendor" / "plotly"
    copy = tmp_path / "plotly"
    copy.mkdir()
    for name in ("package.json", "package-lock.json", "entry.js", "build.sh"):
        shutil.copy(source / name, copy / name)
    result = subprocess.run(["sh", "build.sh"], cwd=copy, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    built = (copy / "dist" / "plotly-partial.min.js").read_bytes()
    assert hashlib.sha256(built).hexdigest() == hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()
    assert (copy / "LICENSE").read_bytes() == (source / "LICENSE").read_bytes()
