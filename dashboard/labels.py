"""The names of an instrument's dimensions and profile options in the interface language."""

from __future__ import annotations

from i18n import current_language
from surveys.instrument import Instrument, get_instrument


def dimension_titles(instrument: Instrument | None = None) -> dict[str, str]:
    instrument = instrument or get_instrument()
    return {d.key: d.title.get(current_language()) for d in instrument.dimensions}


def option_labels(instrument: Instrument, question: str) -> dict[str, str]:
    return {o.key: o.label.get(current_language()) for o in instrument.profile_question(question).options}
