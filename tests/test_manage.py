"""Running the monitor without the command line, over HTTP with CSRF on: from an empty
database to a closed round on the dashboard and a programme comparison."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import clock
from extensions import db
from models import AuditEvent, Invitation, Response, Round
from surveys.instrument import get_instrument
from surveys.scoring import flip

from .conftest import Respondent, csrf_from, login, smtp_server, uniform_answers

INSTRUMENT = get_instrument(1)


def post(client, page_url: str, action_url: str | None = None, data: dict | None = None, follow: bool = False):
    """Fill in a form as a browser does: fetch the page for its CSRF token, then post."""
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return client.post(
        action_url or page_url, data={**(data or {}), "csrf_token": csrf_from(page.text)}, follow_redirects=follow
    )


def links(html: str, path: str) -> list[str]:
    return re.findall(rf'value="https?://[^/"]+(/{path}/[^"]+)"', html)


def mailed_links(mailbox: list) -> dict[str, str]:
    """{recipient: path of the personal link in their latest mail (decoded)}."""
    texts = {
        to: email.message_from_string(raw, policy=email.policy.default)
        .get_body(preferencelist=("plain",))
        .get_content()
        for to, raw in mailbox
    }
    return {to: re.search(r"https?://[^/\s]+(/u/\S+)", text).group(1) for to, text in texts.items()}


def complete_via(client, url: str) -> None:
    """Follow a survey link and answer everything."""
    intro = client.get(url, follow_redirects=True)
    assert intro.status_code == 200, url
    code = re.search(r"/s/([a-z0-9]+)/1", intro.text).group(1)
    Respondent(client, code).complete(uniform_answers("4"))


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free port; returns the list it collects (recipient, body) in.
    The app uses it once `use()` is called."""
    with smtp_server() as (port, received):

        def use():
            app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
            return received

        yield use


@pytest.fixture
def admin(app, make_user):
    make_user("beheer@example.org", admin=True)
    client = app.test_client()
    login(client, "beheer@example.org")
    return client


