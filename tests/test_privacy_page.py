"""The privacy statement (/privacy): every sentence on it checked against what the app does,
each test named after the sentence's id on the page. Linked from the questionnaire's intro and
the home page."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import Date, DateTime, func, inspect, select, text

import clock
from extensions import db
from models import Answer, Comment, Draft, Invitation, Release, Response, ResponseScore, Round
from surveys.instrument import get_instrument

from .conftest import Respondent, login, uniform_answers

RESPONSE_TABLES = (Response, Answer, Comment, ResponseScore)


def sentence(page: str, sentence_id: str) -> str:
    return re.search(rf'id="{sentence_id}">(.*?)</(li|p)>', page, re.S).group(1)


@pytest.fixture
def page(client):
    return client.get("/privacy").text


def test_the_statement_is_linked_from_the_intro_and_the_home_page_in_both_languages(client, respondent):
    assert 'href="/privacy"' in client.get(f"/s/{respondent.code}").text
    assert 'href="/privacy"' in client.get("/").text
    dutch = client.get("/privacy")
    assert dutch.status_code == 200 and "<h1>Privacyverklaring</h1>" in dutch.text
    assert "<h1>Privacy statement</h1>" in client.get("/privacy?lang=en").text


def test_stored_answers_profile_and_day(app, page, respondent, session):
    """stored-answers, stored-profile, stored-day: what a response holds, and "Zeg ik liever niet"."""
    assert "Zeg ik liever niet" in sentence(page, "stored-profile")
    for question in get_instrument(1).profile:
        assert "geen_antwoord" in [option.key for option in question.options]
    respondent.complete(uniform_answers("4"), comments={"urgency": "Een toelichting."})
    stored = session.scalars(select(Response)).one()
    assert {c.name for c in Response.__table__.columns} == {
        "id",
        "round_id",
        "submitted_on",
        "level",
        "domain",
        "language",
        "release_number",
    }
    assert (stored.language, stored.submitted_on) == ("nl", clock.today())
    assert isinstance(Response.__table__.c.submitted_on.type, Date)  # the day, not the moment
    assert not isinstance(Response.__table__.c.submitted_on.type, DateTime)
    assert [c.text for c in stored.comments] == ["Een toelichting."]


def test_a_young_persons_answers_hold_only_answers_language_and_day(page):
    """stored-youth: the youth tables' columns, and nothing else about the young person."""
    from models.youth import YouthAnswer, YouthResponse

    assert "alleen je antwoorden, de taal en de dag" in sentence(page, "stored-youth")
    assert {c.name for c in YouthResponse.__table__.columns} == {
        "id",
        "round_id",
        "submitted_on",
        "language",
        "release_number",
    }
    assert {c.name for c in YouthAnswer.__table__.columns} == {"id", "response_id", "item_key", "value"}
    assert isinstance(YouthResponse.__table__.c.submitted_on.type, Date)
    foreign = {fk.column.table.name for t in (YouthResponse, YouthAnswer) for fk in t.__table__.foreign_keys}
    assert foreign == {"round", "youth_response"}  # never tied to an invitation or account


def test_no_name_email_ip_or_device_with_the_answers(app, page, make_round):
    """not-stored: a submission from a known address and browser leaves neither anywhere in the
    response tables, and they have no column for a person."""
    assert "geen IP-adres" in sentence(page, "not-stored")
    round_ = make_round()
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Mozilla/5.0 (Speurtelefoon 9)")
    Respondent(client, round_.public_code).complete(uniform_answers("3"))
    with app.app_context():
        for table in RESPONSE_TABLES:
            names = {c.name for c in table.__table__.columns}
            assert not names & {"name", "email", "ip", "ip_address", "user_agent", "user_id", "invitation_id"}, table
            foreign = {fk.column.table.name for fk in table.__table__.foreign_keys}
            assert foreign <= {"round", "response"}, table  # never tied to an invitation or account
        for row in db.session.execute(text("SELECT * FROM response")).all():
            assert "203.0.113.77" not in str(row) and "Speurtelefoon" not in str(row)


