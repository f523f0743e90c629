"""The whole management path in Chromium: an administrator sets up a programme and a
partnership and invites a leader, who opens a round, invites five people and shares the open
link; responses come in through both; the leader follows the response, closes the round and
sees the dashboard; a coordinator compares the partnership with the programme."""

import re
from datetime import timedelta

import pytest

import clock
from extensions import db
from manage.accounts import create_user
from surveys.instrument import get_instrument

from ..conftest import Respondent, uniform_answers
from .conftest import PageWatch, radar_axes

pytestmark = pytest.mark.browser

ADMIN = ("admin@pad.example", "beheerder wachtwoord")
DESKTOP = {"width": 1280, "height": 900}


def sign_in(page, base, email, password):
    page.goto(f"{base}/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def answer_in_browser(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Begin met de vragenlijst").click()
    for dimension in get_instrument(1).dimensions:
        for item in dimension.items:
            page.click(f"label[for='{item.key}-3']")
        page.get_by_role("button", name="Volgende", exact=True).click()
    page.check("#level-1")
    page.check("#domain-0")
    page.get_by_role("button", name="Versturen", exact=True).click()
    page.wait_for_selector("text=Bedankt voor het invullen!")


def test_whole_management_path(browser, live_app, artifacts, mailbox):
    base = live_app.config["LIVE_URL"]
    live_app.config["PUBLIC_URL"] = base  # every link the app gives out is built on it
    with live_app.app_context():
        create_user(*ADMIN, is_admin=True)
        db.session.commit()

    admin = browser.new_context(viewport=DESKTOP).new_page()
    watch = PageWatch(admin, base)
    sign_in(admin, base, *ADMIN)
    admin.goto(f"{base}/beheer/")
    admin.get_by_role("link", name="Nieuw programma").click()
    admin.fill("#name", "Programma Pad")
    admin.fill("#slug", "pad")
    admin.get_by_role("button", name="Opslaan").click()
    admin.get_by_role("link", name="Nieuw samenwerkingsverband").click()
    admin.fill("#name", "Regio Pad")
    admin.fill("#slug", "regio-pad")
    admin.select_option("#programme", label="Programma Pad")
    admin.get_by_role("button", name="Opslaan").click()
    admin.fill("#email", "leider@pad.example")
    admin.get_by_role("button", name="Uitnodigen").click()
    (welcome,) = [re.search(r"http\S+/welkom/\S+", body).group(0) for to, body in mailbox if to == "leider@pad.example"]

    leader = browser.new_context(viewport=DESKTOP).new_page()
    leader_watch = PageWatch(leader, base)
    leader.goto(welcome)
    leader.fill("#password", "leider wachtwoord")
    leader.fill("#repeat", "leider wachtwoord")
    leader.get_by_role("button", name="Wachtwoord instellen").click()
    leader.goto(f"{base}/beheer/regio-pad/")
    leader.get_by_role("link", name="Nieuwe meting").click()
    leader.fill("#title", "T0 nulmeting")
    leader.fill("#opens_on", clock.today().isoformat())
    leader.fill("#closes_on", (clock.today() + timedelta(days=21)).isoformat())
    leader.get_by_role("button", name="Opslaan").click()
    round_url = leader.url
    open_link = leader.input_value("#open-link")
    # The QR code arrives as an image of its own: wait for it (on a busy machine it may still load).
    leader.wait_for_function("() => document.querySelector('img.qr').complete")
    assert leader.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    leader.fill("#emails", "\n".join(f"lid{n}@pad.example" for n in range(1, 6)))
    leader.get_by_role("button", name="Uitnodigen").click()
    assert leader.locator("text=5 e-mails zijn verstuurd.").count() == 1 and "/u/" not in leader.content()
    personal = [re.search(r"http\S+/u/\S+", body).group(0) for to, body in mailbox if to.startswith("lid")]
    assert len(personal) == 5
    leader.screenshot(path=artifacts / "manage-invitations.png", full_page=True)

    # One invited member answers on a phone; two more invited and three through the open link.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    answer_in_browser(phone, personal[0])
    for url in personal[1:3] + [open_link] * 3:
        client = live_app.test_client()
        intro = client.get(url.replace(base, ""), follow_redirects=True)
        code = re.search(r"/s/([a-z0-9]+)/1", intro.text).group(1)
        Respondent(client, code).complete(uniform_answers("4"))

    leader.goto(round_url)
    assert leader.inner_text("#responses-count") == "5"  # counted in releases of at least 5: the sixth waits
    assert leader.locator("#outbox").inner_text().count("verstuurd") == 5  # the outbox, never a link
    leader.screenshot(path=artifacts / "manage-round.png", full_page=True)
    leader.get_by_role("button", name="Meting sluiten").click()
    assert leader.locator(".state-closed").count() == 1
    leader.get_by_role("link", name="Uitkomsten").click()
    leader.wait_for_selector("#rounds-radar .main-svg")
    assert len(radar_axes(leader, "rounds-radar")) == 6

    admin.goto(f"{base}/beheer/programmas/pad/coordinatoren")
    admin.fill("#email", "coord@pad.example")
    admin.get_by_role("button", name="Opslaan").click()
    (coordinator_welcome,) = [
        re.search(r"http\S+/welkom/\S+", body).group(0) for to, body in mailbox if to == "coord@pad.example"
    ]
    coordinator = browser.new_context(viewport=DESKTOP).new_page()
    coordinator.goto(coordinator_welcome)
    coordinator.fill("#password", "coordinator wachtwoord")
    coordinator.fill("#repeat", "coordinator wachtwoord")
    coordinator.get_by_role("button", name="Wachtwoord instellen").click()
    coordinator.goto(f"{base}/dashboard/programma/pad/")
    coordinator.wait_for_selector("#programme-radar .main-svg")
    traces = coordinator.evaluate("document.getElementById('programme-radar').data.map(t => t.name)")
    assert traces == ["Regio Pad", "Programmagemiddelde"]
    coordinator.screenshot(path=artifacts / "programme.png", full_page=True)
    assert watch.errors == leader_watch.errors == [] and watch.foreign == leader_watch.foreign == []
