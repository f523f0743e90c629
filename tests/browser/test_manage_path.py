"""The whole new-leader path in Chromium, from an empty database to a closed round's report.

The operator does what the README says: `flask --app app db upgrade`, then `flask --app app
user create you@example.nl --admin` (through the real command line code). From there every
person moves only by the links and buttons their page shows; the only addresses typed in are
the sign-in page the README gives the operator, the links that arrive by e-mail and the open
link the leader copies. The administrator follows the empty-state page to a programme, a
partnership and the leader's invitation; the leader follows the welcome link to their
partnership, makes the first round, invites five people and copies the open link; one invited
member answers on a phone, the others over HTTP; the leader closes the round, opens the
dashboard and the printable report, which shows the figures that follow from the answers (worked
out by hand below); a coordinator compares the partnership with the programme. Every page a
person stops on is checked for console errors and requests leaving the app, and photographed on
a desktop and a phone (test-artifacts/path-*.png; PATH_SHOTS=<folder> copies a few there)."""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import func, select

import clock
from extensions import db
from models import Partnership, Programme, User
from surveys.instrument import get_instrument

from ..conftest import Respondent
from .conftest import PageWatch, mail_through, radar_axes

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
ADMIN = ("beheer@pad.example", "beheerder wachtwoord")
LEADER = ("leider@pad.example", "leider wachtwoord")
COORDINATOR = ("coord@pad.example", "coordinator wachtwoord")
SHOTS = os.environ.get("PATH_SHOTS")  # a folder to copy a few of the screenshots to, when set

# The leader makes the round with the form's default version: the latest.
INSTRUMENT = get_instrument()
TITLES = {d.key: d.title.get("nl") for d in INSTRUMENT.dimensions}
LABELS = {o.value: o.label.get("nl") for o in INSTRUMENT.scale.options}  # 1 "Helemaal oneens" .. 5
# Statements per dimension in version 2 (urgency and momentum five, the others six), one of
# them reverse-worded.
STATEMENTS = {"urgency": 5, "investment": 6, "momentum": 5, "youth": 6, "levels": 6, "daring": 6}

# Each respondent answers every statement of a dimension with one value v, the reverse-worded
# statement (one per dimension) too: it counts as 6 - v. So a dimension of k statements scores
# ((k - 1)v + 6 - v) / k = ((k - 2)v + 6) / k, and the round's mean over people whose mean
# value is m is ((k - 2)m + 6) / k. Columns: urgency, investment, momentum, youth, levels, daring.
RELEASED = [
    (5, 4, 3, 2, 4, 5),  # on a phone, through the first personal link
    (4, 4, 3, 2, 5, 5),  # second personal link
    (5, 4, 2, 3, 4, 4),  # third personal link
    (4, 5, 3, 2, 4, 5),  # open link
    (5, 3, 3, 1, 4, 5),  # open link: the fifth, so the round's first release holds these five
]
WAITING = (1, 1, 1, 1, 1, 1)  # open link: the sixth waits for a release of five more, which never comes
# Sums per dimension 23, 20, 14, 10, 21, 24; means m 4.6, 4.0, 2.8, 2.0, 4.2, 4.8; scores
# (3m + 6) / 5 for k = 5 and (4m + 6) / 6 for k = 6: 3.96, 3.67, 2.88, 2.33, 3.8, 4.2, shown
# with one decimal:
ROUND_SCORES = ["4,0", "3,7", "2,9", "2,3", "3,8", "4,2"]
# The first row (5, 4, 3, 2, 4, 5) alone: 21/5, 22/6, 15/5, 14/6, 22/6, 26/6.
PHONE_SCORES = ["4,2", "3,7", "3,0", "2,3", "3,7", "4,3"]
PHONE_COMMENT = "Jongeren schuiven te weinig aan bij ons overleg."
WAITING_COMMENT = "Deze toelichting wacht op de volgende stand."


# Every chart drawn (and redrawn to a new width), and nothing wider than the screen.
FITS = """() => [...document.querySelectorAll('.chart-canvas')].every(c => c.querySelector('.main-svg'))
  && document.documentElement.scrollWidth <= window.innerWidth"""


