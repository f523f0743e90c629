"""The two blueprints of the management pages and what their modules share: form errors
as one message and the page that mails an account invitation."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

import mailer

bp = Blueprint("manage", __name__, url_prefix="/beheer")
welcome = Blueprint("welcome", __name__)


def errors_of(form) -> str:
    """A form's errors as one message, for a form whose page is elsewhere."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def account_invitation_page(email: str, link: str, name: str, back: str):
    """Mail the invitation link; show it to copy only when it was not mailed."""
    body = _(
        "Je bent uitgenodigd voor de Samenwerkingsmonitor van %(name)s. "
        "Kies via deze link een wachtwoord (de link is 14 dagen geldig):\n\n%(link)s",
        name=name,
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
    )
