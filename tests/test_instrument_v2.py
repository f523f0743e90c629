"""Instrument version 2 beside version 1 (plain Python, no database): the key rule for every
pair of versions (a key in two versions is one and the same statement, so rounds compare on
it), and version 2's own rules: six dimensions in order, five or six statements each with one
reverse-worded, every point a quote of its own thread in the source, B1 Dutch."""

import itertools
import re
from dataclasses import replace

import pytest

from surveys.instrument import (
    DIMENSION_KEYS,
    INSTRUMENT_DIR,
    Instrument,
    Text,
    available_versions,
    get_instrument,
)

from .by_hand import REVERSE_WORDED_V1, REVERSE_WORDED_V2
from .test_guide_data import source_sections

VERSIONS = available_versions(INSTRUMENT_DIR)
V1, V2 = get_instrument(1), get_instrument(2)
#: The v1 statements the issue names as asking two things or an intention.
DOUBLE_OR_INTENTION = (
    "urgency_ambition",
    "investment_meetings",
    "levels_policy",
    "investment_relations",
    "daring_try_out",
    "daring_wait_for_plans",
    "youth_lasting_support",
)


def key_conflicts(older: Instrument, newer: Instrument) -> list[str]:
    """Where a key of both versions is not the same statement: its words (nl or en), its
    reverse flag or its dimension differ."""
    before = {item.key: item for item in older.items}
    conflicts = []
    for item in newer.items:
        was = before.get(item.key)
        if was is None:
            continue
        for name in ("text", "reverse", "dimension"):
            if getattr(was, name) != getattr(item, name):
                conflicts.append(f"{item.key}: {name} differs between v{older.version} and v{newer.version}")
    return conflicts


@pytest.mark.parametrize("older, newer", list(itertools.combinations(VERSIONS, 2)))
def test_a_key_in_two_versions_is_the_same_statement(older, newer):
    assert key_conflicts(get_instrument(older), get_instrument(newer)) == []


def test_the_key_rule_catches_a_v1_key_reused_with_other_words():
    """What the test above guards against: a v1 key in v2 with one word changed, or flipped."""
    shared = next(item for item in V2.items if item.key in {i.key for i in V1.items})
    words = Text(shared.text.nl.replace("De partners", "Alle partners"), shared.text.en)
    reworded = item_replaced(V2, shared, text=words)
    assert key_conflicts(V1, reworded) == [f"{shared.key}: text differs between v1 and v2"]
    flipped = item_replaced(V2, shared, reverse=not shared.reverse)
    assert key_conflicts(V1, flipped) == [f"{shared.key}: reverse differs between v1 and v2"]


def item_replaced(instrument: Instrument, item, **changes) -> Instrument:
    """The instrument with one item's fields changed."""
    dimensions = tuple(
        replace(d, items=tuple(replace(i, **changes) if i is item else i for i in d.items))
        for d in instrument.dimensions
    )
    return replace(instrument, dimensions=dimensions)


def test_version_two_is_the_default_for_new_rounds():
    assert VERSIONS[-1] == 2 and get_instrument() == V2


def test_version_two_has_six_dimensions_in_order_each_with_five_or_six_statements_one_reverse():
    assert V2.version == 2
    assert tuple(d.key for d in V2.dimensions) == DIMENSION_KEYS
    assert tuple(d.thread for d in V2.dimensions) == (1, 2, 3, 4, 5, 6)
    for dimension in V2.dimensions:
        assert 5 <= len(dimension.items) <= 6, dimension.key
        assert sum(item.reverse for item in dimension.items) == 1, dimension.key
    # The titles stay; by_hand.py (which scores without the loader) knows the reverse ones.
    assert [d.title for d in V2.dimensions] == [d.title for d in V1.dimensions]
    assert {item.key for item in V2.items if item.reverse} == REVERSE_WORDED_V2
    assert {item.key for item in V1.items if item.reverse} == REVERSE_WORDED_V1


