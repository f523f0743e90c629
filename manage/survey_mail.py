"""Mail to respondents, from a page or from `flask daily`: absolute links on PUBLIC_URL and
the survey links of a round. No views: the management pages and the commands share it."""

from __future__ import annotations

from datetime import date

from flask import current_app, has_request_context, render_template
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

import mailer
from auth.audit import record
from extensions import db
from models import Invitation, Partnership, Round, User
from surveys.instrument import get_instrument
from surveys.invitations import record_mail, remind


def public_url(endpoint: str, **values) -> str:
    """An absolute link for outside the app (emails, the open link, the QR code), always on
    PUBLIC_URL: the request's Host header is the client's to choose, so a forged one must
    never end up in a link someone else will follow."""
    path = current_app.url_map.bind("public.invalid", script_name="/").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path


def survey_url(round_: Round) -> str:
    return public_url("surveys.display_intro", code=round_.public_code)


def youth_url(round_: Round) -> str:
    """The open link of the youth questionnaire (de jongerenversie)."""
    return public_url("youth.questionnaire", youth_code=round_.youth_code)


def contact(partnership: Partnership) -> User | None:
    """Who a respondent can write to about a survey mail: the leader who sends it, or (for the
    daily run) the partnership's first leader."""
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return partnership.first_leader()


def survey_mail(round_: Round, reminder: bool, url: str) -> mailer.Mail:
    """One survey mail, as text with an HTML alternative: the leader's own opening paragraph,
    the partnership, until when the round is open (the day in words), the link, how anonymity
    is kept and where the privacy statement is, and who sends it (Reply-To them). The recipient
    is left empty: the caller fills it in."""
    name = mailer.single_line(round_.partnership.name)
    subject = _("Herinnering: vragenlijst %(name)s", name=name) if reminder else _("Vragenlijst %(name)s", name=name)
    sender = contact(round_.partnership)
    context = {
        "partnership": name,
        "opening": round_.mail_opening,
        "reminder": reminder,
        "day": format_date(round_.closes_on, "long"),
        "minutes": get_instrument(round_.instrument_version).minutes,
        "min_size": current_app.config["MIN_GROUP_SIZE"],
        "privacy_url": public_url("privacy"),
        "sender": (mailer.single_line(sender.name or sender.email), sender.email) if sender else None,
        "url": url,
    }
    text = render_template("mail/survey_link.txt", **context)
    html = render_template("mail/survey_link.html", **context)
    return mailer.Mail("", subject, text, html, sender.email if sender else None)


def send_survey_links(round_: Round, links: list[tuple[Invitation, str]], reminder: bool) -> tuple[int, int]:
    """Email each link (one connection for all) and record in the outbox what happened to
    each mail. The links were committed before: a failing mail never loses an invitation,
    and a link is never shown to the leader. Returns (sent, failed)."""
    messages = [
        survey_mail(round_, reminder, public_url("personal.personal_link", token=token))._replace(to=invitation.email)
        for invitation, token in links
    ]
    failed = set(mailer.send_many(messages))
    record_mail([invitation for invitation, _token in links], failed)
    return len(links) - len(failed), len(failed)


def send_due_reminders(today: date) -> list[tuple[Round, int, int]]:
    """The reminders of every open round whose day has come (the days the leader chose), each
    once: the days are claimed in the round before anything is mailed, with a check that no
    other run claimed them first, so two runs at once or one run twice mail nobody twice. A
    missed day goes out on the next run, as one reminder. Returns (round, sent, failed) per
    round that reminded anyone. Nothing without a mail server (personal links go only by mail)."""
    if not mailer.mail_configured():
        return []
    done = []
    candidates = select(Round.id).where(Round.reminder_days != "", Round.closes_on >= today)
    for round_id in db.session.scalars(candidates).all():
        round_ = db.session.get(Round, round_id)
        due = round_.reminders_due(today)
        if not due:
            continue
        before = round_.reminders_sent
        after = ",".join(str(d) for d in sorted({*due, *(int(d) for d in before.split(",") if d)}, reverse=True))
        claimed = db.session.execute(
            update(Round).where(Round.id == round_.id, Round.reminders_sent == before).values(reminders_sent=after)
        ).rowcount
        if claimed != 1:  # another run got there first
            db.session.rollback()
            continue
        links = remind(round_)
        if links:
            record(
                round_.partnership,
                "invitations.reminded",
                ngettext(
                    "%(num)d herinnering voor %(title)s (automatisch, %(days)s dagen voor sluiten)",
                    "%(num)d herinneringen voor %(title)s (automatisch, %(days)s dagen voor sluiten)",
                    len(links),
                    title=round_.title,
                    days=", ".join(str(d) for d in due),
                ),
            )
        db.session.commit()  # the links and the claim, before any mail goes out
        if links:
            sent, failed = send_survey_links(round_, links, reminder=True)
            done.append((round_, sent, failed))
    return done
