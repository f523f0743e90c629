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


# --- the discussion guide: where young people and professionals differ -----------------------


def mirrored(per_dimension: dict, default: int = 4):
    """Professionals' answers that give each of them exactly the dimension score asked: a
    reverse-worded statement is answered 6 - score (the instrument file marks them)."""

    def value(n, item):
        target = per_dimension.get(item.dimension, default)
        return 6 - target if item.reverse else target

    return value


def young_people_answer(app, code: str, per_person: list[dict]) -> None:
    """Each young person on a device of their own, through the link, as a browser sends it."""
    for answers in per_person:
        sent = send(app.test_client(), code, {key: str(value) for key, value in answers.items()})
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/bedankt")


def youth_part(html: str) -> list[str]:
    return re.findall(r'<li class="guide-point youth-point" id="([^"]+)"', html)


def guide_of(client, round_) -> str:
    page = client.get(f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/gespreksleidraad")
    assert page.status_code == 200
    return page.text


def point_html(html: str, anchor: str) -> str:
    return re.search(rf'<li class="guide-point youth-point" id="{anchor}">(.*?)</ul>', html, flags=re.S).group(1)


@pytest.fixture
def guide_round(client, make_round, add_responses, make_user):
    """Six professionals: 4,0 on every dimension but levels (3,0)."""
    round_ = make_round()
    add_responses(round_, 6, mirrored({"levels": 3}))
    make_user("leider@leidraad.example", round_.partnership)
    login(client, "leider@leidraad.example")
    return round_


# Five young people. Differences from the professionals, worked out by hand (young people's
# mean minus the professionals' score on the statement's dimension):
#   asked_needs      2 2 2 2 2  -> 2,0 vs youth 4,0:  -2,0
#   tell_once        5 5 4 4 4  -> 4,4 vs levels 3,0: +1,4
#   knew_my_story    3 3 3 3 3  -> 3,0 vs youth 4,0:  -1,0
#   joined_plan      3 4 3 4 3  -> 3,4 vs youth 4,0:  -0,6 (fourth: left out, at most three)
#   worked_together  3 4 4 4 4  -> 3,8 vs youth 4,0:  -0,2 (below half a point)
#   the rest         4          -> 4,0 vs 4,0:          0
COLUMNS = {
    "asked_needs": [2, 2, 2, 2, 2],
    "tell_once": [5, 5, 4, 4, 4],
    "knew_my_story": [3, 3, 3, 3, 3],
    "joined_plan": [3, 4, 3, 4, 3],
    "worked_together": [3, 4, 4, 4, 4],
}


def per_person(columns: dict, people: int = 5, default: int = 4) -> list[dict]:
    return [{s.key: columns.get(s.key, [default] * people)[n] for s in INSTRUMENT.statements} for n in range(people)]


def test_the_guide_names_the_youth_statements_that_differ_most_from_the_professionals(app, client, guide_round):
    young_people_answer(app, guide_round.youth_code, per_person(COLUMNS))
    html = guide_of(client, guide_round)
    # Largest difference first, at most three, each at least half a point.
    assert youth_part(html) == ["youth-asked_needs", "youth-tell_once", "youth-knew_my_story"]
    asked = point_html(html, "youth-asked_needs")
    assert "Jongeren minder positief: De jongere centraal" in asked
    assert "‘Ze vroegen mij wat ik nodig heb.’" in asked
    assert "Jongeren gemiddeld 2,0 op 5, de professionals 4,0 op 5 bij De jongere centraal: 2,0 punt verschil" in asked
    assert (
        "Jongeren zijn minder positief over ‘Ze vroegen mij wat ik nodig heb’ dan wij over De jongere centraal."
        in asked
    )
    assert "hun verhaal rechtstreeks" in asked and "door mensen die deze jongeren rechtstreeks kennen" in asked
    assert "rode draad 4" in asked
    told = point_html(html, "youth-tell_once")
    assert "Jongeren positiever: Samenwerking op verschillende niveaus" in told
    assert "Jongeren gemiddeld 4,4 op 5, de professionals 3,0 op 5" in told and "1,4 punt verschil" in told
    assert "Jongeren zijn positiever over" in told and "minder positief" not in told
    assert "Bij geen enkele zin" not in html


def test_the_guide_says_so_in_one_sentence_when_no_youth_statement_differs_enough(app, client, guide_round):
    # Every statement 3,6 against 4,0 (0,4 apart), and tell_once 3,4 against levels 3,0 (0,4).
    columns = {s.key: [3, 4, 4, 4, 3] for s in INSTRUMENT.statements} | {"tell_once": [3, 4, 3, 4, 3]}
    young_people_answer(app, guide_round.youth_code, per_person(columns))
    html = guide_of(client, guide_round)
    assert youth_part(html) == ["youth-none"]
    assert (
        "Bij geen enkele zin van de jongerenvragenlijst (5 jongeren) ligt het gemiddelde van de jongeren 0,5 punt "
        "of meer van de score van de professionals op dezelfde dimensie." in html
    )


def test_the_guide_has_no_youth_part_while_youth_figures_are_not_shown(
    app, client, make_round, add_responses, make_user, session
):
    # Four young people: too few. A round that hides its results: hidden, for both.
    few = make_round()
    add_responses(few, 6, mirrored({}))
    young_people_answer(app, few.youth_code, per_person(COLUMNS)[:4])
    hidden = make_round(hide_results_while_open=True)
    add_responses(hidden, 6, mirrored({}))
    young_people_answer(app, hidden.youth_code, per_person(COLUMNS))
    for round_ in (few, hidden):
        make_user(f"leider@{round_.partnership.slug}.example", round_.partnership)
        login(client, f"leider@{round_.partnership.slug}.example")
        html = guide_of(client, round_)
        assert youth_part(html) == [] and "Jongeren minder positief" not in html, round_.partnership.slug
        client.post("/uitloggen", data={"csrf_token": csrf_from(html)})
    # Once the hidden round closes, its guide has the youth part.
    hidden.closed_early = True
    session.commit()
    login(client, f"leider@{hidden.partnership.slug}.example")
    assert youth_part(guide_of(client, hidden))[:1] == ["youth-asked_needs"]


def test_a_youth_point_takes_a_note_and_an_action_like_every_point(app, client, guide_round, session):
    young_people_answer(app, guide_round.youth_code, per_person(COLUMNS))
    url = f"/dashboard/{guide_round.partnership.slug}/rounds/{guide_round.id}/gespreksleidraad"
    html = guide_of(client, guide_round)
    token = csrf_from(html)
    assert "point=youth%3Aasked_needs" in html or "point=youth:asked_needs" in html
    saved = client.post(
        f"{url}/youth:asked_needs", data={"youth:asked_needs-text": "Vijf jongeren uitnodigen", "csrf_token": token}
    )
    assert saved.status_code == 302
    assert "Vijf jongeren uitnodigen" in guide_of(client, guide_round)
    # A statement that is no point of this guide (0 apart) takes no note.
    assert (
        client.post(f"{url}/youth:me_first", data={"youth:me_first-text": "x", "csrf_token": token}).status_code == 404
    )


def test_youth_differences_rule_by_hand():
    """The core rule on plain numbers: at least half a point either way, largest first, ties
    in the instrument's order, at most three, statements without a figure left out."""
    from surveys.guide import youth_differences

    s = INSTRUMENT.statements
    rows = [
        (s[0], 3.5, 4.0),  # exactly half a point below: in
        (s[1], 3.6, 4.0),  # 0.4: out
        (s[2], 4.5, 4.0),  # half a point above: in, after s[0] (a tie, instrument order)
        (s[3], None, 4.0),  # not shown to leaders: out
        (s[4], 1.0, None),  # no professionals' score: out
        (s[5], 1.2, 4.2),  # 3 points: first
        (s[6], 4.9, 3.0),  # 1.9: second
    ]
    found = youth_differences(rows)
    assert [(d.statement.key, round(d.difference, 6), d.youth_lower) for d in found] == [
        (s[5].key, -3.0, True),
        (s[6].key, 1.9, False),
        (s[0].key, -0.5, True),
    ]
    assert [d.statement.key for d in youth_differences(rows, limit=10)] == [s[5].key, s[6].key, s[0].key, s[2].key]
    assert youth_differences([(s[1], 3.6, 4.0), (s[2], 4.0, 4.0)]) == []
