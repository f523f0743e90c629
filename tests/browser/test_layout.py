"""What leaders expect of the layout, in Chromium: on a phone (360 px) no form field is
wider than its form and every choice can be read whole, headings never break a word; on
paper the dashboard prints its explanation open and the A4 report ends on a page with
real content."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from extensions import db
from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader
from models import Partnership, Round

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


@pytest.fixture(scope="module")
def demo(live_app):
    """The demo partnership, its open round's public code and the id of each round by title."""
    with live_app.app_context():
        code = create_demo().public_code
        live_app.config["DEMO_PASSWORD"] = reset_demo_leader()
        rounds = dict(
            db.session.execute(select(Round.title, Round.id).join(Partnership).where(Partnership.slug == "demo")).all()
        )
    return {
        "base": live_app.config["LIVE_URL"],
        "code": code,
        "rounds": rounds,
        "password": live_app.config["DEMO_PASSWORD"],
    }


def leader_page(browser, demo, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.goto(f"{demo['base']}/inloggen")
    page.fill("#email", DEMO_LEADER_EMAIL)
    page.fill("#password", demo["password"])
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(f"{demo['base']}/dashboard/demo/")
    return page


# Per form field: whether it sticks out of its form, and for a select each option whose text
# is wider than the room the closed select has for it (its box less padding, border and the
# arrow, about 1.5em), measured in the select's own font.
FIELDS_THAT_DO_NOT_FIT = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const problems = [];
  for (const field of document.querySelectorAll('form select, form input:not([type=hidden]), form textarea')) {
    const box = field.getBoundingClientRect(), form = field.closest('form').getBoundingClientRect();
    if (box.left < form.left - 0.5 || box.right > form.right + 0.5) problems.push(`${field.name} sticks out`);
    if (field.tagName !== 'SELECT') continue;
    const style = getComputedStyle(field);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      - 1.5 * parseFloat(style.fontSize);
    for (const option of field.options) {
      if (canvas.measureText(option.text).width > room) problems.push(`${field.name}: '${option.text}' cut off`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/demo/",
        "/beheer/demo/metingen/{T3 vierde meting}/",
        "/beheer/demo/metingen/nieuw",
        "/dashboard/demo/afspraken/nieuw",
    ],
    ids=["partnership", "round", "new-round", "new-action"],
)
def test_on_a_phone_every_form_field_fits_and_every_choice_reads_whole(browser, demo, artifacts, path):
    page = leader_page(browser, demo, PHONE)
    page.goto(demo["base"] + re.sub(r"\{(.*?)\}", lambda m: str(demo["rounds"][m.group(1)]), path))
    name = path.strip("/").replace("/", "-").replace("{", "").replace("}", "").replace(" ", "_")
    page.screenshot(path=artifacts / f"forms-{name}-phone.png", full_page=True)
    assert page.locator("form").count() >= 1
    assert page.evaluate(FIELDS_THAT_DO_NOT_FIT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


def test_the_member_invitation_offers_both_roles_readable_on_a_phone(browser, demo):
    """The role is a choice between two radio buttons whose explanation wraps (a select cuts
    it off on a phone); the one chosen by default is the one the form had before."""
    page = leader_page(browser, demo, PHONE)
    page.goto(f"{demo['base']}/beheer/demo/")
    roles = page.get_by_role("group", name="Rol")
    for text in ("Projectleider: beheert metingen en ziet uitkomsten", "Meekijker: ziet alleen uitkomsten"):
        label = roles.get_by_text(text, exact=True)
        box, group = label.bounding_box(), roles.bounding_box()
        assert box["x"] + box["width"] <= group["x"] + group["width"] + 0.5, text
    assert page.get_by_role("radio", name=re.compile("^Projectleider")).is_checked()
    page.context.close()


def test_on_a_phone_the_signed_in_header_leaves_the_screen_to_the_page(browser, demo):
    """The name and the language switch share the first row, the account links the next
    (the outbox's two columns are checked over HTTP in tests/test_round_tracking.py)."""
    page = leader_page(browser, demo, PHONE)
    tops = sorted(
        page.evaluate(
            """() => [...document.querySelectorAll('.site-header a, .site-header button, .brand')]
                     .map(e => e.getBoundingClientRect().top)"""
        )
    )
    rows = 1 + sum(1 for above, below in zip(tops, tops[1:]) if below - above > 12)
    assert rows <= 3, rows  # brand + language, then the links (Uitloggen may wrap onto a third)
    brand, language = page.locator(".brand").bounding_box(), page.locator(".language a").bounding_box()
    assert abs(brand["y"] - language["y"]) < 10  # one row
    page.context.close()


# The words of an element's text that its lines split: a word laid out in more than one box.
SPLIT_WORDS = """(element) => {
  const split = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) split.push(match[0]);
    }
  }
  return split;
}"""


@VIEWPORTS
def test_headings_of_the_questionnaire_intro_never_split_a_word(browser, demo, artifacts, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{demo['base']}/s/{demo['code']}")
    name = "phone" if viewport is PHONE else "desktop"
    page.screenshot(path=artifacts / f"intro-{name}.png")
    headings = page.locator("h1, h2")
    assert headings.first.inner_text() == "Samenwerkingsmonitor"
    for index in range(headings.count()):
        assert headings.nth(index).evaluate(SPLIT_WORDS) == [], headings.nth(index).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


# What the print shows of each <details>: its summary and its content, visible or not.
DETAILS_SHOWN = """() => [...document.querySelectorAll('main details')].map(d => {
  const seen = e => e.checkVisibility({visibilityProperty: true});
  const content = [...d.children].filter(c => c.tagName !== 'SUMMARY');
  return {summary: seen(d.querySelector('summary')), content: content.every(seen)};
})"""


def test_the_printed_dashboard_shows_the_explanation_open_without_its_toggle(browser, demo, artifacts):
    """A leader printing the dashboard for a meeting gets the explanation of the dimensions
    and colours on paper, without a toggle that does nothing there."""
    page = leader_page(browser, demo, DESKTOP)
    page.goto(f"{demo['base']}/dashboard/demo/?round={demo['rounds']['T2 derde meting']}")
    explained = page.locator("details.dimensions-explained")
    assert not explained.evaluate("d => d.open")
    # Every folded part (the explanation, the partner map's organisations): closed on the screen,
    # open without its toggle on paper.
    folded = page.locator("details").count()
    assert folded >= 2
    assert page.evaluate(DETAILS_SHOWN) == [{"summary": True, "content": False}] * folded
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "dashboard-print.png", full_page=True)
    assert page.evaluate(DETAILS_SHOWN) == [{"summary": False, "content": True}] * folded
    assert explained.get_by_text("Gedeelde urgentie en ambitie", exact=True).is_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Wat betekenen de dimensies" not in text
    assert "De partners vinden samen dat er iets moet gebeuren" in text  # a dimension's description
    page.context.close()


def last_text_height(pdf_page) -> float:
    """How far down its page the last line of text sits, as a fraction of the page's height."""
    lows = []
    pdf_page.extract_text(
        visitor_text=lambda text, cm, tm, font, size: text.strip() and lows.append(tm[5] * cm[3] + cm[5])
    )
    return 1 - min(lows) / float(pdf_page.mediabox.height)


# Pages the A4 report of each demo round takes; the dates in it come from today, nothing else
# varies (the demo's answers have a fixed seed). From T1 on the report holds the partner map.
# Pages each demo round's report takes. The open round (T3) gets a page more once the browser
# questionnaire tests have answered it and a release took their answers in (they run later
# in the suite, earlier when run on their own).
REPORT_PAGES = {"T0 nulmeting": {6}, "T1 tweede meting": {7}, "T2 derde meting": {7}, "T3 vierde meting": {6, 7}}
LAST_LINE = "Groepen met minder dan 5 respondenten zijn weggelaten."


@pytest.mark.parametrize("title", REPORT_PAGES)
def test_the_a4_report_ends_on_a_page_with_real_content(browser, demo, artifacts, title):
    """The report flows over its pages: no page is left mostly empty because what follows
    was kept whole, and the last one holds more than a heading and the closing line (kept
    whole, the timeline once took a page of its own)."""
    page = leader_page(browser, demo, DESKTOP)
    page.goto(f"{demo['base']}/dashboard/demo/rounds/{demo['rounds'][title]}/report")
    expect(page.locator(".chart-canvas:not(:has(.main-svg))")).to_have_count(0)  # every chart drawn
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / f"report-{title.split()[0]}.pdf").write_bytes(pdf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    filled = [round(last_text_height(p), 2) for p in pages]
    assert len(pages) in REPORT_PAGES[title], filled
    assert min(filled[:-1]) >= 0.5, filled  # how far down each page its text goes
    last = pages[-1].extract_text()
    assert last.rstrip().endswith(LAST_LINE)
    assert len(last.replace(LAST_LINE, "").strip()) >= 200, last
    page.context.close()


def test_the_open_link_copies_with_a_button_where_the_browser_can(browser, demo, artifacts):
    """Progressive enhancement: with JavaScript and a clipboard the button shows and copies
    the link; without JavaScript there is no dead button, only the field to select."""
    round_id = demo["rounds"]["T3 vierde meting"]
    page = leader_page(browser, demo, PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo["base"])
    page.goto(f"{demo['base']}/beheer/demo/metingen/{round_id}/")
    button = page.locator("button[data-copy='open-link']")
    expect(button).to_be_visible()
    expect(button).to_have_text("Kopieer de link")
    button.dispatch_event("click")  # (a mouse click through CDP did not reach the handler in headless Chromium)
    expect(button).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == page.input_value("#open-link")
    assert page.input_value("#open-link").endswith(f"/s/{demo['code']}")
    page.screenshot(path=artifacts / "round-copy-phone.png")
    page.context.close()
    plain = leader_page(browser, demo, PHONE, java_script_enabled=False)
    plain.goto(f"{demo['base']}/beheer/demo/metingen/{round_id}/")
    buttons = plain.locator("button[data-copy]")  # the professionals' and the young people's link
    assert buttons.count() >= 1 and all(buttons.nth(i).is_hidden() for i in range(buttons.count()))
    assert plain.locator("#open-link").is_visible()
    plain.context.close()


def test_the_poster_prints_on_one_a4_with_a_large_qr_code(browser, demo, artifacts):
    round_id = demo["rounds"]["T3 vierde meting"]
    page = leader_page(browser, demo, DESKTOP)
    page.goto(f"{demo['base']}/beheer/demo/metingen/{round_id}/")
    page.get_by_role("link", name="Poster om te printen (A4)").click()
    page.wait_for_function("() => document.querySelector('img.poster-qr').complete")
    assert page.evaluate("document.querySelector('img.poster-qr').naturalWidth") > 0
    page.emulate_media(media="print")
    qr_cm = page.evaluate("document.querySelector('img.poster-qr').getBoundingClientRect().width") / 96 * 2.54
    assert qr_cm >= 12  # scannable from a few metres
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "poster.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    # Lines joined (the heading wraps); NFKC undoes the font's ligatures, which turn the "ff"
    # of a random survey code into one character ("ﬀ") in the extracted text.
    text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    assert f"/s/{demo['code']}" in text and "Hoe gaat het met onze samenwerking?" in text and "Terug" not in text
    page.context.close()