def sign_in(page, base, email, password):
    page.goto(f"{base}/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def answers(values) -> dict:
    """Every statement of dimension d answered with values[d], reverse-worded ones too."""
    return {item.key: str(value) for dimension, value in zip(INSTRUMENT.dimensions, values) for item in dimension.items}


class Walk:
    """The people on the path, each in a browser context of their own, and the steps they
    stop at: each step is checked (no console error, no request leaving the app) and
    photographed on a desktop and on a phone, numbered in the order of the path."""

    def __init__(self, browser, base: str, artifacts: Path):
        self.browser, self.base, self.artifacts = browser, base, artifacts
        self.watches: dict = {}
        self.number = 0
        self.shots: list[Path] = []

    def person(self, viewport=DESKTOP):
        context = self.browser.new_context(viewport=viewport, locale="nl-NL", timezone_id="Europe/Amsterdam")
        page = context.new_page()
        self.watches[page] = PageWatch(page, self.base)
        return page

    def step(self, page, name: str) -> None:
        watch = self.watches[page]
        assert watch.errors == [] and watch.foreign == [], (name, watch.errors, watch.foreign)
        self.number += 1
        size = page.viewport_size
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            try:
                page.wait_for_function(FITS, timeout=10_000)
            except PlaywrightTimeout as error:
                raise AssertionError(f"{name}: a chart not drawn, or wider than a {label} screen") from error
            path = self.artifacts / f"path-{self.number:02d}-{name}-{label}.png"
            page.screenshot(path=path, full_page=True)
            self.shots.append(path)
        page.set_viewport_size(size)


def round_row(page) -> list[str]:
    """n and the six scores of T0 in the table of rounds (each cell without what screen readers get)."""
    row = page.locator("table.rounds").get_by_role("row", name=re.compile("^T0 nulmeting"))
    return [cell.split("\n")[0].split(" (")[0] for cell in row.locator("td").all_inner_texts()]


def mails_to(mailbox, email: str) -> list[str]:
    return [body for to, body in mailbox if to == email]


def link_in(body: str, path: str) -> str:
    return re.search(rf"http\S+{path}\S+", body).group(0)


@pytest.fixture
def mailbox(new_app):
    with mail_through(new_app) as received:
        yield received


def test_a_new_leader_from_an_empty_database_to_a_closed_rounds_report(browser, new_app, mailbox, artifacts):
    # What the worked example assumes of the version the new round gets.
    assert {d.key: len(d.items) for d in INSTRUMENT.dimensions} == STATEMENTS
    assert all(sum(item.reverse for item in d.items) == 1 for d in INSTRUMENT.dimensions)
    base = new_app.config["LIVE_URL"]
    new_app.config["PUBLIC_URL"] = base  # every link the app gives out is built on it
    walk = Walk(browser, base, artifacts)

    # The operator, as the README says: the schema, then the first administrator (the command
    # asks for the password twice).
    cli = new_app.test_cli_runner()
    upgraded = cli.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with new_app.app_context():
        assert [db.session.scalar(select(func.count()).select_from(t)) for t in (User, Programme, Partnership)] == [
            0
        ] * 3
    made = cli.invoke(args=["user", "create", ADMIN[0], "--admin"], input=f"{ADMIN[1]}\n{ADMIN[1]}\n")
    assert made.exit_code == 0 and f"Created administrator {ADMIN[0]}." in made.output, made.output

    # The administrator signs in and lands on the empty state, which names every step.
    admin = walk.person()
    sign_in(admin, base, *ADMIN)
    expect(admin).to_have_url(f"{base}/dashboard/")
    first_run = admin.locator(".first-run")
    expect(first_run.get_by_role("heading")).to_have_text("Zo begin je")
    expect(first_run).to_contain_text("Er zijn nog geen samenwerkingsverbanden.")
    expect(first_run).to_contain_text("Nodig op de pagina van het samenwerkingsverband de projectleider uit")
    walk.step(admin, "beheerder-leeg")
    first_run.get_by_role("link", name="Maak een programma").click()

    expect(admin.get_by_role("heading", level=1)).to_have_text("Nieuw programma")
    admin.get_by_label("Naam", exact=True).fill("Programma Pad")
    admin.get_by_label("Korte naam voor in de adresbalk").fill("pad")
    walk.step(admin, "programma-maken")
    admin.get_by_role("button", name="Opslaan").click()

    # Back on the overview: the programme is there, and the next step is a link.
    expect(admin).to_have_url(f"{base}/beheer/")
    expect(admin.locator(".flash")).to_have_text("‘Programma Pad’ is aangemaakt.")
    expect(admin.get_by_role("link", name="Programma Pad")).to_be_visible()
    expect(first_run.get_by_role("listitem").first).to_have_text("✓ Programma gemaakt: Programma Pad.")
    walk.step(admin, "programma-gemaakt")
    first_run.get_by_role("link", name="Maak een samenwerkingsverband").click()

    expect(admin.get_by_role("heading", level=1)).to_have_text("Nieuw samenwerkingsverband")
    admin.get_by_label("Naam", exact=True).fill("Regio Pad")
    admin.get_by_label("Korte naam voor in de adresbalk").fill("regio-pad")
    admin.get_by_label("Regio", exact=True).fill("Padregio")
    admin.get_by_label("Programma", exact=True).select_option(label="Programma Pad")
    walk.step(admin, "verband-maken")
    admin.get_by_role("button", name="Opslaan").click()

    # On the partnership's page, where the leader is invited.
    expect(admin).to_have_url(f"{base}/beheer/regio-pad/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Regio Pad")
    expect(admin.locator(".flash")).to_have_text("‘Regio Pad’ is aangemaakt. Nodig nu de projectleider uit.")
    access = admin.locator("section", has=admin.get_by_role("heading", name="Wie heeft toegang"))
    expect(access.get_by_role("table")).to_have_count(0)  # no table of headers without rows
    expect(access).to_contain_text("Nog geen projectleiders of meekijkers. Nodig hieronder de projectleider uit")
    invite = access.locator("form", has=admin.get_by_role("button", name="Uitnodigen"))
    expect(invite.get_by_label("Projectleider: beheert metingen en ziet uitkomsten")).to_be_checked()
    invite.get_by_label("E-mailadres", exact=True).fill(LEADER[0])
    walk.step(admin, "verband-gemaakt")
    invite.get_by_role("button", name="Uitnodigen").click()
    expect(admin.get_by_text("1 e-mail is verstuurd.")).to_be_visible()
    walk.step(admin, "leider-uitgenodigd")
    admin.get_by_role("link", name="Terug").click()
    expect(admin.get_by_role("row", name=f"{LEADER[0]} uitgenodigd (projectleider)")).to_be_visible()

    # The leader: the welcome mail says what the tool is, who invites, in which role.
    (welcome_mail,) = mails_to(mailbox, LEADER[0])
    assert "Samenwerkingsmonitor van Regio Pad" in welcome_mail and ADMIN[0] in welcome_mail
    assert "Je rol: projectleider" in welcome_mail
    leader = walk.person()
    leader.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    leader.goto(link_in(welcome_mail, "/welkom/"))
    expect(leader.get_by_text(f"Je bent uitgenodigd als {LEADER[0]}.")).to_be_visible()
    leader.get_by_label("Je naam").fill("Lotte Leider")
    leader.get_by_label("Kies een wachtwoord").fill(LEADER[1])
    leader.get_by_label("Herhaal het wachtwoord").fill(LEADER[1])
    walk.step(leader, "leider-welkom")
    leader.get_by_role("button", name="Wachtwoord instellen").click()

    # Their only partnership opens at once, and says what to do first.
    expect(leader).to_have_url(f"{base}/dashboard/regio-pad/")
    expect(leader.locator(".flash")).to_have_text("Welkom! Je hebt nu toegang.")
    expect(leader.get_by_text("Er zijn nog geen metingen.")).to_be_visible()
    walk.step(leader, "leider-verband-leeg")
    leader.get_by_role("link", name="Eerste meting maken").click()

    expect(leader.get_by_role("heading", level=1)).to_have_text("Nieuwe meting")
    expect(leader.get_by_label("Open vanaf")).to_have_value(clock.today().isoformat())
    expect(leader.get_by_label("Open tot en met")).to_have_value((clock.today() + timedelta(days=28)).isoformat())
    expect(leader.get_by_label("Uitkomsten pas tonen als de meting gesloten is")).to_be_checked()
    leader.get_by_label("Titel", exact=True).fill("T0 nulmeting")
    walk.step(leader, "meting-maken")
    leader.get_by_role("button", name="Meting maken").click()

    # The round page: open today, with the open link, its QR code and the invitation box.
    expect(leader.get_by_role("heading", level=1)).to_have_text("T0 nulmeting open")
    expect(leader.locator("#responses-count")).to_have_text("0")
    for heading in ("Open link", "Persoonlijke uitnodigingen"):
        expect(leader.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    leader.wait_for_function("() => document.querySelector('img.qr').complete")
    assert leader.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    walk.step(leader, "meting-gemaakt")
    leader.get_by_label("E-mailadressen", exact=True).fill("\n".join(f"lid{n}@pad.example" for n in range(1, 6)))
    leader.get_by_role("button", name="Uitnodigen").click()
    expect(leader.locator("#tally")).to_have_text("5 ingevoerd · 5 verstuurd")
    expect(leader.get_by_text("5 e-mails zijn verstuurd.")).to_be_visible()
    assert "/u/" not in leader.content()  # the leader never sees a personal link
    walk.step(leader, "leden-uitgenodigd")
    leader.get_by_role("link", name="Terug").click()
    copy = leader.locator("#link-title ~ p.copy button")
    expect(copy).to_have_text("Kopieer de link")
    copy.dispatch_event("click")  # (a mouse click through CDP does not reach the handler in headless Chromium)
    expect(copy).to_have_text("Gekopieerd")
    open_link = leader.evaluate("navigator.clipboard.readText()")
    assert open_link == leader.input_value("#open-link") and re.fullmatch(rf"{base}/s/[a-z0-9]+", open_link)
    walk.step(leader, "open-link-gekopieerd")
    personal = [link_in(body, "/u/") for n in range(1, 6) for body in mails_to(mailbox, f"lid{n}@pad.example")]
    assert len(personal) == 5

    # The first member answers on a phone, with a comment on one dimension.
    phone = walk.person(viewport=PHONE)
    phone.goto(personal[0])
    expect(phone.locator("#organiser")).to_contain_text("Regio Pad")
    expect(phone.locator("#organiser")).to_contain_text(LEADER[0])
    walk.step(phone, "lid-intro")
    phone.get_by_role("link", name="Begin met de vragenlijst").click()
    for dimension, value in zip(INSTRUMENT.dimensions, RELEASED[0]):
        for item in dimension.items:
            phone.locator(f"fieldset#{item.key}").get_by_text(LABELS[value], exact=True).click()
        if dimension.key == "youth":  # the second dimension of page 2, beside momentum
            phone.get_by_label(f"Toelichting bij {dimension.title.nl}").fill(PHONE_COMMENT)
            walk.step(phone, "lid-stap-jongere")
        if dimension.key in ("investment", "youth", "daring"):  # the second of a page's two
            phone.get_by_role("button", name="Volgende", exact=True).click()
    phone.locator("fieldset#level").get_by_text("Beleid", exact=True).click()
    phone.locator("fieldset#domain").get_by_text("Gemeente", exact=True).click()
    walk.step(phone, "lid-profiel")
    phone.get_by_role("button", name="Versturen", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bedankt voor het invullen!")
    assert phone.locator("table.scores td.num").all_inner_texts() == PHONE_SCORES
    walk.step(phone, "lid-bedankt")

    # The others answer over HTTP: two personal links, then three times the open link.
    for url, values in zip(personal[1:3] + [open_link] * 3, RELEASED[1:] + [WAITING]):
        client = new_app.test_client()
        intro = client.get(url.replace(base, ""), follow_redirects=True)
        code = re.search(r"/s/([a-z0-9]+)/1", intro.text).group(1)
        waiting = values == WAITING
        comments = {"youth": WAITING_COMMENT} if waiting else None
        profile = {"level": "werkvloer", "domain": "onderwijs"} if waiting else None
        Respondent(client, code, INSTRUMENT.version).complete(answers(values), comments, profile)

    # The leader finds the round again by the links, follows the response and closes it.
    leader.get_by_role("navigation", name="Account").get_by_role("link", name="Beheer").click()
    leader.get_by_role("link", name="Regio Pad").click()
    leader.get_by_role("link", name="T0 nulmeting").click()
    expect(leader.locator("#responses-count")).to_have_text("5")  # counted per release of five: the sixth waits
    assert leader.locator("#outbox").inner_text().count("verstuurd") == 5
    expect(leader.get_by_text("De uitkomsten van deze meting zijn verborgen tot ze gesloten is.")).to_be_visible()
    walk.step(leader, "respons")
    leader.get_by_role("button", name="Meting sluiten").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("T0 nulmeting gesloten")
    walk.step(leader, "meting-gesloten")

    leader.get_by_role("link", name="Uitkomsten").click()
    leader.wait_for_selector("#rounds-radar .main-svg")
    assert len(radar_axes(leader, "rounds-radar")) == 6
    expect(leader.locator("#summary .card").first).to_contain_text("Respondenten 5")
    expect(leader.get_by_text("verborgen tot de meting sluit")).to_have_count(0)
    assert round_row(leader) == ["5", *ROUND_SCORES]
    walk.step(leader, "dashboard")
    leader.get_by_role("link", name="Rapport om te printen: T0 nulmeting").click()

    # The report: the round's own figures, from the five released answers only.
    expect(leader.get_by_role("heading", level=1)).to_have_text("Regio Pad: T0 nulmeting")
    cards = leader.locator("#summary-title ~ .cards .card")
    expect(cards.nth(0)).to_contain_text("Respondenten 5")
    expect(cards.nth(1)).to_contain_text(f"Sterkste dimensie 4,2 {TITLES['daring']}")
    expect(cards.nth(2)).to_contain_text(f"Zwakste dimensie 2,3 {TITLES['youth']}")
    assert leader.locator("table.rounds thead th").all_inner_texts() == ["Meting", "n", *TITLES.values()]
    assert round_row(leader) == ["5", *ROUND_SCORES]
    # Per statement, the answers as given: both a plain and the reverse-worded statement of
    # urgency got 5, 4, 5, 4, 5: mean 4,6; spread sqrt((3 * 0.4² + 2 * 0.6²) / 4) = 0.55; no
    # "weet ik niet"; two 4s and three 5s. (The dimension's 4,0 is where the reverse one flips.)
    statements = leader.locator("#statements table.statements")
    for item in ("urgency_shared_problem", "urgency_differences_stall"):
        text = next(i.text.get("nl") for i in INSTRUMENT.items if i.key == item)
        cells = statements.get_by_role("row", name=re.compile(re.escape(text))).locator("td").all_inner_texts()
        assert cells == ["4,6", "0,5", "0%", "0", "0", "0", "2", "3"], (item, cells)
    comments = leader.locator("#comments")
    expect(comments).to_contain_text(PHONE_COMMENT)
    expect(comments).not_to_contain_text(WAITING_COMMENT)
    expect(leader.get_by_text("Deze meting loopt nog")).to_have_count(0)
    walk.step(leader, "rapport")
    leader.emulate_media(media="print")
    leader.screenshot(path=artifacts / "path-rapport-print.png", full_page=True)
    walk.shots.append(artifacts / "path-rapport-print.png")
    leader.emulate_media(media="screen")

    # A coordinator of the programme, invited by the administrator from the overview.
    admin.get_by_role("navigation", name="Account").get_by_role("link", name="Beheer").click()
    admin.get_by_role("link", name="coördinator uitnodigen").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Coördinator uitnodigen voor Programma Pad")
    admin.get_by_label("E-mailadres", exact=True).fill(COORDINATOR[0])
    walk.step(admin, "coordinator-uitnodigen")
    admin.get_by_role("button", name="Uitnodigen").click()
    expect(admin.get_by_text("1 e-mail is verstuurd.")).to_be_visible()
    (coordinator_mail,) = mails_to(mailbox, COORDINATOR[0])
    coordinator = walk.person()
    coordinator.goto(link_in(coordinator_mail, "/welkom/"))
    coordinator.get_by_label("Kies een wachtwoord").fill(COORDINATOR[1])
    coordinator.get_by_label("Herhaal het wachtwoord").fill(COORDINATOR[1])
    coordinator.get_by_role("button", name="Wachtwoord instellen").click()
    expect(coordinator).to_have_url(f"{base}/dashboard/programma/pad/")
    coordinator.wait_for_selector("#programme-radar .main-svg")
    traces = coordinator.evaluate("document.getElementById('programme-radar').data.map(t => t.name)")
    assert traces == ["Regio Pad", "Programmagemiddelde"]
    walk.step(coordinator, "programma")

    if SHOTS:
        Path(SHOTS).mkdir(exist_ok=True)
        for path in walk.shots:
            if any(step in path.name for step in ("leeg", "gemaakt", "welkom", "bedankt", "rapport", "uitnodigen")):
                shutil.copy(path, Path(SHOTS) / path.name)
