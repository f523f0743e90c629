"""The two blueprints of the management pages and what their modules share: form errors
as one message and the page that mails an account invitation."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

import mailer

from ..accounts import INVITATION_DAYS

bp = Blueprint("manage", __name__, url_prefix="/beheer")
welcome = Blueprint("welcome", __name__)


def errors_of(form) -> str:
    """A form's errors as one message, for a form whose page is elsewhere."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def account_invitation_page(email: str, link: str, name: str, back: str, role: str):
    """Mail the invitation link, saying what the tool is, for what and in which role, and who
    invites; show the link to copy only when it was not mailed. `role` says what the account
    may do, in words."""
    inviter = f"{current_user.name or current_user.email} ({current_user.email})"
    body = _(
        "%(inviter)s nodigt je uit voor de Samenwerkingsmonitor van %(name)s. Daarin vullen de partners "
        "van een samenwerkingsverband een korte, anonieme vragenlijst in, en zien de projectleiders per "
        "meting hoe de samenwerking scoort op zes dimensies.\n\n"
        "Je rol: %(role)s.\n\n"
        "Kies via deze link een wachtwoord (de link is 14 dagen geldig en werkt één keer):\n\n%(link)s\n\n"
        "Verwachtte je deze uitnodiging niet? Dan kun je deze e-mail negeren.",
        inviter=inviter,
        name=name,
        role=role,
        link=link,
    )
    failed = mailer.send_many([(email, _("Uitnodiging: Samenwerkingsmonitor %(name)s", name=name), body)])
    sent = mailer.mail_configured() and not failed
    return render_template(
        "manage/invitation_sent.html",
        links=[] if sent else [(email, link)],
        sent=int(sent),
        failed=len(failed),
        back=back,
        account=email,
        days=INVITATION_DAYS,
    )
