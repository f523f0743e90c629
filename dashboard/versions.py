"""Rounds on different versions of the questionnaire, in one sentence for the pages that compare
them. By dimension they compare: every version has the same six dimension keys and a round is
scored with its own version. By statement only where a key is shared: a key that is in two
versions is the same statement (tests/test_instrument_v2.py), a changed statement has a new key.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from models import Round


def versions_sentence(rounds: Iterable[Round | None]) -> str:
    """Which rounds used which version, when they did not all use the same one (else ""):
    "T1 gebruikte versie 1 van de vragenlijst en T2 versie 2: de dimensies zijn te vergelijken,
    de stellingen alleen waar ze gelijk bleven." The rounds in the order they opened, each
    version named once, in the order it was first used; None is skipped."""
    ordered = sorted((r for r in rounds if r is not None), key=lambda r: (r.opens_on, r.id))
    titles: dict[int, list[str]] = {}
    for round_ in ordered:
        titles.setdefault(round_.instrument_version, []).append(round_.title)
    if len(titles) < 2:
        return ""
    locale = str(get_locale() or "nl")
    (first_version, first_titles), *later = titles.items()
    clauses = [
        ngettext(
            "%(rounds)s gebruikte versie %(version)d van de vragenlijst",
            "%(rounds)s gebruikten versie %(version)d van de vragenlijst",
            len(first_titles),
            rounds=format_list(first_titles, locale=locale),
            version=first_version,
        )
    ]
    clauses += [
        _("%(rounds)s versie %(version)d", rounds=format_list(names, locale=locale), version=version)
        for version, names in later
    ]
    return _(
        "%(versions)s: de dimensies zijn te vergelijken, de stellingen alleen waar ze gelijk bleven.",
        versions=format_list(clauses, locale=locale),
    )
