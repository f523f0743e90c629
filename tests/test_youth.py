"""The youth questionnaire (de jongerenversie): its instrument file, its own link and thank-you,
its answers kept apart from the professionals' figures, its release rule on the dashboard."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import clock
from dashboard.youth import add_youth_response, release_youth_if_due
from extensions import db
from models import Release, Response, YouthAnswer, YouthRelease, YouthResponse
from surveys.instrument import InstrumentError
from surveys.youth import YOUTH_FILE, get_youth_instrument, load_youth_instrument, parse_youth_instrument

from .conftest import csrf_from, login

INSTRUMENT = get_youth_instrument()
SOURCE = Path(__file__).resolve().parent.parent / "surveys" / "instruments" / "bron.txt"


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("‘", "'").replace("’", "'")).strip()


# --- the instrument file -------------------------------------------------------------------


def test_the_youth_instrument_has_8_to_10_short_statements_each_quoting_the_source():
    assert 8 <= len(INSTRUMENT.statements) <= 10
    source = normal(SOURCE.read_text())
    for statement in INSTRUMENT.statements:
        assert normal(statement.point) in source, statement.key
        words = statement.text.nl.rstrip(".").split()
        assert len(words) <= 12, statement.key  # short sentences (A2/B1)
        assert statement.text.en
    assert "youth" in INSTRUMENT.dimensions()
    assert [o.value for o in INSTRUMENT.scale.options] == [1, 2, 3, 4, 5]
    assert INSTRUMENT.scale.unknown.nl == "Weet ik niet"


def valid_data() -> dict:
    import tomllib

    return tomllib.loads(YOUTH_FILE.read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["statements"][0].update(dimension="ouders"),
            "statement 'asked_needs': unknown dimension 'ouders'",
        ),
        (lambda d: d["statements"][1]["text"].pop("en"), "statement 'knew_my_story': missing translation 'en'"),
        (lambda d: d["statements"].__setitem__(slice(3, None), []), "3 statements, expected 8 to 10"),
        (lambda d: d["statements"][2].update(key="asked_needs"), "duplicate key 'asked_needs'"),
        (lambda d: d.update(profile=[]), "no 'profile'"),
        (lambda d: d.update(comment_max_length=300), "no 'comment_max_length'"),
        (lambda d: d["statements"][0].update(comment=True), "unknown field(s) comment"),
        (lambda d: d["statements"][0].pop("point"), "statement 'asked_needs': missing 'point'"),
        (lambda d: [s.update(dimension="levels") for s in d["statements"]], "no statement shown beside"),
    ],
)
def test_a_broken_youth_instrument_is_refused_with_a_clear_message(change, message):
    data = valid_data()
    change(data)
    with pytest.raises(InstrumentError, match=re.escape(message)):
        parse_youth_instrument(data)


def test_a_broken_file_names_itself(tmp_path):
    path = tmp_path / "youth_v1.toml"
    path.write_text("version = 1\nversion = 2\n")
    with pytest.raises(InstrumentError, match="youth_v1.toml"):
        load_youth_instrument(path)


# --- the flow -------------------------------------------------------------------------------


def youth_answers(value: str = "4") -> dict:
    return {s.key: value for s in INSTRUMENT.statements}


def send(client, code: str, answers: dict, **extra):
    page = client.get(f"/j/{code}")
    return client.post(f"/j/{code}", data={**answers, "csrf_token": csrf_from(page.text), **extra})


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_a_young_person_answers_through_the_link_and_gets_a_short_thank_you(client, make_round, session):
    round_ = make_round()
    page = client.get(f"/j/{round_.youth_code}")
    assert page.status_code == 200 and 'lang="nl"' in page.text
    assert INSTRUMENT.title.nl in page.text and "Weet ik niet" in page.text
    assert "<textarea" not in page.text and 'type="text"' not in page.text  # no free text
    assert "Over jou" not in page.text  # no profile questions
    answers = youth_answers() | {"quick_action": "dk"}
    sent = send(client, round_.youth_code, answers)
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/j/{round_.youth_code}/bedankt")
    thanks = client.get(sent.headers["Location"])
    assert thanks.status_code == 200 and "Dank je wel!" in thanks.text and "radar" not in thanks.text.lower()
    assert count(session, YouthResponse) == 1 and count(session, Response) == 0
    stored = {a.item_key: a.value for a in session.scalars(select(YouthAnswer))}
    assert stored == {**{s.key: 4 for s in INSTRUMENT.statements}, "quick_action": None}
    # Sent twice (the back button): still one response; the link again shows the thank-you.
    again = client.post(f"/j/{round_.youth_code}", data={**answers, "csrf_token": csrf_from(thanks.text)})
    assert again.status_code == 302 and again.headers["Location"].endswith("/bedankt")
    assert count(session, YouthResponse) == 1
    assert client.get(f"/j/{round_.youth_code}").status_code == 302


def test_someone_else_on_the_same_device_can_start_again(client, make_round, session):
    round_ = make_round()
    send(client, round_.youth_code, youth_answers())
    thanks = client.get(f"/j/{round_.youth_code}/bedankt")
    restart = client.post(f"/j/{round_.youth_code}/opnieuw", data={"csrf_token": csrf_from(thanks.text)})
    assert restart.status_code == 302
    assert client.get(f"/j/{round_.youth_code}").status_code == 200
    assert send(client, round_.youth_code, youth_answers("2")).status_code == 302
    assert count(session, YouthResponse) == 2


def test_missing_and_tampered_answers_get_a_dutch_message_and_keep_what_was_filled_in(client, make_round, session):
    round_ = make_round()
    answers = youth_answers()
    answers.pop("joined_plan")
    answers["asked_needs"] = "7"
    page = send(client, round_.youth_code, answers)
    assert page.status_code == 422
    assert page.text.count("Kies een antwoord bij deze zin.") >= 2
    assert "Er ontbreken nog 2 antwoorden" in page.text
    assert re.search(r'checked id="knew_my_story-3"', page.text)  # "Waar" stays chosen
    assert count(session, YouthResponse) == 0


def test_the_language_switch_keeps_the_answers(client, make_round, session):
    round_ = make_round()
    page = send(client, round_.youth_code, {"asked_needs": "5"}, action="lang:en")
    assert page.status_code == 200 and 'lang="en"' in page.text
    assert "They asked me what I need." in page.text and "I don&#39;t know" in page.text
    assert 'checked id="asked_needs-4"' in page.text
    assert count(session, YouthResponse) == 0


def test_unknown_closed_and_not_yet_open_links(client, make_round, session):
    today = clock.today()
    closed = make_round(opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=1))
    later = make_round(opens_on=today + timedelta(days=2), closes_on=today + timedelta(days=9))
    assert client.get("/j/onbekend99").status_code == 404
    assert client.get(f"/j/{closed.youth_code}").status_code == 410
    assert "gesloten" in client.get(f"/j/{closed.youth_code}").text
    assert client.get(f"/j/{later.youth_code}").status_code == 403
    # The professionals' code is no youth link, nor the other way round.
    assert client.get(f"/j/{later.public_code}").status_code == 404
    assert client.get(f"/s/{later.youth_code}").status_code == 404


def test_a_post_to_a_closed_round_is_refused(client, make_round, session):
    today = clock.today()
    round_ = make_round()
    token = csrf_from(client.get(f"/j/{round_.youth_code}").text)
    round_.closes_on = today - timedelta(days=1)
    round_.opens_on = today - timedelta(days=5)
    session.commit()
    sent = client.post(f"/j/{round_.youth_code}", data={**youth_answers(), "csrf_token": token})
    assert sent.status_code == 410
    assert count(session, YouthResponse) == 0


# --- apart from the professionals, released by the same rule --------------------------------


def add_youth(app, round_, count_: int, value: int = 2) -> None:
    with app.app_context():
        for _ in range(count_):
            add_youth_response(round_.id, {s.key: value for s in INSTRUMENT.statements}, "nl", round_.opens_on)
            db.session.commit()
            release_youth_if_due(round_.id, app.config["MIN_GROUP_SIZE"])


@pytest.fixture
def leader_round(client, make_round, add_responses, make_user):
    round_ = make_round()
    add_responses(round_, 6, lambda n, item: 4)
    make_user("leider@jong.example", round_.partnership)
    login(client, "leider@jong.example")
    return round_


def professional_views(client, round_) -> dict[str, bytes]:
    """Every page, export and API answer of the professionals' figures, with the youth
    section and its download link, the API's "youth" and the form tokens (they change by the second) taken out."""
    slug = round_.partnership.slug
    urls = [
        f"/dashboard/{slug}/",
        f"/dashboard/{slug}/rounds/{round_.id}/report",
        f"/dashboard/{slug}/export/scores.csv",
        f"/dashboard/{slug}/rounds/{round_.id}/export/statements.csv",
        f"/api/partnerships/{slug}/rounds/{round_.id}",
    ]
    views = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if url.startswith("/api/"):
            body = response.get_json()
            assert body.pop("youth")["state"] in ("too_few", "shown")
            text = json.dumps(body, sort_keys=True)
        text = re.sub(r'<section id="youth".*?</section>', "", text, flags=re.S)
        text = re.sub(r'<li id="youth-download">.*?</li>', "", text, flags=re.S)  # the youth export's link
        views[url] = re.sub(r'value="[A-Za-z0-9._-]{40,}"', 'value=""', text)
    return views


