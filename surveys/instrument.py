"""The questionnaire as data: load a versioned TOML instrument into frozen dataclasses.

Plain Python (no Flask, no database). A broken file is refused with an
`InstrumentError` that names the problem and where it is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
LANGUAGES = ("nl", "en")
DIMENSION_KEYS = ("urgency", "investment", "momentum", "youth", "levels", "daring")
SCALE_VALUES = (1, 2, 3, 4, 5)
UNKNOWN = "dk"  # the raw answer "weet ik niet / n.v.t." (forms and stored drafts), never a score
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class InstrumentError(ValueError):
    """The instrument file cannot be used; the message says why and where."""


@dataclass(frozen=True)
class Text:
    """One text in every interface language."""

    nl: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class ScaleOption:
    value: int
    label: Text


@dataclass(frozen=True)
class Scale:
    options: tuple[ScaleOption, ...]
    unknown: Text  # "weet ik niet / n.v.t.": stored as no value


@dataclass(frozen=True)
class Item:
    key: str
    dimension: str
    point: str  # which point of the source document's thread the item measures
    reverse: bool
    text: Text


@dataclass(frozen=True)
class Dimension:
    key: str
    thread: int  # number of the thread (rode draad) in the source document
    title: Text
    description: Text
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ProfileOption:
    key: str
    label: Text


@dataclass(frozen=True)
class ProfileQuestion:
    key: str
    question: Text
    options: tuple[ProfileOption, ...]

    def option(self, key: str) -> ProfileOption:
        return next(option for option in self.options if option.key == key)


@dataclass(frozen=True)
class Instrument:
    version: int
    minutes: int
    comment_max_length: int
    title: Text
    intro: Text
    scale: Scale
    dimensions: tuple[Dimension, ...]
    profile: tuple[ProfileQuestion, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for dimension in self.dimensions for item in dimension.items)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def profile_question(self, key: str) -> ProfileQuestion:
        return next(q for q in self.profile if q.key == key)


# --- loading -------------------------------------------------------------------------


def _require(data: dict, name: str, where: str, kind: type = object):
    if name not in data:
        raise InstrumentError(f"{where}: missing '{name}'")
    value = data[name]
    if kind is not object and not isinstance(value, kind):
        raise InstrumentError(f"{where}: '{name}' must be a {kind.__name__}")
    return value


def _text(data: dict, name: str, where: str) -> Text:
    value = _require(data, name, where, dict)
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(f"{where}: missing translation '{language}' of '{name}'")
    return Text(**{language: value[language].strip() for language in LANGUAGES})


def _label(data: dict, where: str) -> Text:
    """A label written inline as {key/value = ..., nl = ..., en = ...}."""
    return _text({"label": data}, "label", where)


def _key(data: dict, where: str, seen: set[str]) -> str:
    key = _require(data, "key", where, str)
    if not KEY_PATTERN.match(key):
        raise InstrumentError(f"{where}: key '{key}' must be lowercase letters, digits and _")
    if key in seen:
        raise InstrumentError(f"{where}: duplicate key '{key}'")
    seen.add(key)
    return key


def _scale(data: dict) -> Scale:
    options = []
    for index, raw in enumerate(_require(data, "options", "scale", list)):
        where = f"scale option {index + 1}"
        value = _require(raw, "value", where)
        if value not in SCALE_VALUES or isinstance(value, bool):
            raise InstrumentError(f"{where}: unknown scale value {value!r} (allowed 1-5)")
        options.append(ScaleOption(value, _label(raw, where)))
    values = [option.value for option in options]
    if values != list(SCALE_VALUES):
        raise InstrumentError(f"scale: values must be 1, 2, 3, 4, 5 in order, not {values}")
    return Scale(tuple(options), _text(data, "unknown", "scale"))


def _item(raw: dict, dimension: str, where: str, seen: set[str]) -> Item:
    key = _key(raw, where, seen)
    where = f"item '{key}'"
    if not key.startswith(dimension + "_"):
        raise InstrumentError(f"{where}: key must start with '{dimension}_'")
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool):
        raise InstrumentError(f"{where}: 'reverse' must be true or false")
    return Item(key, dimension, _require(raw, "point", where, str), reverse, _text(raw, "text", where))


def _dimension(raw: dict, index: int, seen: set[str]) -> Dimension:
    key = _key(raw, f"dimension {index + 1}", seen)
    where = f"dimension '{key}'"
    if key not in DIMENSION_KEYS:
        raise InstrumentError(f"{where}: unknown dimension (expected one of {', '.join(DIMENSION_KEYS)})")
    raw_items = raw.get("items") or []
    if not raw_items:
        raise InstrumentError(f"{where}: dimension without statements")
    items = tuple(_item(item, key, f"{where}, statement {n + 1}", seen) for n, item in enumerate(raw_items))
    return Dimension(
        key=key,
        thread=_require(raw, "thread", where, int),
        title=_text(raw, "title", where),
        description=_text(raw, "description", where),
        items=items,
    )


def _profile(raw: dict, index: int, seen: set[str]) -> ProfileQuestion:
    key = _key(raw, f"profile question {index + 1}", seen)
    where = f"profile question '{key}'"
    option_keys: set[str] = set()
    options = tuple(
        ProfileOption(_key(option, f"{where}, option {n + 1}", option_keys), _label(option, f"{where}, option {n + 1}"))
        for n, option in enumerate(_require(raw, "options", where, list))
    )
    if not options:
        raise InstrumentError(f"{where}: question without options")
    return ProfileQuestion(key, _text(raw, "question", where), options)


def parse_instrument(data: dict) -> Instrument:
    """Validate parsed TOML data and build the instrument."""
    keys: set[str] = set()
    dimensions = tuple(
        _dimension(raw, n, keys) for n, raw in enumerate(_require(data, "dimensions", "instrument", list))
    )
    if tuple(d.key for d in dimensions) != DIMENSION_KEYS:
        raise InstrumentError(f"instrument: dimensions must be {', '.join(DIMENSION_KEYS)} in that order")
    comment_max_length = _require(data, "comment_max_length", "instrument", int)
    if comment_max_length < 1:
        raise InstrumentError("instrument: 'comment_max_length' must be positive")
    return Instrument(
        version=_require(data, "version", "instrument", int),
        minutes=_require(data, "minutes", "instrument", int),
        comment_max_length=comment_max_length,
        title=_text(data, "title", "instrument"),
        intro=_text(data, "intro", "instrument"),
        scale=_scale(_require(data, "scale", "instrument", dict)),
        dimensions=dimensions,
        profile=tuple(_profile(raw, n, keys) for n, raw in enumerate(_require(data, "profile", "instrument", list))),
    )


def load_instrument(path: Path) -> Instrument:
    """Read and validate one instrument file; the version inside must match `v<N>.toml`."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        # tomllib itself refuses a key defined twice in one table.
        raise InstrumentError(f"{path.name}: {error}") from error
    try:
        instrument = parse_instrument(data)
    except InstrumentError as error:
        raise InstrumentError(f"{path.name}: {error}") from error
    if path.stem != f"v{instrument.version}":
        raise InstrumentError(
            f"{path.name}: holds version {instrument.version}, expected file v{instrument.version}.toml"
        )
    return instrument


def available_versions(directory: Path = INSTRUMENT_DIR) -> list[int]:
    return sorted(int(path.stem[1:]) for path in directory.glob("v*.toml") if path.stem[1:].isdigit())


def get_instrument(version: int | None = None) -> Instrument:
    """The instrument of one version (the latest when None), loaded once per process."""
    return _load_version(available_versions()[-1] if version is None else version)


@cache
def _load_version(version: int) -> Instrument:
    path = INSTRUMENT_DIR / f"v{version}.toml"
    if not path.exists():
        raise InstrumentError(f"no instrument version {version} in {INSTRUMENT_DIR}")
    return load_instrument(path)