def test_version_one_keeps_one_reverse_statement_per_dimension_too():
    for dimension in V1.dimensions:
        assert sum(item.reverse for item in dimension.items) == 1, dimension.key


def quotes_normalised(text: str) -> str:
    """Whitespace as one space, curly quotes as straight ones."""
    text = text.replace("‘", "'").replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def test_every_point_of_version_two_is_a_quote_of_its_own_threads_section():
    sections = [quotes_normalised(section) for section in source_sections()]
    for dimension in V2.dimensions:
        section = sections[dimension.thread - 1]
        for item in dimension.items:
            assert quotes_normalised(item.point) in section, (item.key, item.point)


def test_the_statements_the_issue_names_as_double_are_gone_and_replaced_by_new_keys():
    v2_keys = {item.key for item in V2.items}
    assert not v2_keys & set(DOUBLE_OR_INTENTION)
    assert all(key in {item.key for item in V1.items} for key in DOUBLE_OR_INTENTION)


def new_statements() -> list:
    v1_keys = {item.key for item in V1.items}
    return [item for item in V2.items if item.key not in v1_keys]


def test_no_new_statement_asks_an_intention_or_a_but():
    for item in new_statements():
        words = re.findall(r"\w+", item.text.nl.lower())
        assert not {"wil", "willen", "wilt", "maar"} & set(words), item.key
        assert not {"want", "wants", "but"} & set(re.findall(r"\w+", item.text.en.lower())), item.key


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[?.!])\s+", text) if s]


def test_b1_short_sentences_in_new_statements_descriptions_and_intro():
    """As the discussion guide (tests/test_guide_data.py): no sentence over 15 words. Kept
    statements keep version 1's words, which the key rule requires."""
    texts = [item.text.nl for item in new_statements()] + [d.description.nl for d in V2.dimensions] + [V2.intro.nl]
    for text in texts:
        for sentence in sentences(text):
            assert len(sentence.split()) <= 15, sentence


def test_jargon_only_with_a_plain_gloss():
    texts = " ".join(item.text.nl for item in V2.items) + " ".join(d.description.nl for d in V2.dimensions)
    assert "beleidsniveau" not in texts.lower()
    assert texts.count("Thuiszitterspact") == texts.count("Thuiszitterspact (geen kind thuis zonder onderwijs)") == 1
    # The statement says what a "casusoverleg" is, and names it in brackets after that.
    assert texts.count("casusoverleg") == texts.count("bespreken samen de situatie van jongeren (casusoverleg)") == 1


def test_the_issues_source_points_are_measured():
    points = {item.key: quotes_normalised(item.point) for item in V2.items}
    for key, words in {
        "investment_right_people": "wie dan met wie om tafel moet",
        "investment_everyone_contributes": "het vraagt ook iets van alle betrokkenen",
        "youth_story": "diens verhaal",
        "youth_prevention": "(preventie)",
        "levels_hub_regions": "arbeidsmarktregio's verschillen bijvoorbeeld van schoolregio's",
        "levels_alderman": "een wethouder werd aangewezen als aanspreekpunt om sneller te kunnen schakelen",
        "daring_outside_remit": "leerlingen die uitgevallen zijn",
        "daring_may_fail": "durf en moed",
        "daring_try_unknown": "Waar de knelpunten zitten is vaak snel duidelijk, maar hoe je ze oplost niet",
    }.items():
        assert words in points[key], key
    assert "oud-leerlingen" not in " ".join(item.text.nl for item in V2.items)


def test_english_in_step_and_the_profile_unchanged():
    for item in V2.items:
        assert item.text.en and item.text.en != item.text.nl, item.key
    for dimension in V2.dimensions:
        assert dimension.description.en != dimension.description.nl
    assert V2.profile == V1.profile  # groups compare across versions by the same keys and labels


@pytest.mark.parametrize("version", VERSIONS)
def test_the_minutes_named_follow_the_number_of_statements(version):
    """About twenty seconds a statement, as version 1's ten minutes for thirty."""
    instrument = get_instrument(version)
    assert abs(instrument.minutes - len(instrument.items) / 3) < 1