def test_youth_answers_never_change_the_professionals_figures(app, client, leader_round, session):
    before = professional_views(client, leader_round)
    releases_before = [(r.number, r.n, r.figures) for r in session.scalars(select(Release))]
    add_youth(app, leader_round, 10, value=1)
    session.expire_all()
    assert count(session, YouthRelease) == 2
    after = professional_views(client, leader_round)
    for url in before:
        assert after[url] == before[url], url
    releases_after = [(r.number, r.n, r.figures) for r in session.scalars(select(Release))]
    assert releases_after == releases_before
    assert count(session, Response) == 6  # and the youth section itself does show them
    assert "Wat jongeren zeggen" in client.get(f"/dashboard/{leader_round.partnership.slug}/").text
    report = client.get(f"/dashboard/{leader_round.partnership.slug}/rounds/{leader_round.id}/report").text
    assert 'id="youth-table"' in report  # the printed report has them too


def youth_section(client, round_) -> str:
    page = client.get(f"/dashboard/{round_.partnership.slug}/?round={round_.id}").text
    match = re.search(r'<section id="youth".*?</section>', page, flags=re.S)
    assert match, "no youth section"
    return match.group(0)


def test_four_young_people_show_nothing_five_show(app, client, leader_round, session):
    add_youth(app, leader_round, 4, value=2)
    section = youth_section(client, leader_round)
    assert "Nog te weinig jongeren (minstens 5)" in section and "youth-table" not in section
    assert count(session, YouthRelease) == 0
    add_youth(app, leader_round, 1, value=2)
    section = youth_section(client, leader_round)
    assert 'id="youth-table"' in section and "5 jongeren vulden" in section
    assert "Ze vroegen mij wat ik nodig heb." in section
    # Beside each statement: the young people's mean (2,0) and the professionals' score on its
    # dimension: 3,6 (every answer 4, one of the five statements reverse-worded: 4 4 4 4 2).
    row = re.search(r"Ze vroegen mij wat ik nodig heb\.</th>(.*?)</tr>", section, flags=re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    assert cells[0].strip() == "2,0" and cells[-1].strip() == "3,6", cells
    assert "De jongere centraal" in row
    # A sixth young person is not shown on their own: the figures wait for 5 new ones.
    add_youth(app, leader_round, 1, value=5)
    assert "6 jongeren" not in youth_section(client, leader_round)


def test_a_round_that_hides_results_hides_the_youth_figures(app, client, make_round, add_responses, make_user, session):
    round_ = make_round(hide_results_while_open=True)
    add_responses(round_, 6)
    add_youth(app, round_, 5)
    make_user("leider@verborgen.example", round_.partnership)
    login(client, "leider@verborgen.example")
    section = youth_section(client, round_)
    assert "youth-table" not in section and "verborgen" in section
    round_.closed_early = True
    session.commit()
    assert 'id="youth-table"' in youth_section(client, round_)


def test_the_round_page_has_the_youth_link_and_its_qr_code(client, leader_round):
    slug = leader_round.partnership.slug
    page = client.get(f"/beheer/{slug}/metingen/{leader_round.id}/")
    assert page.status_code == 200 and f"/j/{leader_round.youth_code}" in page.text
    assert "Reacties van jongeren: nog geen 5." in page.text
    qr = client.get(f"/beheer/{slug}/metingen/{leader_round.id}/jongeren-qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert client.get(f"/beheer/{slug}/metingen/{leader_round.id}/jongeren-qr.gif").status_code == 404


# --- anonymity audit and backups ------------------------------------------------------------


def test_the_youth_tables_hold_nothing_that_identifies_a_young_person(app, make_round, session):
    round_ = make_round()
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR="203.0.113.78", HTTP_USER_AGENT="Mozilla/5.0 (Jongfoon 3)")
    assert send(client, round_.youth_code, youth_answers()).status_code == 302
    for table in (YouthResponse, YouthAnswer, YouthRelease):
        names = {c.name for c in table.__table__.columns}
        assert not names & {"name", "email", "ip", "ip_address", "user_agent", "user_id", "invitation_id", "text"}
        assert {fk.column.table.name for fk in table.__table__.foreign_keys} <= {"round", "youth_response"}
    assert YouthResponse.__table__.c.submitted_on.type.python_type.__name__ == "date"  # the day only
    for name in ("youth_response", "youth_answer"):
        for row in session.execute(select(db.metadata.tables[name])).all():
            assert "203.0.113.78" not in str(row) and "Jongfoon" not in str(row)
    # The session cookie says only that this device sent the link's questionnaire: no answers.
    cookie = client.get_cookie("session")
    with app.test_request_context():
        data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert data.get("youth_sent") == {round_.youth_code: True}
    assert not any(s.key in str(data) for s in INSTRUMENT.statements)


def test_a_partnership_backup_takes_its_youth_answers(app, runner, make_round, tmp_path, session):
    from manage.backup import tables

    round_ = make_round()
    other = make_round()
    add_youth(app, round_, 5)
    add_youth(app, other, 2)
    file = tmp_path / "one.json"
    exported = runner.invoke(args=["backup", "export", str(file), "--partnership", round_.partnership.slug])
    assert exported.exit_code == 0, exported.output
    content = json.loads(file.read_text())["content"]["tables"]
    assert {t.name for t in tables()} >= {"youth_response", "youth_answer", "youth_release"}
    assert len(content["youth_response"]) == 5 and len(content["youth_release"]) == 1
    assert len(content["youth_answer"]) == 5 * len(INSTRUMENT.statements)


def test_the_round_page_counts_young_people_in_releases_only(app, client, leader_round):
    add_youth(app, leader_round, 6)
    page = client.get(f"/beheer/{leader_round.partnership.slug}/metingen/{leader_round.id}/").text
    assert "Reacties van jongeren: 5," in page  # the sixth waits for four more


def test_the_release_command_releases_waiting_youth_answers(app, runner, make_round, session):
    round_ = make_round()
    with app.app_context():
        for _ in range(5):
            add_youth_response(round_.id, youth_answers_values(), "nl", round_.opens_on)
        db.session.commit()
    assert "1 release(s) made." in runner.invoke(args=["release"]).output
    assert count(session, YouthRelease) == 1


def youth_answers_values() -> dict:
    return {s.key: 3 for s in INSTRUMENT.statements}


def test_a_statement_whose_new_answers_are_too_few_keeps_its_earlier_figure(app, client, leader_round):
    add_youth(app, leader_round, 5, value=2)
    with app.app_context():  # five more, four of whom do not know the first statement
        for n in range(5):
            values = {s.key: 4 for s in INSTRUMENT.statements} | {"asked_needs": None if n else 4}
            add_youth_response(leader_round.id, values, "nl", leader_round.opens_on)
            db.session.commit()
            release_youth_if_due(leader_round.id, app.config["MIN_GROUP_SIZE"])
    section = youth_section(client, leader_round)
    assert "10 jongeren vulden" in section
    row = re.search(r"Ze vroegen mij wat ik nodig heb\.(.*?)</tr>", section, flags=re.S).group(1)
    assert "(stand 1)" in row and ">2,0<" in row  # one new answer alone is never shown
    other = re.search(r"Ze keken eerst naar mij.*?</th>(.*?)</tr>", section, flags=re.S).group(1)
    assert ">3,0<" in other  # five 2s and five 4s