def test_from_an_empty_database_to_a_programme_comparison(app, admin, session, smtp):
    # The administrator makes a programme and a partnership in it, and invites a leader.
    post(admin, "/beheer/programmas/nieuw", data={"name": "Samen Slim Slagvaardig", "slug": "sss"})
    programme_id = re.search(
        r'<option value="(\d+)">Samen Slim Slagvaardig</option>', admin.get("/beheer/nieuw").text
    ).group(1)
    created = post(
        admin,
        "/beheer/nieuw",
        data={"name": "Regio Noord", "slug": "noord", "region": "Noord", "programme": programme_id},
    )
    assert created.headers["Location"].endswith("/beheer/noord/")
    invited = post(admin, "/beheer/noord/", "/beheer/noord/leden", {"email": "leider@noord.example", "role": "leader"})
    assert "Kopieer de links" in invited.text
    (welcome,) = links(invited.text, "welkom")

    # The leader sets a password and is signed in.
    leader = app.test_client()
    accepted = post(
        leader, welcome, data={"name": "Lieke", "password": "een goed wachtwoord", "repeat": "een goed wachtwoord"}
    )
    assert accepted.status_code == 302
    assert leader.get("/beheer/noord/").status_code == 200
    assert leader.get(welcome).status_code == 404  # single use

    # A round, opened now, with five personal invitations and the open link.
    today = clock.today()
    made = post(
        leader,
        "/beheer/noord/metingen/nieuw",
        data={
            "title": "T0 nulmeting",
            "instrument_version": "1",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    round_url = made.headers["Location"]
    page = leader.get(round_url).text
    open_link = re.search(
        r'id="open-link" value="https?://[^/"]+(/s/[a-z0-9]+)"|value="https?://[^/"]+(/s/[a-z0-9]+)"', page
    )
    open_path = open_link.group(1) or open_link.group(2)
    qr = leader.get(round_url + "qr.png")
    assert qr.mimetype == "image/png" and qr.data.startswith(b"\x89PNG")
    assert b"<svg" in leader.get(round_url + "qr.svg").data

    emails = "\n".join(f"lid{n}@noord.example" for n in range(1, 5)) + ", Lid Vijf <lid5@noord.example>"
    mailbox = smtp()
    sent = post(leader, round_url, round_url + "uitnodigingen", {"emails": emails})
    assert "5 e-mails zijn verstuurd" in sent.text and "/u/" not in sent.text
    inbox = mailed_links(mailbox)
    personal = [inbox[f"lid{n}@noord.example"] for n in range(1, 6)]
    assert len(set(personal)) == 5

    # Three answer through their personal link, three through the open link.
    for url in personal[:3]:
        complete_via(app.test_client(), url)
    for _ in range(3):
        complete_via(app.test_client(), open_path)
    assert session.scalar(select(func.count()).select_from(Response)) == 6

    # The leader follows the response: responses and days left, never which invitee responded.
    page = leader.get(round_url).text
    # Six responses, counted in steps of five: the sixth waits for four more.
    assert 'id="responses-count">5<' in page and "nog 15 dagen" in page
    invitations = page.split('id="invitations-title"')[1].split("</section>")[0]
    assert "Gereageerd" not in page and not re.search(r"\d+ (heeft|hebben) gereageerd", invitations)
    # Reminders go to everyone invited, each with a fresh link: the same whoever responded.
    mailbox.clear()
    reminded = post(leader, round_url, round_url + "herinneren")
    assert "5 e-mails zijn verstuurd" in reminded.text and "/u/" not in reminded.text
    assert sorted(recipient for recipient, _ in mailbox) == [f"lid{n}@noord.example" for n in range(1, 6)]
    fresh = mailed_links(mailbox)
    assert app.test_client().get(personal[3]).status_code == 404  # the old link was replaced
    assert app.test_client().get(fresh["lid1@noord.example"]).status_code == 410  # "al gebruikt", to lid1 only
    complete_via(app.test_client(), fresh["lid4@noord.example"])
    app.config["MAIL_SERVER"] = None

    # Closing: the open link refuses answers, and the dashboard shows the round.
    post(leader, round_url, round_url + "sluiten")
    assert app.test_client().get(open_path).status_code == 410
    dashboard = leader.get("/dashboard/noord/").text
    assert 'data-chart-for="rounds-radar"' in dashboard and "T0 nulmeting" in dashboard

    # A coordinator compares the partnership with the programme.
    coordinator_invite = post(admin, "/beheer/programmas/sss/coordinatoren", data={"email": "coord@programma.example"})
    (coordinator_welcome,) = links(coordinator_invite.text, "welkom")
    coordinator = app.test_client()
    post(coordinator, coordinator_welcome, data={"password": "nog een wachtwoord", "repeat": "nog een wachtwoord"})
    programme = coordinator.get("/dashboard/programma/sss/")
    assert programme.status_code == 200 and "Regio Noord" in programme.text and "Programmagemiddelde" in programme.text
    hidden = coordinator.get("/dashboard/programma/sss/?anoniem=1").text
    assert "Regio Noord" not in hidden and "Samenwerkingsverband A" in hidden
    assert coordinator.get("/dashboard/noord/").status_code == 404  # never a partnership's own detail

    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    for action in (
        "partnership.created",
        "member.invited",
        "round.created",
        "invitations.sent",
        "invitations.reminded",
        "round.closed",
    ):
        assert action in actions
    log = leader.get("/beheer/noord/logboek").text
    assert "leider@noord.example" in log and "meting gesloten" in log


@pytest.fixture
def running(app, admin, make_round, make_user, session):
    """A partnership with an open round, its leader signed in."""
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=2), closes_on=clock.today() + timedelta(days=10))
    make_user("leider@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "leider@p.example")
    return round_, leader, f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"


def test_a_pasted_list_invites_the_good_addresses_and_lists_the_rest(running, session, smtp):
    """Nine lines: seven addresses, one of them twice, and one that is no address. The seven
    are invited; the page says what became of all nine and keeps the bad line ready to be
    corrected and sent, in a form of its own."""
    mailbox = smtp()
    _, leader, url = running
    good = [f"lid{n}@p.example" for n in range(1, 8)]
    pasted = "\n".join([*good[:3], "LID1@p.example", "geen-adres", *good[3:]])
    page = post(leader, url, url + "uitnodigingen", {"emails": pasted})
    assert page.status_code == 200
    tally = re.search(r'<p class="tally" id="tally">(.*?)</p>', page.text, re.S).group(1)
    assert " ".join(tally.split()) == "9 ingevoerd · 1 dubbel · 1 geen e-mailadres · 7 verstuurd"
    assert sorted(recipient for recipient, _ in mailbox) == sorted(good)
    assert session.scalar(select(func.count()).select_from(Invitation)) == 7
    retry = page.text.split('id="retry-title"')[1]
    assert re.search(r'action="[^"]*/uitnodigingen"', retry) and re.search(r">\s*geen-adres</textarea>", retry)
    assert "lid1@p.example" not in retry


def test_a_list_without_one_address_sends_nothing_and_says_so_at_the_top(running, session, smtp):
    smtp()
    _, leader, url = running
    response = post(leader, url, url + "uitnodigingen", {"emails": "geen-adres, ook@fout"})
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0
    page = response.text
    summary = page.index('id="error-summary"')
    assert summary < page.index('id="tracking-title"')  # above the page's sections, not halfway down
    assert "autofocus" in page[page.rindex("<div", 0, summary) : summary + 200]
    assert "geen-adres" in page[summary : page.index("</div>", summary)]
    assert page.count('id="error-summary"') == 1


def test_results_can_be_hidden_until_the_round_closes(app, running, add_responses, session):
    round_, leader, url = running
    add_responses(round_, 6)
    slug = round_.partnership.slug
    post(
        leader,
        url,
        data={
            "title": "T1",
            "instrument_version": "1",
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            "hide_results_while_open": "y",
        },
    )
    dashboard = leader.get(f"/dashboard/{slug}/").text
    assert "verborgen tot de meting sluit" in dashboard and 'data-chart-for="rounds-radar"' not in dashboard
    assert leader.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()["shown"] is False
    post(leader, url, url + "sluiten")
    assert 'data-chart-for="rounds-radar"' in leader.get(f"/dashboard/{slug}/").text


def test_reopening_a_round_past_its_closing_day_gives_it_new_days(app, admin, make_round, make_user, session):
    round_ = make_round("T0", opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=3))
    make_user("leider@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "leider@p.example")
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    page = post(leader, url, url + "openen", follow=True).text
    session.expire_all()
    reopened = session.get(Round, round_.id)
    assert reopened.state().value == "open" and reopened.closes_on == clock.today() + timedelta(days=14)
    assert app.test_client().get(f"/s/{round_.public_code}").status_code == 200
    day = reopened.closes_on
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]  # fmt: skip
    assert f"De meting is open tot en met {day.day} {months[day.month - 1]} {day.year};" in page


