"""What text typed into a form may contain: one definition for every form (management, sign-in,
questionnaire) and for the guard in app.py.

Control characters are never typed on purpose. In a name, title, slug or address they break
what is built from it: a CR/LF in a partnership name ends up in an email's Subject header, a
NUL is refused by PostgreSQL (a 500). Line and paragraph separators (U+2028, U+2029) count as
line breaks too: mail and CSV readers split on them.
"""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

#: Allowed in multi-line fields (comments, pasted email lists): line breaks, and tabs, which a
#: list copied from a spreadsheet contains.
MULTI_LINE_ALLOWED = "\n\r\t"


def is_control(char: str) -> bool:
    """C0 and C1 control characters, DEL, and the Unicode line and paragraph separators."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def first_control_character(text: str, allowed: str = "") -> str | None:
    return next((char for char in text if char not in allowed and is_control(char)), None)


def without_control_characters(text: str | None) -> str | None:
    """Drop control characters but keep newlines and tabs (a filter for the questionnaire's
    comments: a respondent cannot see or remove an invisible character, so it is dropped
    rather than refused). Unicode line and paragraph separators become newlines."""
    if text is None:
        return None
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(char for char in text if char in "\n\t" or not is_control(char))


class NoControlCharacters:
    """A WTForms validator: the field may not hold control characters (except `allowed`)."""

    def __init__(self, allowed: str, message):
        self.allowed, self.message = allowed, message

    def __call__(self, form, field):
        if not isinstance(field.data, str):
            return
        char = first_control_character(field.data, self.allowed)
        if char is not None:
            raise ValidationError(self.message % {"code": f"U+{ord(char):04X}"})


#: For every single-line field: names, titles, slugs, email addresses, region.
single_line = NoControlCharacters(
    "",
    _l(
        "Hier passen geen regeleinden, tabs of andere onzichtbare stuurtekens (gevonden: %(code)s). "
        "Haal dat teken weg; deze tekst staat op één regel."
    ),
)
#: For multi-line fields (a pasted list of email addresses): line breaks and tabs only.
multi_line = NoControlCharacters(
    MULTI_LINE_ALLOWED,
    _l(
        "Hier passen alleen gewone tekens, regeleinden en tabs, geen andere onzichtbare stuurtekens "
        "(gevonden: %(code)s). Haal dat teken weg."
    ),
)


# --- Email addresses ------------------------------------------------------------------------

#: One @ with something on both sides and a dot after it; no spaces, and none of the characters
#: that separate or wrap addresses in a pasted list (",", ";", "<", ">"), so a list pasted into
#: a field for one address is refused instead of stored as one "address".
EMAIL_PATTERN = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def normal_email(text: str) -> str:
    """An address as it is stored and compared: without surrounding spaces, in lower case
    (people type their address with capitals one day and without the next)."""
    return text.strip().lower()


def is_email(text: str) -> bool:
    """The whole text is one address (fullmatch: a trailing newline is not allowed either)."""
    return EMAIL_PATTERN.fullmatch(text) is not None


def strip(value):
    """A WTForms filter: text without surrounding spaces, anything else (None) unchanged."""
    return value.strip() if isinstance(value, str) else value


def email_filter(value):
    """A WTForms filter: normal_email for text, anything else (None) unchanged."""
    return normal_email(value) if isinstance(value, str) else value


def email_address(form, field):
    """A WTForms validator: the field holds one email address."""
    if isinstance(field.data, str) and field.data and not is_email(field.data):
        raise ValidationError(_l("Dit is geen geldig e-mailadres."))


# --- Slugs ----------------------------------------------------------------------------------

#: Short names of partnerships and programmes: they end up in URLs and download file names.
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


#: Slugs that name pages of the app beside /dashboard/<slug>/: a partnership by such a name
#: would never be reached.
RESERVED_SLUGS = frozenset({"kwaliteit", "programma"})


def is_slug(text: str) -> bool:
    """fullmatch, never match(...$): `$` also matches before a final newline ("twente\\n")."""
    return SLUG_PATTERN.fullmatch(text) is not None


def slug_rule(form, field):
    """A WTForms validator: the field holds a slug that no page of the app uses."""
    if isinstance(field.data, str) and field.data and not is_slug(field.data):
        raise ValidationError(_l("Alleen kleine letters, cijfers en streepjes."))
    if field.data in RESERVED_SLUGS:
        raise ValidationError(_l("Deze korte naam gebruikt de app zelf al; kies een andere."))
