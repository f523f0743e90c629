"""The youth questionnaire (de jongerenversie) as data: surveys/instruments/youth_v1.toml.

Plain Python, like surveys/instrument.py, whose validation helpers it shares: a broken
file is refused with an `InstrumentError` that says what and where. Each statement names
the professionals' dimension it is shown beside; there are no profile questions and no
free text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .instrument import DIMENSION_KEYS, INSTRUMENT_DIR, InstrumentError, Scale, Text, _key, _require, _scale, _text

YOUTH_FILE = INSTRUMENT_DIR / "youth_v1.toml"
MIN_STATEMENTS, MAX_STATEMENTS = 8, 10


@dataclass(frozen=True)
class Statement:
    key: str
    dimension: str  # the professionals' dimension it is shown beside
    point: str  # the words of the source it asks about
    text: Text


@dataclass(frozen=True)
class YouthInstrument:
    version: int
    minutes: int
    title: Text
    intro: Text
    scale: Scale
    statements: tuple[Statement, ...]

    def statement(self, key: str) -> Statement:
        return next(s for s in self.statements if s.key == key)

    def dimensions(self) -> list[str]:
        """The professionals' dimensions the statements are shown beside, in instrument order."""
        used = {s.dimension for s in self.statements}
        return [key for key in DIMENSION_KEYS if key in used]


def _statement(raw: dict, index: int, seen: set[str]) -> Statement:
    if not isinstance(raw, dict):
        raise InstrumentError(f"statement {index + 1}: must be a table")
    key = _key(raw, f"statement {index + 1}", seen)
    where = f"statement '{key}'"
    dimension = _require(raw, "dimension", where, str)
    if dimension not in DIMENSION_KEYS:
        raise InstrumentError(f"{where}: unknown dimension '{dimension}' (expected one of {', '.join(DIMENSION_KEYS)})")
    unknown = set(raw) - {"key", "dimension", "point", "text"}
    if unknown:
        raise InstrumentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Statement(key, dimension, _require(raw, "point", where, str), _text(raw, "text", where))


def parse_youth_instrument(data: dict) -> YouthInstrument:
    for forbidden in ("profile", "comment_max_length"):
        if forbidden in data:
            raise InstrumentError(f"youth instrument: no '{forbidden}' (no profile questions, no free text)")
    seen: set[str] = set()
    statements = tuple(
        _statement(raw, n, seen) for n, raw in enumerate(_require(data, "statements", "youth instrument", list))
    )
    if not MIN_STATEMENTS <= len(statements) <= MAX_STATEMENTS:
        raise InstrumentError(
            f"youth instrument: {len(statements)} statements, expected {MIN_STATEMENTS} to {MAX_STATEMENTS}"
        )
    if "youth" not in {s.dimension for s in statements}:
        raise InstrumentError("youth instrument: no statement shown beside the dimension 'youth'")
    return YouthInstrument(
        version=_require(data, "version", "youth instrument", int),
        minutes=_require(data, "minutes", "youth instrument", int),
        title=_text(data, "title", "youth instrument"),
        intro=_text(data, "intro", "youth instrument"),
        scale=_scale(_require(data, "scale", "youth instrument", dict)),
        statements=statements,
    )


def load_youth_instrument(path: Path = YOUTH_FILE) -> YouthInstrument:
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise InstrumentError(f"{path.name}: {error}") from error
    try:
        return parse_youth_instrument(data)
    except InstrumentError as error:
        raise InstrumentError(f"{path.name}: {error}") from error


@cache
def get_youth_instrument() -> YouthInstrument:
    return load_youth_instrument()
