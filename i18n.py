"""Interface language: Dutch unless the visitor chose English with the switch (?lang=en,
or the switch button on a questionnaire page). The choice lives in the session."""

from urllib.parse import urlencode

from flask import has_request_context, request, session
from flask_babel import get_locale

LANGUAGES = ("nl", "en")
DEFAULT = "nl"


def select_language() -> str:
    """Flask-Babel's locale selector; Dutch for a command (its mails and log lines)."""
    return session.get("lang", DEFAULT) if has_request_context() else DEFAULT


def choose_language(language: str) -> None:
    if language in LANGUAGES:
        session["lang"] = language


def remember_language_choice() -> None:
    """Before every request: a ?lang= argument switches the language."""
    choose_language(request.args.get("lang", ""))


def current_language() -> str:
    return str(get_locale() or DEFAULT)


def language_url(language: str) -> str:
    """The current page (path and query) in another language."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return f"{request.path}?{urlencode(args + [('lang', language)])}"
