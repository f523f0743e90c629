"""Personal survey links, as issue 8 asks: leaders never hold them (mail only, an outbox for
failed mails), nothing a leader sees depends on whether one invitee responded, a used link
says so before anything is filled in, and in the database no invitation is joined to its
response (claimed when opened, in a transaction of its own). Real SMTP through aiosmtpd;
every test runs on SQLite and PostgreSQL."""

import email
import email.policy
import io
import json
import re
import socket
import threading
from datetime import timedelta

import pytest
import segno
from sqlalchemy import func, select, text

import clock
import models.invitation
from models import Draft, Invitation, Partnership, Response, Round
from surveys.responses import purge_drafts

from .conftest import Respondent, csrf_from, login, uniform_answers
from .test_manage import admin, post, smtp  # noqa: F401  (fixtures)

PUBLIC = "https://monitor.example.nl"
TOKEN_PATH = re.compile(r"/u/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def tokens(monkeypatch):
    """Every personal-link token the app makes, in order."""
    made = []
    original = models.invitation.new_token

    def recording():
        made.append(original())
        return made[-1]

    monkeypatch.setattr("surveys.invitations.new_token", recording)
    return made


@pytest.fixture
def running(app, make_round, make_user, session):
    """A partnership with an open round, its leader signed in, PUBLIC_URL set."""
    app.config["PUBLIC_URL"] = PUBLIC
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=2), closes_on=clock.today() + timedelta(days=10))
    make_user("leider@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "leider@p.example")
    return round_, leader, f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"


def inbox(mailbox) -> dict[str, str]:
    """{recipient: path of the personal link in their latest mail}."""
    return {to: re.search(r"https?://[^/\s]+(/u/\S+)", text_of(raw)).group(1) for to, raw in mailbox}


def text_of(raw: str) -> str:
    """The decoded text of a mail as received."""
    return email.message_from_string(raw, policy=email.policy.default).get_body(preferencelist=("plain",)).get_content()


def invite(leader, url, emails: str):
    return post(leader, url, url + "uitnodigingen", {"emails": emails})


def answer_through(client, link: str, value: str = "4"):
    """Open a personal link and answer everything; returns the last response."""
    opened = client.get(link)
    assert opened.status_code == 302, opened.status_code
    code = re.search(r"/s/([a-z0-9]+)", opened.headers["Location"]).group(1)
    return Respondent(client, code).complete(uniform_answers(value))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- leaders never hold the links ----------------------------------------------------------


def test_without_a_mail_server_personal_invitations_are_unavailable(app, running, session, tokens):
    round_, leader, url = running
    page = leader.get(url)
    assert "Persoonlijke uitnodigingen zijn niet beschikbaar: er is geen mailserver ingesteld" in page.text
    assert f"{PUBLIC}/s/{round_.public_code}" in page.text and "qr.svg" in page.text  # the open link instead
    assert 'name="emails"' not in page.text
    refused = post(leader, url, url + "uitnodigingen", {"emails": "een@p.example"})
    assert refused.status_code == 409 and "geen mailserver" in refused.text
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0 and tokens == []


def test_invitations_go_only_by_mail_with_links_on_public_url(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    sent = invite(leader, url, "een@p.example\ntwee@p.example")
    assert sent.status_code == 200 and "2 e-mails zijn verstuurd" in sent.text and "/u/" not in sent.text
    assert sorted(to for to, _ in mailbox) == ["een@p.example", "twee@p.example"]
    assert all(f"{PUBLIC}/u/" in text_of(raw) for _, raw in mailbox)
    page = leader.get(url).text
    assert page.count(">verstuurd") == 2 and "niet verstuurd" not in page


def test_a_failed_mail_stays_in_the_outbox_and_can_be_sent_again(app, running, session, smtp, tokens):  # noqa: F811
    round_, leader, url = running
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_USE_TLS=False)
    failed = invite(leader, url, "een@p.example\ntwee@p.example")
    assert failed.status_code == 200 and "2 e-mails konden niet worden verstuurd" in failed.text
    assert "/u/" not in failed.text and not any(token in failed.text for token in tokens)  # never shown instead
    page = leader.get(url).text
    assert page.count("niet verstuurd") == 2 and "Opnieuw versturen aan 2 mensen" in page
    assert set(session.scalars(select(Invitation.mail_status))) == {"failed"}

    # Pasting the list again does not skip them as "already invited".
    mailbox = smtp()
    again = invite(leader, url, "een@p.example")
    assert "1 e-mail is verstuurd" in again.text and [to for to, _ in mailbox] == ["een@p.example"]
    # The button sends the rest, each with a new link; the first links never worked anyway.
    resend = re.search(r'action="([^"]+/uitnodigingen/opnieuw)"', leader.get(url).text).group(1)
    resent = post(leader, url, resend)
    assert "1 e-mail is verstuurd" in resent.text and [to for to, _ in mailbox] == ["een@p.example", "twee@p.example"]
    assert "niet verstuurd" not in leader.get(url).text
    assert set(session.scalars(select(Invitation.mail_status))) == {"sent"}
    assert app.test_client().get(f"/u/{tokens[1]}").status_code == 404  # twee's first, never mailed
    assert answer_through(app.test_client(), inbox(mailbox)["twee@p.example"]).status_code == 302
    again = invite(leader, url, "een@p.example").text  # a sent one is skipped
    assert "1 ingevoerd · 1 al uitgenodigd, overgeslagen · 0 verstuurd" in " ".join(again.split())


@pytest.mark.parametrize("name", ["Regio\r\nBcc: buit@evil.example", "Regio\nNoord", "Regio\x07\x1b\u2028Zuid\x85"])
def test_control_characters_in_a_partnership_name_never_give_a_500(app, running, session, smtp, name):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    partnership = session.get(Partnership, round_.partnership_id)
    partnership.name = name  # as an older version, or the command line, may have stored it
    session.commit()
    sent = invite(leader, url, "een@p.example")
    assert sent.status_code == 200 and "1 e-mail is verstuurd" in sent.text
    ((to, raw),) = mailbox
    message = email.message_from_string(raw, policy=email.policy.default)
    assert to == "een@p.example" and message["Bcc"] is None and message["To"] == "een@p.example"
    assert message["Subject"].startswith("Vragenlijst Regio") and not re.search(
        r"[\x00-\x1f\x7f-\x9f\u2028]", message["Subject"]
    )
    assert session.scalar(select(Invitation.mail_status)) == "sent"
    reminded = post(leader, url, url + "herinneren")
    assert reminded.status_code == 200 and len(mailbox) == 2


def test_no_page_flash_or_answer_a_leader_gets_holds_a_personal_token(app, running, session, smtp, tokens):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    slug = round_.partnership.slug
    seen = [invite(leader, url, "een@p.example\ntwee@p.example\ndrie@p.example")]
    seen.append(post(leader, url, url + "herinneren", follow=True))
    answer_through(app.test_client(), inbox(mailbox)["een@p.example"])
    app.config["MAIL_PORT"] = closed_port()
    seen.append(post(leader, url, url + "herinneren", follow=True))  # failing mails: still no link shown
    seen.append(invite(leader, url, "vier@p.example"))
    seen.append(post(leader, url, url + "uitnodigingen/opnieuw", follow=True))
    seen.append(post(leader, url, url + "sluiten", follow=True))
    for path in (
        url,
        f"/beheer/{slug}/",
        f"/beheer/{slug}/logboek",
        "/beheer/",
        f"/dashboard/{slug}/",
        f"/dashboard/{slug}/?round={round_.id}",
        f"/api/partnerships/{slug}/rounds/{round_.id}",
    ):
        seen.append(leader.get(path))
    assert len(tokens) >= 10 and all(r.status_code < 500 for r in seen)
    for response in seen:
        body = response.get_data(as_text=True)
        assert "/u/" not in body and not any(token in body for token in tokens), response.request.path


def normalised(html: str, round_: Round) -> str:
    """A page with what differs between two partnerships taken out: CSRF tokens, ids, slugs, codes."""
    html = re.sub(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+', r"\1CSRF", html)
    html = html.replace(round_.partnership.slug, "SLUG").replace(round_.partnership.name, "NAME")
    html = html.replace(round_.public_code, "CODE").replace(f"/metingen/{round_.id}/", "/metingen/ID/")
    html = html.replace(round_.youth_code, "YOUTHCODE")  # random per round, like the open link
    html = re.sub(rf"round={round_.id}\b", "round=ID", html).replace(f"/rounds/{round_.id}", "/rounds/ID")
    html = re.sub(r"/leden/\d+/", "/leden/USER/", html)
    # A round picker's option, not the instrument version's (value 2 is "Versie 2").
    html = re.sub(rf'<option value="{round_.id}"(?=[^>]*>(?!Versie ))', '<option value="ID"', html)
    html = html.replace(f'"id":{round_.id},', '"id":"ID",')
    html = re.sub(r"leider\d+", "LEIDER", html)  # the leader's name in the mail preview
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "TIME", html)


def history(app, make_round, make_user, smtp_use, x_responds: bool, number: int) -> list[str]:  # noqa: F811
    """One round: three invitees, a reminder, then either invitee X answers through their link
    or someone answers the open link with the same answers (the count is the same); a second
    reminder; close. Returns every page, mail list and API answer the leader could get."""
    mailbox = smtp_use()
    mailbox.clear()
    partnership = Partnership(slug=f"geschiedenis-{number}", name=f"Geschiedenis {number}")
    round_ = make_round(
        "T1",
        opens_on=clock.today() - timedelta(days=2),
        closes_on=clock.today() + timedelta(days=10),
        partnership=partnership,
    )
    make_user(f"leider{number}@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, f"leider{number}@p.example")
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    slug = round_.partnership.slug
    record = []

    def look():
        for path in (
            url,
            f"/beheer/{slug}/",
            f"/dashboard/{slug}/?round={round_.id}",
            f"/api/partnerships/{slug}/rounds/{round_.id}",
        ):
            response = leader.get(path)
            record.append(normalised(response.get_data(as_text=True), round_).replace(f"leider{number}@", "LEIDER@"))

    record.append(normalised(invite(leader, url, "x@p.example\ny@p.example\nz@p.example").text, round_))
    look()
    links = inbox(mailbox)
    if x_responds:
        answer_through(app.test_client(), links["x@p.example"], "2")
    else:
        Respondent(app.test_client(), round_.public_code).complete(uniform_answers("2"))
    look()
    mailbox.clear()
    record.append(normalised(post(leader, url, url + "herinneren").text, round_))
    record.append(json.dumps(sorted(to for to, _ in mailbox)))
    look()
    post(leader, url, url + "sluiten")
    look()
    audit = leader.get(f"/beheer/{slug}/logboek").get_data(as_text=True)
    record.append(normalised(audit, round_).replace(f"leider{number}@", "LEIDER@"))
    return record


def test_probing_personal_links_tells_a_leader_nothing(app, make_round, make_user, smtp):  # noqa: F811
    """Issue 8, attack 3, replayed: the leader holds no link to try, and every page, outbox,
    reminder count, mail list and API answer is byte for byte the same whether invitee X
    responded or someone else did."""
    app.config["PUBLIC_URL"] = PUBLIC
    responded = history(app, make_round, make_user, smtp, x_responds=True, number=1)
    did_not = history(app, make_round, make_user, smtp, x_responds=False, number=2)
    assert len(responded) == len(did_not)
    for a, b in zip(responded, did_not):
        assert a == b
    assert not any("/u/" in page for page in responded)


# --- the respondent's side -----------------------------------------------------------------


def test_a_used_link_says_so_before_anything_is_filled_in(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "een@p.example")
    link = inbox(mailbox)["een@p.example"]
    answer_through(app.test_client(), link)
    again = app.test_client().get(link)
    assert again.status_code == 410 and "Deze link is al gebruikt" in again.text
    english = app.test_client().get(link + "?lang=en")
    assert english.status_code == 410 and "This link has already been used" in english.text
    assert session.scalar(select(func.count()).select_from(Draft)) == 0  # opening it made nothing
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_link_resumes_its_questionnaire_on_another_device(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "een@p.example")
    link = inbox(mailbox)["een@p.example"]
    phone, laptop = app.test_client(), app.test_client()
    phone.get(link)
    on_phone = Respondent(phone, round_.public_code)
    for step in (1, 2):
        assert on_phone.post(step, on_phone.page_data(step, uniform_answers("5"))).status_code == 302
    laptop.get(link)
    checked = re.findall(r"<input[^>]*\bchecked\b[^>]*>", laptop.get(f"/s/{round_.public_code}/2").text)
    # the phone's answers: page 2 holds momentum and youth, five statements each
    assert len(checked) == 10 and all('value="5"' in tag for tag in checked)
    assert (
        Respondent(laptop, round_.public_code).complete(uniform_answers("5")).headers["Location"].endswith("/bedankt")
    )
    late = phone.get(f"/s/{round_.public_code}/3")
    assert late.status_code == 410 and "al gebruikt" in late.text  # told, not a second response
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_purge_frees_an_abandoned_link_but_not_a_used_one(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "een@p.example\ntwee@p.example")
    links = inbox(mailbox)
    abandoned = app.test_client()
    abandoned.get(links["een@p.example"])
    Respondent(abandoned, round_.public_code).post(
        1, Respondent(abandoned, round_.public_code).page_data(1, uniform_answers("3"))
    )
    answer_through(app.test_client(), links["twee@p.example"])
    with app.app_context():
        assert purge_drafts(untouched_since=clock.today() + timedelta(days=1)) == 1
    session.expire_all()
    claimed = dict(session.execute(select(Invitation.email, Invitation.claimed_draft_hash)).all())
    assert claimed["een@p.example"] is None and claimed["twee@p.example"] is not None
    assert answer_through(app.test_client(), links["een@p.example"]).headers["Location"].endswith("/bedankt")
    assert app.test_client().get(links["twee@p.example"]).status_code == 410
    assert session.scalar(select(func.count()).select_from(Response)) == 2


def test_a_reminder_keeps_a_questionnaire_in_progress(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "piet@p.example")
    piet = app.test_client()
    piet.get(inbox(mailbox)["piet@p.example"])
    Respondent(piet, round_.public_code).post(
        1, Respondent(piet, round_.public_code).page_data(1, uniform_answers("4"))
    )
    mailbox.clear()
    post(leader, url, url + "herinneren")
    ((to, raw),) = mailbox
    body = " ".join(text_of(raw).split())
    assert "al ingevuld? Dan hoef je niets te doen, dank je wel." in body and "verder waar je was" in body
    other_device = app.test_client()
    other_device.get(inbox(mailbox)["piet@p.example"])  # the new link resumes the same draft
    assert (
        Respondent(other_device, round_.public_code)
        .complete(uniform_answers("4"))
        .headers["Location"]
        .endswith("/bedankt")
    )
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert session.scalar(select(func.count()).select_from(Draft)) == 0


def test_simultaneous_posts_and_double_submits_store_one_response(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "dubbel@p.example\nklik@p.example")
    links = inbox(mailbox)
    devices = [app.test_client(), app.test_client()]
    csrf = []
    for device in devices:
        device.get(links["dubbel@p.example"])
        csrf.append(Respondent(device, round_.public_code).answer_statements(uniform_answers("3")))
    # And one person who double-clicks "Versturen".
    clicker = app.test_client()
    clicker.get(links["klik@p.example"])
    csrf.append(Respondent(clicker, round_.public_code).answer_statements(uniform_answers("3")))
    clients = devices + [clicker, clicker]
    csrf.append(csrf[2])
    barrier = threading.Barrier(len(clients))
    statuses = []

    def submit(device, token):
        barrier.wait()
        statuses.append(
            device.post(
                f"/s/{round_.public_code}/4",  # the profile page, the last of four
                data={"level": "beleid", "domain": "gemeente", "csrf_token": token, "action": "next"},
            ).status_code
        )

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(clients, csrf)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 4 and set(statuses) <= {302, 410} and statuses.count(302) >= 2
    assert session.scalar(select(func.count()).select_from(Response)) == 2  # one per link


def test_two_first_openings_at_once_claim_one_draft(app, running, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "een@p.example")
    link = inbox(mailbox)["een@p.example"]
    clients = [app.test_client() for _ in range(4)]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def open_link(client):
        barrier.wait()
        statuses.append(client.get(link).status_code)

    threads = [threading.Thread(target=open_link, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 4
    assert session.scalar(select(func.count()).select_from(Draft)) == 1
    answer_through(clients[0], link)
    for client in clients[1:]:
        assert client.get(f"/s/{round_.public_code}/1").status_code == 410
    assert session.scalar(select(func.count()).select_from(Response)) == 1


# --- for the database operator -------------------------------------------------------------


def test_no_transaction_joins_an_invitation_to_its_response(app, running, session, smtp, database_url):  # noqa: F811
    """Issue 8, attack 4: on PostgreSQL, invitation.xmin = response.xmin joined an email
    address to its answers. The submission no longer touches the invitation."""
    if not database_url.startswith("postgresql"):
        pytest.skip("xmin is PostgreSQL's")
    mailbox = smtp()
    round_, leader, url = running
    invite(leader, url, "\n".join(f"lid{n}@p.example" for n in range(4)))
    for link in inbox(mailbox).values():
        answer_through(app.test_client(), link)
    Respondent(app.test_client(), round_.public_code).complete(uniform_answers("2"))
    assert session.scalar(select(func.count()).select_from(Response)) == 5
    pairs = session.execute(text("SELECT i.email, r.id FROM invitation i JOIN response r ON i.xmin = r.xmin")).all()
    assert pairs == []
    claimed = session.scalar(text("SELECT count(*) FROM invitation WHERE claimed_draft_hash IS NOT NULL"))
    assert claimed == 4  # the links are used, without the response saying which


def test_response_ids_do_not_tell_the_order(app, running, add_responses, session):
    round_, _, _ = running
    add_responses(round_, 12)
    ids = [row for row in session.scalars(select(Response.id))]
    assert len(set(ids)) == 12 and max(ids) > 2**40  # random 62-bit, not 1, 2, 3...
    assert ids != sorted(ids) or ids != list(range(min(ids), min(ids) + 12))


def test_links_use_public_url_never_the_host_header(app, running, admin, session, smtp):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = running
    forged = {"HTTP_HOST": "evil.example"}
    for client in (leader, admin):  # the session cookie, for the forged host too
        client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    page = leader.get(url, environ_overrides=forged).text
    assert f'value="{PUBLIC}/s/{round_.public_code}"' in page and "evil.example" not in page
    svg = leader.get(url + "qr.svg", environ_overrides=forged).data
    expected = segno.make(f"{PUBLIC}/s/{round_.public_code}", error="m")
    buffer = io.BytesIO()
    expected.save(buffer, kind="svg", scale=4, border=2)
    assert svg == buffer.getvalue()
    token = csrf_from(leader.get(url).text)
    leader.post(url + "uitnodigingen", data={"emails": "een@p.example", "csrf_token": token}, environ_overrides=forged)
    ((_, raw),) = mailbox
    assert f"{PUBLIC}/u/" in text_of(raw) and "evil.example" not in text_of(raw)
    app.config["MAIL_SERVER"] = None  # account invitations are shown to copy without mail
    slug = round_.partnership.slug
    token = csrf_from(admin.get(f"/beheer/{slug}/").text)
    shown = admin.post(
        f"/beheer/{slug}/leden",
        data={"email": "nieuw@p.example", "role": "viewer", "csrf_token": token},
        environ_overrides=forged,
    )
    assert f'value="{PUBLIC}/welkom/' in shown.text and "evil.example" not in shown.text