def test_one_cookie_that_holds_no_answers(app, page, make_round):
    """cookie-draft, cookie-scores, cookie-only: the only cookie is the session; while filling
    in it holds which draft is this browser's, never an answer; after sending it holds the
    scores until the thank-you page has shown them once."""
    round_ = make_round()
    client = app.test_client()
    respondent = Respondent(client, round_.public_code)
    serializer = app.session_interface.get_signing_serializer(app)
    names = set()
    for step in range(1, 4):  # the three pages of statements, two dimensions each
        response = respondent.post(step, respondent.page_data(step, uniform_answers("2")))
        names |= {h.split("=")[0] for h in response.headers.getlist("Set-Cookie")}
    held = serializer.loads(client.get_cookie("session").value)
    assert set(held["drafts"]) == {round_.public_code}
    assert not any(item.key in str(held) for item in get_instrument(1).items)  # no answer in the cookie
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        assert len(draft.data["answers"]) == 30 and draft.token == held["drafts"][round_.public_code]
    assert set(held) <= {"drafts", "csrf_token", "_permanent", "_fresh"}, held.keys()
    finished = respondent.post(4, respondent.page_data(4, uniform_answers("2")))
    names |= {h.split("=")[0] for h in finished.headers.getlist("Set-Cookie")}
    scores = serializer.loads(client.get_cookie("session").value)["thanks"][round_.public_code]
    assert isinstance(scores, dict) and set(scores) == {d.key for d in get_instrument(1).dimensions}
    client.get(finished.headers["Location"])
    assert not isinstance(serializer.loads(client.get_cookie("session").value)["thanks"][round_.public_code], dict)
    assert names == {"session"}
    assert "reclame of statistieken" in sentence(page, "cookie-only")


def test_an_invitees_email_is_with_the_invitation_not_the_answers(page):
    """invited-email, invited-leader: the invitation table holds the address; nothing links a
    response to it (no column, no foreign key; see the test above), and the round page says who
    was invited, not who responded (tests/test_round_tracking.py, tests/test_personal_links.py)."""
    assert "email" in {c.name for c in Invitation.__table__.columns}
    assert not {fk.column.table.name for fk in Invitation.__table__.foreign_keys} & {"response"}
    assert not {fk.column.table.name for t in RESPONSE_TABLES for fk in t.__table__.foreign_keys} & {"invitation"}
    assert "niet wie heeft gereageerd" in sentence(page, "invited-leader")


def test_who_sees_the_results_is_who_the_page_names(app, session, make_round, add_responses, make_user):
    """seen-groups: members (leaders, viewers) and administrators open the partnership's
    dashboard; a programme's coordinator only the programme page, with whole-round figures."""
    from models import Coordinatorship, Partnership, Programme, User

    programme = Programme(slug="prog", name="Programma")
    session.add(programme)
    session.commit()
    partnership = Partnership(slug="wie", name="Wie Ziet", region="Testregio", programme_id=programme.id)
    today = clock.today()
    round_ = make_round("T1", partnership=partnership, opens_on=today - timedelta(days=9), closes_on=today)
    add_responses(round_, 5)
    make_user("leider@wie.example", round_.partnership)
    make_user("kijker@wie.example", round_.partnership, role="viewer")
    make_user("beheer@wie.example", admin=True)
    make_user("coord@wie.example")
    coordinator = session.scalar(select(User).where(User.email == "coord@wie.example"))
    session.add(Coordinatorship(user_id=coordinator.id, programme_id=programme.id))
    session.commit()
    for who, dashboard in (("leider", 200), ("kijker", 200), ("beheer", 200), ("coord", 404)):
        client = app.test_client()
        login(client, f"{who}@wie.example")
        assert client.get("/dashboard/wie/").status_code == dashboard, who
    programme_page = client.get("/dashboard/programma/prog/").text  # the coordinator's
    assert "Wie Ziet" in programme_page and "Per niveau" not in programme_page
    page = app.test_client().get("/privacy").text
    assert "Een coördinator van een programma ziet alleen de uitkomsten van de hele groep" in page


