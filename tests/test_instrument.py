"""The instrument file and its loader (plain Python, no database)."""

import copy
import tomllib

import pytest

from surveys.instrument import (
    DIMENSION_KEYS,
    INSTRUMENT_DIR,
    InstrumentError,
    available_versions,
    get_instrument,
    load_instrument,
    parse_instrument,
)

RAW = tomllib.loads((INSTRUMENT_DIR / "v1.toml").read_text(encoding="utf-8"))


def raw() -> dict:
    return copy.deepcopy(RAW)


def test_version_one_has_six_dimensions_with_four_to_six_statements_each():
    instrument = get_instrument(1)
    assert instrument.version == 1
    assert tuple(d.key for d in instrument.dimensions) == DIMENSION_KEYS
    assert tuple(d.thread for d in instrument.dimensions) == (1, 2, 3, 4, 5, 6)
    for dimension in instrument.dimensions:
        assert 4 <= len(dimension.items) <= 6
        assert any(item.reverse for item in dimension.items), dimension.key
        assert all(item.point for item in dimension.items)
        assert all(item.text.nl != item.text.en for item in dimension.items)


def test_scale_has_five_labelled_points_and_a_dont_know():
    scale = get_instrument(1).scale
    assert [option.value for option in scale.options] == [1, 2, 3, 4, 5]
    assert scale.options[0].label.nl == "Helemaal oneens" and scale.options[-1].label.en == "Strongly agree"
    assert scale.unknown.nl.startswith("Weet ik niet")


def test_profile_asks_level_and_domain():
    instrument = get_instrument(1)
    level = instrument.profile_question("level")
    domain = instrument.profile_question("domain")
    assert [o.key for o in level.options] == ["werkvloer", "beleid", "bestuur", "geen_antwoord"]
    assert {o.key for o in domain.options} == {
        "onderwijs",
        "werk_inkomen",
        "zorg_jeugdhulp",
        "gemeente",
        "leerplicht_rmc",
        "jongere",
        "anders",
        "geen_antwoord",
    }


def test_latest_version_is_loaded_by_default_and_only_once():
    assert get_instrument().version == available_versions()[-1]
    assert get_instrument() is get_instrument(available_versions()[-1])


def test_instrument_is_frozen():
    with pytest.raises(AttributeError):
        get_instrument(1).dimensions[0].items[0].reverse = True  # type: ignore[misc]


def test_duplicate_item_key_is_refused():
    data = raw()
    data["dimensions"][1]["items"].append(dict(data["dimensions"][1]["items"][0]))
    with pytest.raises(InstrumentError, match="duplicate key 'investment_relations'"):
        parse_instrument(data)


def test_missing_translation_is_named():
    data = raw()
    del data["dimensions"][2]["items"][1]["text"]["en"]
    key = data["dimensions"][2]["items"][1]["key"]
    with pytest.raises(InstrumentError, match=f"item '{key}': missing translation 'en' of 'text'"):
        parse_instrument(data)


def test_empty_translation_is_refused():
    data = raw()
    data["scale"]["unknown"]["nl"] = "  "
    with pytest.raises(InstrumentError, match="scale: missing translation 'nl' of 'unknown'"):
        parse_instrument(data)


def test_dimension_without_statements_is_refused():
    data = raw()
    data["dimensions"][4]["items"] = []
    with pytest.raises(InstrumentError, match="dimension 'levels': dimension without statements"):
        parse_instrument(data)


def test_unknown_scale_value_is_refused():
    data = raw()
    data["scale"]["options"][4]["value"] = 7
    with pytest.raises(InstrumentError, match="unknown scale value 7"):
        parse_instrument(data)


def test_unknown_dimension_is_refused():
    data = raw()
    data["dimensions"][0]["key"] = "happiness"
    with pytest.raises(InstrumentError, match="unknown dimension"):
        parse_instrument(data)


def test_item_key_must_carry_its_dimension():
    data = raw()
    data["dimensions"][0]["items"][0]["key"] = "youth_misplaced"
    with pytest.raises(InstrumentError, match="must start with 'urgency_'"):
        parse_instrument(data)


def test_broken_toml_and_duplicate_toml_keys_name_the_file(tmp_path):
    path = tmp_path / "v1.toml"
    path.write_text("version = 1\nversion = 2\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="v1.toml"):
        load_instrument(path)


def test_file_name_must_match_version(tmp_path):
    path = tmp_path / "v2.toml"
    path.write_bytes((INSTRUMENT_DIR / "v1.toml").read_bytes())
    with pytest.raises(InstrumentError, match="holds version 1, expected file v1.toml"):
        load_instrument(path)


def test_unknown_version_is_refused():
    with pytest.raises(InstrumentError, match="no instrument version 99"):
        get_instrument(99)
