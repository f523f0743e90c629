"""The discussion guide's data: the source document's threads and their points
(instruments/threads.toml, quotes from instruments/bron.txt) and the discussion questions per
kind of point and dimension (instruments/guide.toml). Plain Python, no Flask.

A broken file is refused with a `GuideError` that names the problem and where it is."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .instrument import DIMENSION_KEYS, INSTRUMENT_DIR, KEY_PATTERN, LANGUAGES, Text

THREADS_FILE = INSTRUMENT_DIR / "threads.toml"
GUIDE_FILE = INSTRUMENT_DIR / "guide.toml"
#: The kinds of point the guide raises (see dashboard/guide.py for how each is chosen).
KINDS = ("weakest", "disagreement", "level_gap", "domain_gap", "change", "unknown")
MIN_QUESTIONS, MAX_QUESTIONS = 2, 3


class GuideError(ValueError):
    """The guide's data cannot be used; the message says why and where."""


@dataclass(frozen=True)
class Point:
    key: str
    quote: str  # verbatim from the source document (Dutch)


@dataclass(frozen=True)
class Thread:
    number: int
    title: Text
    dimension: str
    points: tuple[Point, ...]

    def point(self, key: str) -> Point | None:
        return next((point for point in self.points if point.key == key), None)


@dataclass(frozen=True)
class Question:
    kind: str
    dimension: str
    thread: Thread
    point: Point
    text: Text


@dataclass(frozen=True)
class Guide:
    threads: tuple[Thread, ...]
    questions: tuple[Question, ...]

    def thread(self, number: int) -> Thread | None:
        return next((thread for thread in self.threads if thread.number == number), None)

    def questions_for(self, kind: str, dimension: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == kind and q.dimension == dimension)


def _require(data: dict, name: str, where: str, kind: type):
    if name not in data:
        raise GuideError(f"{where}: missing '{name}'")
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise GuideError(f"{where}: '{name}' must be a {kind.__name__}")
    return value


def _text(raw: str, where: str, name: str) -> str:
    if not raw.strip():
        raise GuideError(f"{where}: '{name}' is empty")
    return raw.strip()


def _point(raw: dict, where: str, seen: set[str]) -> Point:
    key = _require(raw, "key", where, str)
    if not KEY_PATTERN.match(key):
        raise GuideError(f"{where}: key '{key}' must be lowercase letters, digits and _")
    if key in seen:
        raise GuideError(f"{where}: duplicate point key '{key}'")
    seen.add(key)
    return Point(key, _text(_require(raw, "quote", f"point '{key}'", str), f"point '{key}'", "quote"))


def parse_threads(data: dict) -> tuple[Thread, ...]:
    raw_threads = _require(data, "threads", "threads", list)
    threads, seen = [], set()
    for index, raw in enumerate(raw_threads):
        where = f"thread {index + 1}"
        number = _require(raw, "number", where, int)
        if number != index + 1:
            raise GuideError(f"{where}: number {number}, expected {index + 1} (threads in order)")
        title = Text(
            _text(_require(raw, "title", where, str), where, "title"),
            _text(_require(raw, "title_en", where, str), where, "title_en"),
        )
        raw_points = _require(raw, "points", where, list)
        points = tuple(_point(p, f"{where}, point {n + 1}", seen) for n, p in enumerate(raw_points))
        if not points:
            raise GuideError(f"{where}: thread without points")
        threads.append(Thread(number, title, _require(raw, "dimension", where, str), points))
    dimensions = tuple(thread.dimension for thread in threads)
    if dimensions != DIMENSION_KEYS:
        raise GuideError(f"threads: dimensions must be {', '.join(DIMENSION_KEYS)} in that order, not {dimensions}")
    return tuple(threads)


def _question(raw: dict, kind: str, dimension: str, where: str, threads: tuple[Thread, ...]) -> Question:
    if not isinstance(raw, dict):
        raise GuideError(f"{where}: a question must be a table {{thread, point, nl, en}}")
    number = _require(raw, "thread", where, int)
    thread = next((t for t in threads if t.number == number), None)
    if thread is None:
        raise GuideError(f"{where}: no thread {number} in threads.toml")
    key = _require(raw, "point", where, str)
    point = thread.point(key)
    if point is None:
        raise GuideError(f"{where}: thread {number} has no point '{key}'")
    texts = {}
    for language in LANGUAGES:
        if not isinstance(raw.get(language), str) or not raw[language].strip():
            raise GuideError(f"{where}: missing translation '{language}'")
        texts[language] = raw[language].strip()
    return Question(kind, dimension, thread, point, Text(**texts))


