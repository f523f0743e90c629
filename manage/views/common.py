"""The two blueprints of the management pages and what their modules share: links for
outside the app and the page that mails an account invitation."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

import mailer
from models import Round

bp = Blueprint("manage", __name__, url_prefix="/beheer")
welcome = Blueprint("welcome", __name__)


def errors_of(form) -> str:
    """A form's errors as one message, for a form whose page is elsewhere."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for outside the app (emails, the open link, the QR code), always on
    PUBLIC_URL: the request's Host header is the client's to choose, so a forged one must
    never end up in a link someone else will follow."""
    path = current_app.url_map.bind("public.invalid", script_name="/").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path


def survey_url(round_: Round) -> str:
    return public_url("surveys.display_intro", code=round_.public_code)


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
