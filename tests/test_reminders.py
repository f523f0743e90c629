"""Reminders that run themselves: a leader chooses on the round page the days before closing
on which every invitee gets a reminder; `flask daily` (cron) mails each chosen day's
reminder once, however often it runs, logs it in the audit log, and sends none for a closed
round. Mail goes through a real SMTP server (aiosmtpd)."""

import re
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

import clock
from models import AuditEvent, Invitation, Round

from .conftest import login, post_round_settings
from .test_manage import post, smtp  # noqa: F401  (fixtures)
from .test_personal_links import inbox


def invited_round(app, make_round, make_user, closes_in: int, emails: str):
    """An open round closing in `closes_in` days, its leader signed in, `emails` invited
    through the round page: (round, leader's client, round page URL)."""
    today = clock.today()
    round_ = make_round("T1", opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=closes_in))
    make_user("leider@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "leider@p.example")
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    post(leader, url, url + "uitnodigingen", {"emails": emails})
    return round_, leader, url


def test_chosen_reminders_go_out_once_on_their_days(app, runner, session, smtp, make_round, make_user):  # noqa: F811
    mailbox = smtp()
    today = clock.today()
    round_, leader, url = invited_round(app, make_round, make_user, 10, "een@p.example\ntwee@p.example")
    assert post_round_settings(leader, round_, reminders=["7", "2"]).status_code == 302
    page = leader.get(url).text
    assert re.search(r'<input checked[^>]*id="reminders-1"', page) and re.search(
        r'<input checked[^>]*id="reminders-3"', page
    )
    first_links = inbox(mailbox)
    mailbox.clear()

    def daily(on):
        with freeze_time(on):
            result = runner.invoke(args=["daily"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "0 reminder" not in daily(today) and mailbox == []  # 10 days before closing: nothing due
    output = daily(today + timedelta(days=3))  # 7 days before closing
    assert "T1: 2 reminder(s) sent, 0 failed." in output
    assert sorted(to for to, _ in mailbox) == ["een@p.example", "twee@p.example"]
    second_links = inbox(mailbox)
    assert set(second_links.values()).isdisjoint(first_links.values())  # fresh links, the old ones stop
    assert app.test_client().get(first_links["een@p.example"]).status_code == 404
    mailbox.clear()
    daily(today + timedelta(days=3))  # the same day again
    daily(today + timedelta(days=5))  # 5 days before: nothing chosen
    assert mailbox == []
    daily(today + timedelta(days=9))  # 1 day before: the 2-day reminder was missed, it goes now, once
    assert sorted(to for to, _ in mailbox) == ["een@p.example", "twee@p.example"]
    mailbox.clear()
    daily(today + timedelta(days=9))
    daily(today + timedelta(days=11))  # closed
    assert mailbox == []
    session.expire_all()
    assert session.get(Round, round_.id).reminders_sent == "7,2"
    logged = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "invitations.reminded").order_by(AuditEvent.id)
    ).all()
    assert logged == [
        "2 herinneringen voor T1 (automatisch, 7 dagen voor sluiten)",
        "2 herinneringen voor T1 (automatisch, 2 dagen voor sluiten)",
    ]
    assert all(i.reminded_on is not None for i in session.scalars(select(Invitation)))


def test_no_reminders_without_a_choice_or_a_mail_server(app, runner, session, smtp, make_round, make_user):  # noqa: F811
    mailbox = smtp()
    round_, leader, url = invited_round(app, make_round, make_user, 2, "een@p.example")
    mailbox.clear()
    assert runner.invoke(args=["daily"]).exit_code == 0 and mailbox == []  # no days chosen
    assert post_round_settings(leader, round_, reminders=["7"]).status_code == 302
    app.config["MAIL_SERVER"] = None
    output = runner.invoke(args=["daily"]).output
    assert "No MAIL_SERVER set" in output and mailbox == []
    session.expire_all()
    assert session.get(Round, round_.id).reminders_sent == ""  # not used up: it goes once mail is set up


def test_a_bad_reminder_choice_is_refused_in_dutch(app, session, smtp, make_round, make_user):  # noqa: F811
    smtp()
    round_ = make_round("T1")
    make_user("leider@p.example", round_.partnership)
    leader = app.test_client()
    login(leader, "leider@p.example")
    refused = post_round_settings(leader, round_, reminders=["5"])
    assert refused.status_code == 422 and "&#39;5&#39; is een ongeldige keuze voor dit veld." in refused.text
    session.expire_all()
    assert session.get(Round, round_.id).reminder_days == ""
