"""Every interface text has its English translation, and the compiled catalogue is current."""

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import BASE_DIR

CATALOG = BASE_DIR / "translations" / "en" / "LC_MESSAGES"


def source_messages() -> set:
    found = set()
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    keywords["lazy_ngettext"] = (1, 2)
    for filename, _line, message, _comments, _context in extract_from_dir(
        BASE_DIR, method_map, keywords=keywords, callback=None
    ):
        if not filename.startswith((".venv", "tests")):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_in_the_code_is_translated_to_english():
    with open(CATALOG / "messages.po", "rb") as file:
        catalog = read_po(file)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"untranslated (run pybabel extract/update and translate): {missing}"


def as_tuple(text) -> tuple:
    """Plural messages are lists in one reader and tuples in the other."""
    return tuple(text) if isinstance(text, (list, tuple)) else (text,)


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    for message in source:
        if message.id:
            stored = compiled.get(message.id)
            assert stored is not None and as_tuple(stored.string) == as_tuple(message.string), (
                f"messages.mo is stale for {message.id!r}: run pybabel compile -d translations"
            )
