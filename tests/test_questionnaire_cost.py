"""What a questionnaire page costs the server, as counts rather than times: the statements
each request runs, whether a page writes the session cookie, and the HTML the cheaper radio
buttons make (the same as the shared macro's). And no page of it loads plotly.js."""

import re
from contextlib import contextmanager

import pytest
from flask import render_template_string
from sqlalchemy import event, func, select
from werkzeug.datastructures import MultiDict

from extensions import db
from models import Answer, Draft, Response, ResponseScore
from surveys.instrument import get_instrument
from surveys.pages import Page, pages

from .conftest import csrf_from, uniform_answers

INSTRUMENT = get_instrument(1)
# Two dimensions a page, then the profile: intro, four pages each shown and posted, thank-you
# make the questionnaire's 10 requests.
STEPS = 4
DIMENSION_PAGES = {1: INSTRUMENT.dimensions[0:2], 2: INSTRUMENT.dimensions[2:4], 3: INSTRUMENT.dimensions[4:6]}


@contextmanager
def statements(app):
    """The SQL statements run meanwhile, first words only ("SELECT", "INSERT INTO answer")."""
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()[:3]) if statement.startswith("INSERT") else statement.split()[0])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def page_data(step: int) -> dict:
    if step == STEPS:
        return {"level": "beleid", "domain": "gemeente"}
    data = {}
    for dimension in DIMENSION_PAGES[step]:
        # A "weet ik niet" between answers: its NULL must not split the answers' insert.
        data |= {item.key: "dk" if i == 1 else "4" for i, item in enumerate(dimension.items)}
        data[f"comment-{dimension.key}"] = "Goed." if dimension.key == "momentum" else ""
    return data


def test_every_page_runs_one_query_and_a_save_two(app, respondent, session):
    """Counted by hand: a page reads its round, partnership and draft in one SELECT (the intro
    one more, for the contact); a save
    adds the INSERT or UPDATE of the draft; the submission deletes the draft and inserts the
    response, its answers, its comments and its scores with one statement each."""
    client, code = respondent.client, respondent.code
    requests = 1
    with statements(app) as seen:
        assert client.get(f"/s/{code}").status_code == 200
    assert seen == ["SELECT", "SELECT"]  # the intro also reads the partnership's contact
    for step in range(1, STEPS + 1):
        with statements(app) as seen:
            page = client.get(f"/s/{code}/{step}")
        assert page.status_code == 200 and seen == ["SELECT"], (step, seen)
        assert f"Stap {step} van 4" in page.text
        requests += 2
        with statements(app) as seen:
            posted = client.post(
                f"/s/{code}/{step}", data=page_data(step) | {"csrf_token": csrf_from(page.text), "action": "next"}
            )
        assert posted.status_code == 302, step
        if step == 1:
            assert seen == ["SELECT", "INSERT INTO draft"]
        elif step < STEPS:
            assert seen == ["SELECT", "UPDATE"], (step, seen)
        else:
            submission = seen[seen.index("DELETE") :]
            assert seen[:3] == ["SELECT", "UPDATE", "DELETE"]
            inserts = [s for s in submission if s.startswith("INSERT")]
            assert inserts == [
                "INSERT INTO response",
                "INSERT INTO answer",
                "INSERT INTO comment",
                "INSERT INTO response_score",
            ]
    with statements(app) as seen:
        assert client.get(posted.headers["Location"]).status_code == 200
    assert seen == ["SELECT"]
    assert requests + 1 == 10  # intro, 4 x (page, post), thank-you
    # And everything is there: 30 answers, one comment, six scores, no draft.
    assert session.scalar(select(func.count()).select_from(Answer)) == len(INSTRUMENT.items)
    assert session.scalar(select(func.count()).select_from(ResponseScore)) == len(INSTRUMENT.dimensions)
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert session.scalar(select(func.count()).select_from(Draft)) == 0


def session_cookie(response) -> str | None:
    return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")), None)


def test_pages_only_read_the_session_and_saves_keep_it_alive(app, respondent):
    """With Flask's SESSION_REFRESH_EACH_REQUEST off, a session cookie is sent only when the
    session changed: a GET changes nothing (after the first form page, which stores the CSRF
    secret), every saved page renews the cookie for another PERMANENT_SESSION_LIFETIME."""
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client, code = respondent.client, respondent.code
    assert session_cookie(client.get(f"/s/{code}")) is None  # the intro: nothing to remember yet
    first = client.get(f"/s/{code}/1")
    assert session_cookie(first) is not None  # the CSRF secret, once
    token = csrf_from(first.text)
    for step in range(1, STEPS):
        saved = client.post(f"/s/{code}/{step}", data=page_data(step) | {"csrf_token": token, "action": "next"})
        cookie = session_cookie(saved)
        assert cookie is not None and "Expires=" in cookie, step  # permanent: survives closing the browser
        again = client.get(f"/s/{code}/{step + 1}")
        assert again.status_code == 200 and session_cookie(again) is None, step
        assert csrf_from(again.text)  # the same session still signs a token
    assert session_cookie(client.get(f"/s/{code}")) is None  # the intro with "ga verder"


