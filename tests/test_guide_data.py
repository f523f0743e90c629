"""The discussion guide's data beside the instrument: the source's six threads with verbatim
quotes, and questions for every kind of point and dimension in Dutch and English, each naming
a real point of a thread."""

import re
import tomllib

import pytest

from surveys.guide import GUIDE_FILE, KINDS, THREADS_FILE, GuideError, load_guide, parse_guide, parse_threads
from surveys.instrument import DIMENSION_KEYS, INSTRUMENT_DIR

SOURCE = INSTRUMENT_DIR / "bron.txt"
# The source's headings as a reader sees them (written out here, not taken from threads.toml).
HEADINGS = [
    "1. Een gedeelde urgentie en ambitie",
    "2. Investeren in de samenwerking",
    "3. Momentum door grotere beweging(en)",
    "4. De jongere en diens vragen centraal",
    "5. Een plek voor regionale samenwerking op verschillende niveaus",
    "6. Durven en doen",
]


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_sections() -> list[str]:
    """The source's text from each heading to the next (the last to the end)."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#"), "bron.txt starts with a comment line saying what it is"
    text = normalised("\n".join(lines[1:]))
    starts = [text.index(heading) for heading in HEADINGS]
    assert starts == sorted(starts)
    return [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)], strict=True)]


def raw(path):
    with open(path, "rb") as file:
        return tomllib.load(file)


def test_the_source_copy_is_the_shared_document_word_for_word():
    body = SOURCE.read_text(encoding="utf-8").split("\n", 1)[1]
    assert "Thuiszitterspact" in body and len(normalised(body)) > 5000


def test_six_threads_in_the_source_order_each_measured_by_its_dimension():
    threads = raw(THREADS_FILE)["threads"]
    assert [t["number"] for t in threads] == [1, 2, 3, 4, 5, 6]
    assert [t["dimension"] for t in threads] == list(DIMENSION_KEYS)
    assert [f"{t['number']}. {t['title']}" for t in threads] == HEADINGS


def test_every_quote_is_verbatim_in_its_own_threads_section():
    sections = source_sections()
    threads = raw(THREADS_FILE)["threads"]
    for thread, section in zip(threads, sections, strict=True):
        assert len(thread["points"]) >= 4, thread["number"]
        for point in thread["points"]:
            quote = normalised(point["quote"])
            assert quote in section, (thread["number"], point["key"])
            others = [s for s in sections if s is not section]
            assert not any(quote in other for other in others), point["key"]


def test_every_dimension_has_two_or_three_questions_per_kind_in_both_languages_naming_a_real_point():
    threads = {t["number"]: {p["key"] for p in t["points"]} for t in raw(THREADS_FILE)["threads"]}
    data = raw(GUIDE_FILE)
    assert set(data) == set(KINDS)
    for kind in KINDS:
        for dimension in DIMENSION_KEYS:
            questions = data[kind][dimension]
            assert 2 <= len(questions) <= 3, (kind, dimension)
            for question in questions:
                assert question["point"] in threads[question["thread"]], (kind, dimension, question)
                assert question["nl"].strip() and question["en"].strip(), (kind, dimension)
                assert question["nl"] != question["en"]


def test_the_issues_examples_are_among_the_questions():
    guide = load_guide()
    texts = {
        (q.kind, q.dimension): [x.text.nl for x in guide.questions_for(q.kind, q.dimension)] for q in guide.questions
    }
    assert "Wie moet er nog aan tafel komen?" in texts["weakest", "investment"]
    assert "Met welk klein groepje jongeren beginnen we morgen?" in texts["weakest", "daring"]
    assert "Is er een wethouder die ons vaste aanspreekpunt is?" in texts["weakest", "levels"]
    assert any("landelijke afspraken" in text for text in texts["weakest", "momentum"])


def test_b1_dutch_short_sentences():
    """B1: no sentence of a question longer than 15 words."""
    for question in load_guide().questions:
        for sentence in re.split(r"(?<=[?.!])\s+", question.text.nl):
            assert len(sentence.split()) <= 15, sentence


def test_the_loader_gives_the_questions_with_their_thread_and_point():
    guide = load_guide()
    (first, *_rest) = guide.questions_for("weakest", "investment")
    assert first.thread.number == 2 and first.point.key == "investment_table"
    assert first.text.get("en") == "Who still has to come to the table?"
    assert len(guide.questions) == sum(len(raw(GUIDE_FILE)[k][d]) for k in KINDS for d in DIMENSION_KEYS)


# --- broken files are refused with a message that says where --------------------------------


@pytest.fixture
def threads():
    return parse_threads(raw(THREADS_FILE))


def broken(change) -> dict:
    data = raw(GUIDE_FILE)
    change(data)
    return data


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["weakest"]["investment"][0].update(point="nergens"), "thread 2 has no point 'nergens'"),
        (lambda d: d["weakest"]["investment"][0].update(thread=9), "no thread 9"),
        (lambda d: d["change"]["youth"][1].pop("en"), "[change] youth, question 2: missing translation 'en'"),
        (lambda d: d["unknown"].pop("daring"), "[unknown]: missing 'daring'"),
        (lambda d: d["disagreement"]["levels"].pop(), "[disagreement] levels: 1 questions, expected 2 to 3"),
        (lambda d: d.update(verzonnen={}), "unknown kind(s) verzonnen"),
        (lambda d: d["weakest"].update(onbekend=[]), "unknown dimension(s) onbekend"),
    ],
)
def test_a_broken_guide_is_refused_with_a_clear_message(threads, change, message):
    with pytest.raises(GuideError) as error:
        parse_guide(broken(change), threads)
    assert message in str(error.value)


def test_broken_threads_are_refused(tmp_path):
    data = raw(THREADS_FILE)
    data["threads"][1]["points"].append(dict(data["threads"][0]["points"][0]))
    with pytest.raises(GuideError, match="duplicate point key 'urgency_problem'"):
        parse_threads(data)
    data = raw(THREADS_FILE)
    data["threads"].reverse()
    with pytest.raises(GuideError, match="number 6, expected 1"):
        parse_threads(data)
    bad = tmp_path / "threads.toml"
    bad.write_text("[[threads]\n")
    with pytest.raises(GuideError, match="^threads.toml: "):
        load_guide(bad, GUIDE_FILE)