def test_closing_a_round_says_so_and_puts_the_results_first(app, make_round, make_user):
    round_ = make_round("T0", opens_on=clock.today() - timedelta(days=3), closes_on=clock.today() + timedelta(days=10))
    make_user("leider@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "leider@p.example")
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    before = leader.get(url).text
    assert re.search(r'class="button secondary" href="/dashboard/[^"]*">Uitkomsten', before)
    page = post(leader, url, url + "sluiten", follow=True).text
    assert "De meting is gesloten: er kan niemand meer antwoorden." in page
    assert "eerder gesloten" in page  # the closing day shown is the planned one
    assert re.search(r'class="button primary" href="/dashboard/[^"]*">Uitkomsten', page)
    assert re.search(r'class="button secondary">Meting heropenen', page)


def test_round_form_refuses_a_closing_day_before_the_opening_day(running):
    round_, leader, _ = running
    response = post(
        leader,
        f"/beheer/{round_.partnership.slug}/metingen/nieuw",
        data={"title": "T2", "instrument_version": "1", "opens_on": "2027-03-10", "closes_on": "2027-03-01"},
    )
    assert response.status_code == 422 and "vóór de openingsdatum" in response.text


def test_members_can_be_removed_but_not_the_last_leader(app, running, make_user, session):
    round_, leader, _ = running
    slug = round_.partnership.slug
    make_user("kijker@p.example", round_.partnership, "viewer")
    page = leader.get(f"/beheer/{slug}/").text
    viewer_id = re.search(
        r"/leden/(\d+)/verwijderen[^<]*<[^<]*<button[^>]*>[^<]*</button>\s*</form>\s*</td></tr>", page
    )
    ids = re.findall(r"/beheer/[^/]+/leden/(\d+)/verwijderen", page)
    assert len(ids) == 2 and viewer_id
    for user_id in ids:
        post(leader, f"/beheer/{slug}/", f"/beheer/{slug}/leden/{user_id}/verwijderen", follow=True)
    page = leader.get(f"/beheer/{slug}/").text
    assert "kijker@p.example" not in page and "leider@p.example" in page  # the last leader stays


def test_deleting_a_round_or_partnership_leaves_nothing_behind(app, running, add_responses, make_round, session):
    round_, leader, url = running
    add_responses(round_, 5, comments={"youth": "weg ermee"})
    post(leader, url, url + "uitnodigingen", {"emails": "x@p.example"})
    other = make_round("Elders")
    add_responses(other, 5)
    tables = [t.name for t in db.metadata.sorted_tables]

    def counts():
        return {
            name: session.execute(select(func.count()).select_from(db.metadata.tables[name])).scalar()
            for name in tables
        }

    before = counts()
    refused = post(leader, url + "verwijderen", data={"confirm": "verkeerde naam"})
    assert refused.status_code == 422 and counts() == before
    post(leader, url + "verwijderen", data={"confirm": "T1"})
    after_round = counts()
    assert after_round["round"] == before["round"] - 1
    assert after_round["response"] == before["response"] - 5 and after_round["answer"] == before["answer"] - 5 * len(
        INSTRUMENT.items
    )
    assert after_round["comment"] == 0 and after_round["invitation"] == 0

    slug = round_.partnership.slug
    post(leader, f"/beheer/{slug}/verwijderen", data={"confirm": round_.partnership.name})
    remaining = counts()
    # Only the other partnership's rows (and the accounts) are left.
    assert remaining["partnership"] == 1 and remaining["round"] == 1 and remaining["response"] == 5
    assert remaining["membership"] == 0 and remaining["audit_event"] == 0
    assert leader.get(f"/beheer/{slug}/").status_code == 404


def test_an_existing_account_is_never_signed_in_by_an_invitation_link(app, running, make_user, session):
    """A leader invites the administrator's address and opens the link himself."""
    round_, leader, _ = running
    make_user("beheerder@p.example", admin=True)
    invited = post(
        leader,
        f"/beheer/{round_.partnership.slug}/",
        f"/beheer/{round_.partnership.slug}/leden",
        {"email": "beheerder@p.example", "role": "viewer"},
    )
    (welcome,) = links(invited.text, "welkom")
    thief = app.test_client()
    page = thief.get(welcome)
    assert "Log in met dat account" in page.text and "<form" not in page.text.split("<main")[1]
    # A post with a valid CSRF token reaches the view: still only "sign in first", nothing accepted.
    posted = thief.post(welcome, data={"csrf_token": csrf_from(thief.get("/inloggen").text)})
    assert posted.status_code == 200 and "Log in met dat account" in posted.text
    assert thief.get("/beheer/programmas/nieuw").status_code == 302  # still not signed in
    owner = app.test_client()
    login(owner, "beheerder@p.example")
    accepted = post(owner, welcome)
    assert accepted.status_code == 302


def test_outlook_style_lists_and_a_refused_list_stays_in_the_box(running, session, smtp):
    mailbox = smtp()
    round_, leader, url = running
    pasted = 'Jansen, Jan <jan@p.example>; "Bakker, Piet" <piet@p.example>\nlos@p.example'
    post(leader, url, url + "uitnodigingen", {"emails": pasted})
    assert sorted(recipient for recipient, _ in mailbox) == ["jan@p.example", "los@p.example", "piet@p.example"]
    bad = post(leader, url, url + "uitnodigingen", {"emails": "geen-adres; ook@fout"})
    assert bad.status_code == 422 and "geen-adres" in bad.text and "geen-adres; ook@fout</textarea>" in bad.text


def test_the_settings_form_posts_to_its_own_address_and_shows_what_is_stored(running, session, smtp):
    """After an invitation error the page shows the round's stored settings (not the
    invitation post's empty fields), and saving them goes to the round page, not to the
    invitations address: the title change is kept."""
    smtp()
    round_, leader, url = running
    stored = session.get(Round, round_.id)
    stored.hide_results_while_open = True
    session.commit()
    error = post(leader, url, url + "uitnodigingen", {"emails": ""})
    assert error.status_code == 422
    settings = error.text.split('id="settings-title"')[1]
    assert re.search(r'<form method="post" class="narrow" novalidate action="([^"]+)"', settings).group(1) == url
    assert re.search(r'<input checked[^>]*id="hide_results_while_open"', settings)
    assert f'value="{round_.title}"' in settings
    form = {
        "title": "T1 najaar",
        "instrument_version": "1",
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        "hide_results_while_open": "y",
    }
    saved = leader.post(url, data={**form, "csrf_token": csrf_from(error.text)})
    assert saved.status_code == 302
    session.expire_all()
    assert session.get(Round, round_.id).title == "T1 najaar"


def test_no_invitations_for_a_closed_round(running, session, smtp):
    smtp()
    round_, leader, url = running
    post(leader, url, url + "sluiten")
    refused = post(leader, url, url + "uitnodigingen", {"emails": "laat@p.example"})
    assert refused.status_code == 422 and "gesloten" in refused.text
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_reopen_and_compare_recovers_nobody(app, running, add_responses, session):
    """Issue 8, attack 1: close with 6 responses, save what the leader sees, reopen, let one
    person respond, close, compare. The release of five stays; the one waits, and four
    more are needed before anything moves, by at least five people."""
    round_, leader, url = running
    scoring = lambda value: lambda n, item: flip(value) if item.reverse else value  # noqa: E731  (every dimension scores `value`)
    add_responses(round_, 6, scoring(4))
    slug = round_.partnership.slug
    seen = [
        f"/api/partnerships/{slug}/rounds/{round_.id}",
        f"/dashboard/{slug}/rounds/{round_.id}/export/statements.csv",
        f"/dashboard/{slug}/export/scores.csv",
    ]
    post(leader, url, url + "sluiten")
    before = [leader.get(page).data for page in seen]
    assert leader.get(seen[0]).get_json()["respondents"] == 5
    post(leader, url, url + "openen")
    add_responses(round_, 1, scoring(1), comments={"youth": "de enige nieuwe"})
    post(leader, url, url + "sluiten")
    assert [leader.get(page).data for page in seen] == before
    assert "de enige nieuwe" not in leader.get(f"/dashboard/{slug}/?round={round_.id}").text
    post(leader, url, url + "openen")
    add_responses(round_, 3, scoring(1))  # ten now: a release with the five that waited (one 4, four 1s)
    body = leader.get(seen[0]).get_json()
    assert body["respondents"] == 10 and body["total"]["urgency"]["mean"] == pytest.approx((6 * 4 + 4 * 1) / 10)


def test_a_pending_invitation_can_be_withdrawn(app, running, session):
    round_, leader, _ = running
    slug = round_.partnership.slug
    invited = post(leader, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": "later@p.example", "role": "viewer"})
    (welcome,) = links(invited.text, "welkom")
    page = leader.get(f"/beheer/{slug}/").text
    withdraw = re.search(r'action="(/beheer/[^"]+/intrekken)"', page).group(1)
    post(leader, f"/beheer/{slug}/", withdraw)
    assert "/intrekken" not in leader.get(f"/beheer/{slug}/").text
    assert app.test_client().get(welcome).status_code == 404


def test_new_dates_that_reopen_a_closed_round_count_as_reopening(running, add_responses, session):
    round_, leader, url = running
    add_responses(round_, 6)
    slug = round_.partnership.slug
    post(leader, url, url + "sluiten")
    session.expire_all()
    closed = session.get(Round, round_.id)
    closed.closed_early, closed.closes_on = False, clock.today() - timedelta(days=1)
    session.commit()
    opened_before = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "round.opened")
    )
    post(
        leader,
        url,
        data={
            "title": "T1",
            "instrument_version": "1",
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": (clock.today() + timedelta(days=3)).isoformat(),
        },
    )
    session.expire_all()
    assert session.get(Round, round_.id).state().value == "open"
    assert (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "round.opened"))
        == opened_before + 1
    )
    # Reopening is nothing special for the results: the release of five stays shown, and its export.
    assert leader.get(f"/dashboard/{slug}/rounds/{round_.id}/export/statements.csv").status_code == 200


def test_a_member_invitation_without_a_role_is_refused(running, session):
    """The role's radio buttons show with Projectleider checked, but a post that leaves the
    role out invites nobody: it never falls back to that default."""
    round_, leader, _ = running
    slug = round_.partnership.slug
    page = leader.get(f"/beheer/{slug}/").text
    assert re.search(r'<input[^>]*checked[^>]*value="leader"|<input[^>]*value="leader"[^>]*checked', page)
    assert 'type="radio"' in page and "<select" not in page.split('id="members-title"')[1].split("</section>")[0]
    refused = post(leader, f"/beheer/{slug}/", f"/beheer/{slug}/leden", {"email": "zonder.rol@p.example"})
    assert "/welkom/" not in refused.text
    assert "zonder.rol@p.example" not in leader.get(f"/beheer/{slug}/").text