def test_a_get_leaves_the_session_as_it_was(app, respondent):
    """With the default settings Flask re-sends a permanent session on every request; what
    it holds does not change on a GET."""
    client, code = respondent.client, respondent.code
    respondent.post(1, page_data(1))
    serializer = app.session_interface.get_signing_serializer(app)
    before = serializer.loads(client.get_cookie("session").value)
    for url in (f"/s/{code}", f"/s/{code}/2", f"/s/{code}/1"):
        assert client.get(url).status_code == 200
        assert serializer.loads(client.get_cookie("session").value) == before, url


def test_no_page_of_the_questionnaire_loads_plotly(app, respondent):
    """The thank-you radar is SVG in the page: a respondent never downloads plotly.js, not
    even ahead (the last pages used to prefetch it)."""
    pages = [respondent.client.get(f"/s/{respondent.code}").text]
    pages += [respondent.client.get(f"/s/{respondent.code}/{step}").text for step in range(1, STEPS + 1)]
    thanks = respondent.complete(uniform_answers("4"))
    pages.append(respondent.client.get(thanks.headers["Location"]).text)
    assert '<svg id="own-scores"' in pages[-1]
    for page in pages:
        assert "plotly" not in page and 'rel="prefetch"' not in page
        assert re.findall(r'<script src="([^"]+)"', page) == []


# --- the radio buttons ------------------------------------------------------------------------

SHARED = '{% from "_macros.html" import choice_field %}{{ choice_field(field, number=number, layout=layout) }}'
OURS = (
    '{% from "surveys/_questions.html" import choice_question %}'
    "{{ choice_question(field, number=number, layout=layout) }}"
)
FIRST = INSTRUMENT.dimensions[0]
KEY = FIRST.items[0].key
PAGE_ONE = Page(1, INSTRUMENT.dimensions[0:2])  # urgency and investment, by hand


def same_html(text: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(text.split()))


@pytest.mark.parametrize(
    ("posted", "validate"),
    [
        (None, False),  # a fresh page
        ({KEY: "3"}, False),  # a saved answer
        ({KEY: "dk"}, False),  # "weet ik niet"
        ({}, True),  # missing, with its error
        ({KEY: "7"}, True),  # a tampered value, with its error
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_questionnaires_radio_buttons_are_the_shared_macros_html(app, posted, validate, language):
    from surveys.forms import page_form_class, profile_form_class

    with app.test_request_context():
        form = page_form_class(INSTRUMENT, PAGE_ONE, language)(
            formdata=MultiDict(posted) if posted is not None else None
        )
        if validate:
            form.validate()
        profile = profile_form_class(INSTRUMENT, language)(formdata=MultiDict({"level": "bestuur"}))
        cases = [(form[KEY], 1, "scale"), (form[FIRST.items[1].key], 2, "scale"), (profile["level"], None, "list")]
        html = {}
        for field, number, layout in cases:
            shared = render_template_string(SHARED, field=field, number=number, layout=layout)
            html[field.name] = render_template_string(OURS, field=field, number=number, layout=layout)
            assert same_html(html[field.name]) == same_html(shared), field.name
    # What the cases are about, read off the page (not only "the same as the macro"):
    checked = re.findall(r'checked id="([^"]+)"', html[KEY])
    position = {"3": 2, "dk": 5}.get((posted or {}).get(KEY))
    assert checked == ([f"{KEY}-{position}"] if position is not None else [])
    assert ('aria-invalid="true"' in html[KEY]) == validate
    assert re.findall(r'checked id="([^"]+)"', html["level"]) == ["level-2"]  # bestuur, the third option


def test_a_form_class_is_built_once_per_instrument_page_and_language(app):
    from surveys.forms import page_form_class, profile_form_class

    assert page_form_class(INSTRUMENT, PAGE_ONE, "nl") is page_form_class(INSTRUMENT, PAGE_ONE, "nl")
    assert page_form_class(INSTRUMENT, PAGE_ONE, "nl") is page_form_class(INSTRUMENT, pages(INSTRUMENT)[0], "nl")
    assert page_form_class(INSTRUMENT, PAGE_ONE, "nl") is not page_form_class(INSTRUMENT, PAGE_ONE, "en")
    page_two = Page(2, INSTRUMENT.dimensions[2:4])
    assert page_form_class(INSTRUMENT, PAGE_ONE, "nl") is not page_form_class(INSTRUMENT, page_two, "nl")
    assert profile_form_class(INSTRUMENT, "en") is profile_form_class(INSTRUMENT, "en")
    assert page_form_class(INSTRUMENT, Page(4, ()), "en") is profile_form_class(INSTRUMENT, "en")
    with app.test_request_context():
        english = page_form_class(INSTRUMENT, PAGE_ONE, "en")()
        dutch = page_form_class(INSTRUMENT, PAGE_ONE, "nl")()
    assert english[KEY].label.text == FIRST.items[0].text.en
    assert dutch[KEY].label.text == FIRST.items[0].text.nl
    # One form for the page: both dimensions' statements, each dimension's own comment.
    expected = [i.key for i in INSTRUMENT.dimensions[0].items] + ["comment-urgency"]
    expected += [i.key for i in INSTRUMENT.dimensions[1].items] + ["comment-investment"]
    assert [field.name for field in dutch if field.name != "csrf_token"] == expected
