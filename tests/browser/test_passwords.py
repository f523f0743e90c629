"""A forgotten password in Chromium: "Wachtwoord vergeten?" on the sign-in page, the link from
the email, a new password, and the session on another device gone; then a password change
that keeps the current session."""

import re
import time

import pytest

from extensions import db
from manage.accounts import create_user

from .conftest import PageWatch
from .test_manage_path import sign_in

pytestmark = pytest.mark.browser

EMAIL, OLD, NEW, NEWER = "vergeten@pad.example", "het oude wachtwoord", "het nieuwe wachtwoord", "en nog een wachtwoord"


def wait_for_mail(received: list, recipient: str) -> str:
    for _ in range(100):  # the app mails after its answer has gone out
        bodies = [body for to, body in received if to == recipient]
        if bodies:
            return bodies[-1]
        time.sleep(0.05)
    raise AssertionError(f"no mail to {recipient}")


def test_forgotten_password_and_password_change(browser, live_app, mailbox):
    base = live_app.config["LIVE_URL"]
    live_app.config["PUBLIC_URL"] = base
    with live_app.app_context():
        create_user(EMAIL, OLD)
        db.session.commit()

    laptop = browser.new_context().new_page()
    sign_in(laptop, base, EMAIL, OLD)
    laptop.wait_for_url(re.compile(r"/dashboard/"))

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    watch = PageWatch(phone, base)
    phone.goto(f"{base}/inloggen")
    phone.get_by_role("link", name="Wachtwoord vergeten?").click()
    phone.fill("#email", EMAIL)
    phone.get_by_role("button", name="Link versturen").click()
    phone.wait_for_selector("text=Kijk in je e-mail")
    link = re.search(r"http://\S+/wachtwoord-herstellen/\S+", wait_for_mail(mailbox, EMAIL)).group(0)

    phone.goto(link)
    phone.fill("#password", NEW)
    phone.fill("#repeat", NEW)
    phone.get_by_role("button", name="Wachtwoord instellen").click()
    phone.wait_for_selector("text=Je nieuwe wachtwoord is ingesteld")
    sign_in(phone, base, EMAIL, NEW)
    phone.wait_for_url(re.compile(r"/dashboard/"))

    laptop.reload()  # the laptop's session ended with the new password
    assert "/inloggen" in laptop.url

    phone.goto(f"{base}/wachtwoord-wijzigen")
    phone.fill("#current", NEW)
    phone.fill("#password", NEWER)
    phone.fill("#repeat", NEWER)
    phone.get_by_role("button", name="Wachtwoord wijzigen").click()
    phone.wait_for_selector("text=Je wachtwoord is gewijzigd")
    phone.goto(f"{base}/wachtwoord-wijzigen")  # still signed in here
    assert "/wachtwoord-wijzigen" in phone.url
    phone.goto(link)
    assert phone.locator("h1").inner_text() == "Deze link werkt niet"
    assert not watch.foreign
