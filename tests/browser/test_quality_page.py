"""The instrument's quality page in Chromium, as an administrator reads it on a phone and a
desktop, in the light and the dark scheme: every dimension's alpha as numpy computes it from
the answers given, the statement that measures nothing marked as lowering its alpha, the
table stacked into labelled rows on a phone without sideways scrolling, axe-core clean.

The app runs on a database of its own: the page pools every released round, so the other
browser tests' rounds would change its figures."""

import re
from datetime import timedelta

import pytest

import clock
from dashboard.releases import release_if_due
from extensions import db
from manage.accounts import create_user
from models import Partnership, Round
from surveys.reliability import minimum_complete
from surveys.responses import add_response

from ..test_quality_panel import INSTRUMENT, NOISE, generated, numpy_alpha, scored_matrix
from .conftest import PageWatch, app_on, serving, sign_in
from .test_color_scheme import DESKTOP, PHONE, assert_no_violations, assert_scheme, axe

pytestmark = pytest.mark.browser

ADMIN = ("beheer@kwaliteit.example", "wachtwoord van de beheerder")
PEOPLE = generated(150, seed=7)


@pytest.fixture(scope="module")
def quality_site(tmp_path_factory):
    from flask_migrate import upgrade

    app = app_on(tmp_path_factory.mktemp("quality") / "quality.db")
    with app.app_context():
        upgrade()
        today = clock.today()
        round_ = Round(
            partnership=Partnership(slug="kwaliteit-regio", name="Kwaliteit Regio"),
            title="T0",
            instrument_version=INSTRUMENT.version,
            opens_on=today - timedelta(days=40),
            closes_on=today - timedelta(days=10),
        )
        db.session.add(round_)
        db.session.flush()
        for answers in PEOPLE:
            profile = {"level": "werkvloer", "domain": "gemeente"}
            add_response(round_.id, INSTRUMENT, answers, {}, profile, "nl", round_.opens_on)
        db.session.commit()
        assert release_if_due(round_.id, app.config["MIN_GROUP_SIZE"]) is not None
        create_user(*ADMIN, is_admin=True)
        db.session.commit()
    with serving(app):
        yield app.config["LIVE_URL"]


def comma(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(PHONE, "light"), (PHONE, "dark"), (DESKTOP, "light")],
    ids=["phone", "phone-dark", "desktop"],
)
def test_an_administrator_reads_the_instruments_quality(browser, quality_site, artifacts, viewport, scheme):
    # (CSP bypassed for axe's script only; the CSP itself has its own tests)
    context = browser.new_context(viewport=viewport, color_scheme=scheme, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    watch = PageWatch(page, quality_site)
    sign_in(page, quality_site, *ADMIN)
    page.goto(f"{quality_site}/dashboard/kwaliteit/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kwaliteit van de vragenlijst"
    assert_scheme(page, scheme)

    shown = 0
    for dimension in INSTRUMENT.dimensions:
        line = page.locator(f"#v{INSTRUMENT.version}-{dimension.key} + p").inner_text()
        matrix = scored_matrix(PEOPLE, dimension)
        if matrix.shape[0] < minimum_complete(len(dimension.items)):  # "weet ik niet" too often
            assert line.startswith("te weinig antwoorden"), (dimension.key, line)
            continue
        assert f"Alfa {comma(numpy_alpha(matrix))}" in line, (dimension.key, line)
        assert f"volledig ingevuld: {matrix.shape[0]}" in line
        shown += 1
    assert shown >= 4  # the case is real: most dimensions have an alpha
    noise = next(item for item in INSTRUMENT.items if item.key == NOISE)
    marked = page.locator("tr.lowers-alpha th").all_inner_texts()
    assert any(noise.text.get("nl") in text for text in marked), marked
    badge = page.locator("tr.lowers-alpha .lowers-alpha-badge").first
    assert badge.is_visible() and badge.inner_text() == "verlaagt de alfa"

    # On a phone each row stacks with the column's name beside its number, and nothing
    # needs scrolling sideways; a desktop shows the table with its header instead.
    label = page.locator("table.quality .cell-label").first
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if viewport == PHONE:
        assert label.is_visible() and width <= PHONE["width"], width
    else:
        assert not label.is_visible()
        assert page.locator("table.quality thead").first.is_visible()

    name = re.sub(r"\W+", "-", f"quality-{viewport['width']}-{scheme}")
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert_no_violations(axe(page), f"quality page ({name})")
    assert watch.errors == [] and watch.foreign == []
    context.close()