def parse_guide(data: dict, threads: tuple[Thread, ...]) -> Guide:
    unknown = set(data) - set(KINDS)
    if unknown:
        raise GuideError(f"guide: unknown kind(s) {', '.join(sorted(unknown))} (expected {', '.join(KINDS)})")
    questions = []
    for kind in KINDS:
        table = _require(data, kind, "guide", dict)
        if set(table) - set(DIMENSION_KEYS):
            raise GuideError(f"[{kind}]: unknown dimension(s) {', '.join(sorted(set(table) - set(DIMENSION_KEYS)))}")
        for dimension in DIMENSION_KEYS:
            raw = _require(table, dimension, f"[{kind}]", list)
            if not MIN_QUESTIONS <= len(raw) <= MAX_QUESTIONS:
                raise GuideError(
                    f"[{kind}] {dimension}: {len(raw)} questions, expected {MIN_QUESTIONS} to {MAX_QUESTIONS}"
                )
            where = f"[{kind}] {dimension}"
            questions += [
                _question(question, kind, dimension, f"{where}, question {n + 1}", threads)
                for n, question in enumerate(raw)
            ]
    return Guide(threads, tuple(questions))


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise GuideError(str(error)) from error


def load_guide(threads_path: Path = THREADS_FILE, guide_path: Path = GUIDE_FILE) -> Guide:
    try:
        threads = parse_threads(_read(threads_path))
    except GuideError as error:
        raise GuideError(f"{threads_path.name}: {error}") from error
    try:
        return parse_guide(_read(guide_path), threads)
    except GuideError as error:
        raise GuideError(f"{guide_path.name}: {error}") from error


@cache
def get_guide() -> Guide:
    """The guide, loaded once per process."""
    return load_guide()


# --- where young people and professionals differ ----------------------------------------------

#: Two figures on the 1-5 scale "differ" when at least half a point apart: half the width of
#: the middle band (3.0 to 4.0), so the two can sit in different bands. The guide uses it for
#: levels and domains (dashboard/guide.py) and for a youth statement's mean (1 "helemaal niet
#: waar" to 5 "helemaal waar") against the professionals' score on its dimension. For the
#: youth no test of chance: the two numbers answer different questions (one sentence about
#: one's own help, a dimension of the collaboration), so the point starts a conversation and
#: claims no finding.
GAP = 0.5
YOUTH_DIFFERENCES = 3  # at most this many statements, the largest differences first
#: The source's words on the young person's own story (thread 4) that the youth prompts cite:
#: the young person as the starting point, people who know them directly, the young person
#: joining the talk.
YOUTH_THREAD = 4
YOUTH_POINTS = ("youth_centre", "youth_direct", "youth_participates")
_ROUNDING = 1e-9  # 3.5 against 4.0 is half a point, however the means were summed


@dataclass(frozen=True)
class YouthDifference:
    statement: object  # the youth statement (surveys.youth.Statement)
    youth_mean: float
    professional_mean: float

    @property
    def difference(self) -> float:
        """The young people's mean minus the professionals' score: below 0, less positive."""
        return self.youth_mean - self.professional_mean

    @property
    def youth_lower(self) -> bool:
        return self.difference < 0


def youth_differences(rows, minimum: float = GAP, limit: int = YOUTH_DIFFERENCES) -> list[YouthDifference]:
    """The statements whose young people's mean differs most from the professionals' score on
    the matching dimension. `rows`: (statement, youth mean or None, professionals' mean or
    None) in the instrument's order; a statement without either figure (not shown) is left out.
    At least `minimum` apart, largest first (ties in the instrument's order), at most `limit`."""
    differences = [
        YouthDifference(statement, youth, professionals)
        for statement, youth, professionals in rows
        if youth is not None and professionals is not None
    ]
    notable = [d for d in differences if abs(d.difference) >= minimum - _ROUNDING]
    return sorted(notable, key=lambda d: -abs(d.difference))[:limit]