def test_the_threshold_on_the_page_is_the_one_the_app_applies(app, client):
    """seen-groups, seen-steps: the number is MIN_GROUP_SIZE, whatever it is set to (the rule
    itself: tests/test_anonymity*.py, tests/test_mutants_releases.py)."""
    for size in (5, 8):
        app.config["MIN_GROUP_SIZE"] = size
        page = client.get("/privacy").text
        assert f"minstens {size} mensen" in sentence(page, "seen-groups")
        assert f"minstens {size} nieuwe reacties" in sentence(page, "seen-steps")
    app.config["MIN_GROUP_SIZE"] = 5


def test_comments_show_in_alphabetical_order_without_level_or_domain(
    app, client, page, make_round, add_responses, make_user
):
    """seen-comments."""
    today = clock.today()
    round_ = make_round("T1", opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1))
    add_responses(round_, 3, level="bestuur", domain="onderwijs", comments={"youth": "Zebra's zijn gestreept."})
    add_responses(round_, 2, level="werkvloer", domain="gemeente", comments={"youth": "Appels zijn rond."})
    make_user("leider@privacy.example", round_.partnership)
    login(client, "leider@privacy.example")
    dashboard = client.get(f"/dashboard/{round_.partnership.slug}/?round={round_.id}").text
    section = dashboard.split('id="comments"')[1].split("</section>")[0]
    texts = re.findall(r"<li>([^<]*)</li>", section)
    assert texts == ["Appels zijn rond."] * 2 + ["Zebra&#39;s zijn gestreept."] * 3
    for word in ("Bestuur", "Werkvloer", "Onderwijs", "Gemeente", "bestuur", "werkvloer"):
        assert word not in section
    assert "alfabetische volgorde" in sentence(page, "seen-comments")


def test_an_unfinished_questionnaire_is_wiped_after_the_days_on_the_page(app, runner, page, make_round):
    """kept-draft: `flask daily` deletes a draft untouched for longer than the days named, and
    every draft of a closed round."""
    days = app.config["PERMANENT_SESSION_LIFETIME"].days
    assert f"meer dan {days} dagen niets aan hebt veranderd" in sentence(page, "kept-draft")
    round_ = make_round(closes_on=clock.today() + timedelta(days=60))
    Respondent(app.test_client(), round_.public_code).post(1, {"urgency_shared_ambition": "4"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
    with freeze_time(clock.today() + timedelta(days=days)):
        runner.invoke(args=["daily"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1  # not yet
    with freeze_time(clock.today() + timedelta(days=days + 1)):
        runner.invoke(args=["daily"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_deleting_a_round_wipes_its_answers(app, page, make_round, add_responses, session):
    """kept-answers (deletion table by table: tests/test_promises.py)."""
    round_ = make_round()
    add_responses(round_, 5, comments={"youth": "weg"})
    [release] = session.scalars(select(Release).where(Release.round_id == round_.id))
    assert release.comments["first"] == {"youth": ["weg"] * 5}  # a release holds its comments too
    session.delete(session.get(Round, round_.id))
    session.commit()
    for table in (*RESPONSE_TABLES, Release):
        assert session.scalar(select(func.count()).select_from(table)) == 0, table
    assert "alle antwoorden van die meting gewist" in sentence(page, "kept-answers")


def test_nobody_can_find_an_answer_as_someones(page):
    """ask: no table ties a response to a person (the columns and keys above) and the page says so."""
    tables = inspect(Response).mapper.tables[0].metadata.tables
    tied = [name for name, table in tables.items() if {"response_id"} <= {c.name for c in table.columns}]
    for name in tied:
        assert not {"email", "user_id", "invitation_id"} & {c.name for c in tables[name].columns}, name
    assert "kan niemand ze terugvinden als de jouwe" in sentence(page, "ask")
