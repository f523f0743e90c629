"""Personal survey links: inviting respondents by email, reminding them, sending again what
was not sent. Links go only by email, never to the leader's screen."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required

import mailer
from auth.access import partnership_or_404, round_or_404
from auth.audit import record
from extensions import db
from models import Partnership, Role, Round, RoundState
from surveys.invitations import invite, parse_emails, remind, unsent

from ..forms import ActionForm, InvitationsForm, RoundForm
from ..survey_mail import send_survey_links
from .common import bp
from .rounds import render_round_page

MAX_INVITATIONS = 1000  # per paste


def round_page_with_error(
    partnership: Partnership, round_: Round, form: InvitationsForm, message: str | None = None, status: int = 422
):
    """The round page again, the pasted list still in the box and the problem named."""
    if message:
        form.emails.errors = [*form.emails.errors, message]
    return render_round_page(partnership, round_, RoundForm(formdata=None, obj=round_), form, status)  # stored settings


NO_MAIL = _l(
    "Persoonlijke uitnodigingen kunnen alleen per e-mail vanuit de app: er is geen mailserver ingesteld. "
    "Gebruik de open link of de QR-code."
)


@bp.post("/<slug>/metingen/<id:round_id>/uitnodigingen")
@login_required
def invite_respondents(slug: str, round_id: int):
    """Personal links go only by email: a leader who held them could try them and learn who
    responded. Without a mail server there are none."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    form = InvitationsForm()
    if not mailer.mail_configured():
        form.validate_on_submit()  # keep the pasted list in the box
        return round_page_with_error(partnership, round_, form, str(NO_MAIL), status=409)
    if round_.state() is RoundState.CLOSED:
        return round_page_with_error(partnership, round_, form, _("Deze meting is gesloten; heropen hem eerst."))
    if not form.validate_on_submit():
        return round_page_with_error(partnership, round_, form)
    pasted = parse_emails(form.emails.data)
    if not pasted.valid:
        return round_page_with_error(
            partnership,
            round_,
            form,
            _("Niets verstuurd: dit zijn geen geldige e-mailadressen: %(list)s", list=", ".join(pasted.invalid[:20])),
        )
    if len(pasted.valid) > MAX_INVITATIONS:
        return round_page_with_error(
            partnership, round_, form, _("Niets verstuurd: maximaal %(n)d adressen tegelijk.", n=MAX_INVITATIONS)
        )
    # The good addresses are invited; what was no address is listed on the result page, ready
    # to be corrected and sent: a leader expects the rest of the list to go out.
    links, skipped = invite(round_, pasted.valid)
    record(
        partnership,
        "invitations.sent",
        ngettext(
            "%(num)d uitnodiging voor %(title)s", "%(num)d uitnodigingen voor %(title)s", len(links), title=round_.title
        ),
    )
    db.session.commit()
    sent, failed = send_survey_links(round_, links, reminder=False)
    retry = InvitationsForm(formdata=None, emails="\n".join(pasted.invalid)) if pasted.invalid else None
    return render_template(
        "manage/invitation_sent.html",
        sent=sent,
        failed=failed,
        personal=True,
        skipped=skipped,
        pasted=pasted,
        retry=retry,
        retry_url=url_for(".invite_respondents", slug=slug, round_id=round_id),
        back=url_for(".round_page", slug=slug, round_id=round_id),
    )


def mail_links_again(slug: str, round_id: int, make_links, refused: str, logged, reminder: bool):
    """Reminders and resends alike: only by email and while the round is open; new links from
    `make_links(round_)`, logged with `logged(count, title)`, mailed, and a page that says how
    many went out (never a link)."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if round_.state() is not RoundState.OPEN or not mailer.mail_configured():
        flash(refused)
        return redirect(url_for(".round_page", slug=slug, round_id=round_id))
    links = make_links(round_)
    record(partnership, "invitations.reminded" if reminder else "invitations.sent", logged(len(links), round_.title))
    db.session.commit()
    sent, failed = send_survey_links(round_, links, reminder=reminder)
    return render_template(
        "manage/invitation_sent.html",
        sent=sent,
        failed=failed,
        reminder=reminder,
        personal=not reminder,
        back=url_for(".round_page", slug=slug, round_id=round_id),
    )


@bp.post("/<slug>/metingen/<id:round_id>/herinneren")
@login_required
def remind_respondents(slug: str, round_id: int):
    """A reminder to every invitee, with a fresh link each, whether they responded or not:
    what the leader sees (and what their mail server logs) is then the same whoever responded."""
    return mail_links_again(
        slug,
        round_id,
        remind,
        _("Herinneringen gaan alleen per e-mail, en alleen zolang de meting open is."),
        lambda n, title: ngettext(
            "%(num)d herinnering voor %(title)s", "%(num)d herinneringen voor %(title)s", n, title=title
        ),
        reminder=True,
    )


@bp.post("/<slug>/metingen/<id:round_id>/uitnodigingen/opnieuw")
@login_required
def resend_invitations(slug: str, round_id: int):
    """Mail again every invitation of the round whose mail was not sent, each with a new link."""
    return mail_links_again(
        slug,
        round_id,
        unsent,
        _("Opnieuw versturen kan alleen per e-mail, en alleen zolang de meting open is."),
        lambda n, title: ngettext(
            "%(num)d uitnodiging opnieuw voor %(title)s", "%(num)d uitnodigingen opnieuw voor %(title)s", n, title=title
        ),
        reminder=False,
    )
