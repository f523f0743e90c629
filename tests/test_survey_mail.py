"""The survey mails people trust, read back from a real SMTP server (aiosmtpd) part by part:
plain text with an HTML alternative, the partnership, who sends it and how to reach them
(Reply-To), the closing day in Dutch words, how anonymity is kept, the privacy statement's
link; the same from the daily run, signed by the partnership's leader."""

import email
import email.policy
import re
from datetime import date

from freezegun import freeze_time

import clock
from models import Partnership, Round

from .conftest import login, post_round_settings
from .test_manage import post, smtp  # noqa: F401  (fixtures)

PUBLIC = "https://monitor.example.nl"
MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()


def in_words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parts(raw: str) -> dict:
    message = email.message_from_string(raw, policy=email.policy.default)
    html = message.get_body(preferencelist=("html",))
    return {
        "message": message,
        "text": message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n"),  # as sent
        "html": html.get_content() if html else None,
    }


def test_an_invitation_says_who_when_how_anonymous_and_where_to_read_more(app, session, smtp, make_round, make_user):  # noqa: F811
    mailbox = smtp()
    app.config["PUBLIC_URL"] = PUBLIC
    partnership = Partnership(slug="twente", name="Samen <b>Twente</b>", region="Twente")
    round_ = make_round("T1", partnership=partnership, opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 20))
    make_user("anna@twente.example", round_.partnership)
    leader = app.test_client()
    with freeze_time("2026-12-02"):
        login(leader, "anna@twente.example")
        url = f"/beheer/twente/metingen/{round_.id}/"
        post(leader, url, url + "uitnodigingen", {"emails": "lid@twente.example"})
    [(to, raw)] = mailbox
    mail = parts(raw)
    assert to == "lid@twente.example" and mail["message"].get_content_type() == "multipart/alternative"
    assert mail["message"]["Reply-To"] == "anna@twente.example"
    assert mail["message"]["Subject"] == "Vragenlijst Samen <b>Twente</b>"
    text, html = mail["text"], mail["html"]
    link = re.search(rf"{PUBLIC}/u/\S+", text).group(0)
    assert f'href="{link}"' in html
    assert in_words(date(2026, 12, 20)) == "20 december 2026"
    for body in (text, html):
        assert "open tot en met 20 december 2026" in body and "ongeveer 10 minuten" in body
        assert "niemand ziet wie heeft gereageerd" in body and "minstens 5 mensen" in body
        assert "anna (anna@twente.example)" in body
    assert f"{PUBLIC}/privacy" in text and f'href="{PUBLIC}/privacy"' in html
    assert "Samen <b>Twente</b>" in text and "Samen &lt;b&gt;Twente&lt;/b&gt;" in html and "<b>Twente" not in html


def test_a_reminder_from_the_daily_run_is_signed_by_the_partnerships_leader(
    app,
    runner,
    session,
    smtp,
    make_round,
    make_user,  # noqa: F811
):
    mailbox = smtp()
    app.config["PUBLIC_URL"] = PUBLIC
    today = clock.today()
    round_ = make_round("T1", opens_on=today, closes_on=date.fromordinal(today.toordinal() + 2))
    make_user("zoe@p.example", round_.partnership)
    make_user("bram@p.example", round_.partnership)
    make_user("kijker@p.example", round_.partnership, role="viewer")
    leader = app.test_client()
    login(leader, "zoe@p.example")
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    post(leader, url, url + "uitnodigingen", {"emails": "lid@p.example"})
    stored = session.get(Round, round_.id)
    stored.reminders = [2]
    session.commit()
    mailbox.clear()
    assert runner.invoke(args=["daily"]).exit_code == 0
    [(to, raw)] = mailbox
    mail = parts(raw)
    assert mail["message"]["Subject"].startswith("Herinnering: vragenlijst")
    assert mail["message"]["Reply-To"] == "bram@p.example"  # the first leader by address, not the viewer
    assert "bram (bram@p.example)" in mail["text"] and "Gebruik deze nieuwe link" in mail["text"]
    assert f"open tot en met {in_words(round_.closes_on)}" in mail["text"]


def test_an_account_invitation_says_what_the_tool_is_the_role_and_who_invites(
    app, session, smtp, make_round, make_user
):  # noqa: F811
    mailbox = smtp()
    partnership = Partnership(slug="noord", name="Samen Noord", region="Noord")
    make_round("T1", partnership=partnership)
    make_user("anna@noord.example", partnership)
    leader = app.test_client()
    login(leader, "anna@noord.example")
    for email_address, role in (("kees@noord.example", "viewer"), ("lies@noord.example", "leader")):
        post(leader, "/beheer/noord/", "/beheer/noord/leden", {"email": email_address, "role": role})
    bodies = {to: parts(raw)["text"] for to, raw in mailbox}
    for body in bodies.values():
        assert "anna (anna@noord.example) nodigt je uit voor de Samenwerkingsmonitor van Samen Noord" in body
        assert "korte, anonieme vragenlijst" in body and "zes dimensies" in body
        assert "14 dagen geldig" in body and re.search(r"/welkom/\S+", body)
    assert "Je rol: kijker: je ziet de uitkomsten." in bodies["kees@noord.example"]
    assert "Je rol: projectleider: je maakt metingen" in bodies["lies@noord.example"]


def test_the_leaders_opening_paragraph_starts_every_mail_and_is_previewed(app, session, smtp, make_round, make_user):  # noqa: F811
    mailbox = smtp()
    round_ = make_round("T1")
    make_user("anna@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "anna@p.example")
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    opening = "Beste partners,\nwe horen graag hoe jullie <het> zien."
    assert post_round_settings(leader, round_, mail_opening=opening).status_code == 302
    page = leader.get(url).text
    preview = page.split('id="mail-preview"')[1].split("</details>")[0]
    assert "Beste partners,\nwe horen graag hoe jullie &lt;het&gt; zien." in preview
    assert "(de persoonlijke link van wie de e-mail krijgt)" in preview and "/u/" not in preview
    post(leader, url, url + "uitnodigingen", {"emails": "lid@p.example"})
    [(to, raw)] = mailbox
    mail = parts(raw)
    assert mail["text"].startswith(opening + "\n\n")
    assert "we horen graag hoe jullie &lt;het&gt; zien." in mail["html"] and "<het>" not in mail["html"]


def test_the_intro_names_the_organiser_a_contact_and_when_results_are_discussed(
    app, client, session, make_round, make_user
):
    round_ = make_round("T1")
    make_user("zoe@p.example", round_.partnership)
    make_user("bram@p.example", round_.partnership)
    intro = client.get(f"/s/{round_.public_code}").text
    organiser = re.search(r'id="organiser">(.*?)</li>', intro, re.S).group(1)
    assert round_.partnership.name in organiser and 'href="mailto:bram@p.example"' in organiser
    assert "de projectleiders bespreken de uitkomsten" in re.search(r'id="discussion">(.*?)</li>', intro, re.S).group(1)
    leader = app.test_client()
    login(leader, "zoe@p.example")
    said = "Op het partneroverleg van 15 januari, met iedereen die meedeed."
    assert post_round_settings(leader, round_, discussion=said).status_code == 302
    intro = client.get(f"/s/{round_.public_code}").text
    assert said in re.search(r'id="discussion">(.*?)</li>', intro, re.S).group(1)
    too_long = post_round_settings(leader, round_, discussion="x" * 301)
    assert too_long.status_code == 422
