"""Thousands of random and malformed forms posted to every form of the app: no response is
a 5xx, and no response is ever stored half."""

import functools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

import clock
from extensions import limiter
from models import Answer, Partnership, Response, ResponseScore
from surveys.instrument import get_instrument

from .conftest import csrf_from, login

INSTRUMENT = get_instrument(1)
EXAMPLES = 350  # per test and database: 2,100 random forms in all

ODD = [
    "",
    " ",
    "1",
    "5",
    "6",
    "0",
    "-1",
    "dk",
    "DK",
    "1.0",
    "1e9",
    "99999999999999999999",
    "\x00",
    "\u202e",
    "𝟓",
    "٣",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "null",
    "[]",
    "{}",
    "true",
]
values = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.text(min_size=500, max_size=3000),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
)


def fields_of(names: list[str]):
    """Form data: real field names (some missing, some repeated) and made-up ones."""
    keys = st.one_of(st.sampled_from(names), st.text(max_size=20))
    return st.lists(st.tuples(keys, values), max_size=2 * len(names) + 4)


@pytest.fixture
def world(app, make_round, make_user):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=1), closes_on=clock.today() + timedelta(days=7))
    make_user("beheer@f.example", admin=True)
    make_user("leider@f.example", round_.partnership)
    return round_


# --- the questionnaire, driven to submission --------------------------------------------------

SCALE = [str(option.value) for option in INSTRUMENT.scale.options] + ["dk"]
PROFILE = {question.key: [option.key for option in question.options] for question in INSTRUMENT.profile}
REVERSED = {item.key for item in INSTRUMENT.items if item.reverse}
QUESTIONNAIRE_EXAMPLES = 150  # each up to seven pages: about as long as 350 single posts took


# Pages of one questionnaire take cheap values (hypothesis's entropy runs out over seven pages
# of 3,000-character texts); the long texts come as constants.
page_values = st.one_of(st.sampled_from(ODD + SCALE + ["x" * 1001, "y" * 5000]), st.text(max_size=40))


def page_fuzz(step: int):
    names = page_fields(step)
    return st.lists(
        st.tuples(st.one_of(st.sampled_from(names), st.text(max_size=20)), page_values), max_size=2 * len(names) + 4
    )


def page_fields(step: int) -> list[str]:
    if step > len(INSTRUMENT.dimensions):
        return list(PROFILE) + ["action"]
    return [item.key for item in INSTRUMENT.dimensions[step - 1].items] + ["comment", "action"]


def valid_page(step: int):
    """What a person fills in on a page: every statement answered (or "weet ik niet")."""
    if step > len(INSTRUMENT.dimensions):
        return st.fixed_dictionaries({key: st.sampled_from(options) for key, options in PROFILE.items()})
    items = {item.key: st.sampled_from(SCALE) for item in INSTRUMENT.dimensions[step - 1].items}
    comment = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=100)
    return st.fixed_dictionaries({**items, "comment": comment})


def junk_fields(step: int):
    """Made-up fields beside the real ones (never a real field's name, never a NUL: the input
    guard would refuse the whole page)."""
    real = set(page_fields(step)) | {"csrf_token"}
    names = st.text(max_size=20).filter(lambda key: key not in real and "\x00" not in key)
    return st.lists(st.tuples(names, page_values.filter(lambda value: "\x00" not in value)), max_size=4)


def expected_scores(answers: dict[str, int | None]) -> dict[str, float]:
    """The README's rule, computed here: reverse-worded statements mirrored (6 - answer),
    "weet ik niet" left out, a score only when at least half of a dimension's statements count."""
    scores = {}
    for dimension in INSTRUMENT.dimensions:
        counted = [
            6 - answers[i.key] if i.key in REVERSED else answers[i.key]
            for i in dimension.items
            if answers[i.key] is not None
        ]
        if counted and 2 * len(counted) >= len(dimension.items):
            scores[dimension.key] = sum(counted) / len(counted)
    return scores


def stored_response(session, response_id) -> tuple[dict, dict]:
    answers = dict(
        session.execute(select(Answer.item_key, Answer.value).where(Answer.response_id == response_id)).all()
    )
    scores = dict(
        session.execute(
            select(ResponseScore.dimension, ResponseScore.score).where(ResponseScore.response_id == response_id)
        ).all()
    )
    return answers, scores


def assert_stored_responses_are_complete(session, round_id: int) -> None:
    """Every statement answered or "weet ik niet", and a score row for each dimension (and
    only those) that enough statements count for, with the score the rule gives."""
    for response_id in session.scalars(select(Response.id).where(Response.round_id == round_id)):
        answers, scores = stored_response(session, response_id)
        assert set(answers) == {item.key for item in INSTRUMENT.items}, response_id
        assert all(value is None or 1 <= value <= 5 for value in answers.values()), answers
        expected = expected_scores(answers)
        assert set(scores) == set(expected), (scores, expected)
        assert all(abs(scores[key] - expected[key]) < 1e-9 for key in expected), (scores, expected)


def test_fuzz_the_questionnaire_through_to_submission(app, session, world, make_round):
    """Each example is one person in a round of their own: all seven pages filled in (with
    made-up fields beside them), or some pages malformed or skipped; then the last page is
    sent. Whoever filled in every page is stored with exactly their answers; any other
    questionnaire only if its random pages happened to be complete, and never in part."""
    tally = {"complete": 0, "incomplete": 0, "stored": 0}

    @settings(max_examples=QUESTIONNAIRE_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def example(data):
        limiter.reset()  # every example starts a new questionnaire: the new-drafts limit is not under test
        round_ = make_round("T1", partnership=session.get(Partnership, world.partnership_id))
        complete = data.draw(st.booleans(), label="complete")
        client = app.test_client()
        token = csrf_from(client.get(f"/s/{round_.public_code}/1").text)
        steps = len(INSTRUMENT.dimensions) + 1
        broken = set() if complete else data.draw(st.sets(st.integers(1, steps), min_size=1), label="broken pages")
        posted = {}
        for step in range(1, steps + 1):
            if step in broken:
                if step < steps and data.draw(st.booleans(), label=f"skip page {step}"):
                    continue
                pairs = data.draw(page_fuzz(step), label=f"page {step} fields")
            else:
                page = data.draw(valid_page(step), label=f"page {step}")
                posted.update(page)
                pairs = list(page.items()) + data.draw(junk_fields(step), label=f"page {step} junk")
            form = MultiDict(pairs + [("csrf_token", token), ("action", "next")])
            response = client.post(f"/s/{round_.public_code}/{step}", data=form)
            assert response.status_code < 500, (step, form)
        landed = client.get(response.headers["Location"]) if response.status_code == 302 else response
        assert landed.status_code < 500
        stored = session.scalars(select(Response.id).where(Response.round_id == round_.id)).all()
        submitted = response.status_code == 302 and response.headers["Location"].endswith("/bedankt")
        assert len(stored) == (1 if submitted else 0)  # one response for a submission, none without
        tally["complete" if complete else "incomplete"] += 1
        tally["stored"] += len(stored)
        if complete:
            assert submitted, "a questionnaire with every page filled in was not stored"
            answers, _ = stored_response(session, stored[0])
            assert answers == {
                item.key: None if posted[item.key] == "dk" else int(posted[item.key]) for item in INSTRUMENT.items
            }
        assert_stored_responses_are_complete(session, round_.id)  # each example's own round: all rounds are checked

    example()
    print(f"questionnaire fuzzing: {tally}")
    assert tally["complete"] >= QUESTIONNAIRE_EXAMPLES // 5 and tally["incomplete"] >= QUESTIONNAIRE_EXAMPLES // 5, (
        tally
    )
    assert tally["stored"] >= tally["complete"]
    assert session.scalar(select(func.count()).select_from(Response)) == tally["stored"]


ROUND_FORMS = 3  # the last three of management_forms() post to the round


def management_forms(round_) -> list[tuple[str, str, list[str]]]:
    """(page with the form, where it posts, its fields) for every management form."""
    slug, base = round_.partnership.slug, f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    round_fields = ["title", "instrument_version", "opens_on", "closes_on", "hide_results_while_open"]
    return [
        ("/beheer/programmas/nieuw", "/beheer/programmas/nieuw", ["name", "slug"]),
        ("/beheer/nieuw", "/beheer/nieuw", ["name", "slug", "region", "programme"]),
        (f"/beheer/{slug}/", f"/beheer/{slug}/", ["name", "region", "programme"]),
        (f"/beheer/{slug}/", f"/beheer/{slug}/leden", ["email", "role"]),
        (f"/beheer/{slug}/metingen/nieuw", f"/beheer/{slug}/metingen/nieuw", round_fields),
        (base, base, round_fields),
        (base, base + "uitnodigingen", ["emails"]),
        (f"{base}verwijderen", f"{base}verwijderen", ["confirm"]),
    ]


def counting_views(app, endpoints: list[str]) -> dict[str, int]:
    """Count the requests that reach each view (the view still answers)."""
    reached = dict.fromkeys(endpoints, 0)
    for endpoint in endpoints:

        @functools.wraps(app.view_functions[endpoint])
        def counted(*args, endpoint=endpoint, view=app.view_functions[endpoint], **kwargs):
            reached[endpoint] += 1
            return view(*args, **kwargs)

        app.view_functions[endpoint] = counted
    return reached


def test_fuzz_the_management_forms(app, session, world, make_round):
    """Every example posts one form; a form of a round gets a round of its own, so an example
    that deleted its round (or changed its dates) leaves the next one a round to work on."""
    reached = counting_views(app, sorted({endpoint for _, endpoint in MANAGEMENT_ENDPOINTS}))
    client = app.test_client()
    posted = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def example(data):
        if client.get("/beheer/").status_code != 200:
            login(client, "beheer@f.example")
        index = data.draw(st.integers(0, len(MANAGEMENT_ENDPOINTS) - 1), label="form")
        round_ = world
        if index >= len(MANAGEMENT_ENDPOINTS) - ROUND_FORMS:
            round_ = make_round("T1", partnership=session.get(Partnership, world.partnership_id))
        page, action, names = management_forms(round_)[index]
        loaded = client.get(page)
        assert loaded.status_code == 200, (page, loaded.status_code)  # never silently skipped
        form = MultiDict(data.draw(fields_of(names)) + [("csrf_token", csrf_from(loaded.text))])
        assert client.post(action, data=form).status_code < 500, (action, form)
        posted.append(MANAGEMENT_ENDPOINTS[index][1])

    example()
    assert len(posted) == EXAMPLES
    # Every post reached its view, except those the input guard refused for a NUL (400).
    assert sum(reached.values()) >= EXAMPLES * 3 // 4, reached
    assert all(reached[endpoint] > 0 for endpoint in reached), reached


# (page endpoint, action endpoint) of management_forms(), in its order.
MANAGEMENT_ENDPOINTS = [
    ("manage.create_programme", "manage.create_programme"),
    ("manage.create_partnership", "manage.create_partnership"),
    ("manage.partnership", "manage.partnership"),
    ("manage.partnership", "manage.invite_member"),
    ("manage.create_round", "manage.create_round"),
    ("manage.round_page", "manage.round_page"),
    ("manage.round_page", "manage.invite_respondents"),
    ("manage.delete_round", "manage.delete_round"),
]


def odd_path(token: str) -> bool:
    """A token that no view sees as such: empty, percent-escapes (%2F is a slash), invisible characters."""
    return token == "" or "%" in token or not token.isprintable()


def test_fuzz_sign_in_and_links(app, session, world):
    reached = counting_views(app, ["auth.login", "personal.personal_link", "welcome.accept_invitation"])
    tally = {"examples": 0, "sign-in reached": 0, "links reached": 0}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(form=fields_of(["email", "password"]), token=st.text(max_size=60))
    def example(form, token):
        limiter.reset()  # each example starts with fresh counters, or most would only meet a 429
        client = app.test_client()
        page = client.get("/inloggen")
        before = dict(reached)
        signed = client.post("/inloggen", data=MultiDict(form + [("csrf_token", csrf_from(page.text))])).status_code
        safe = token.replace("/", "").replace("?", "").replace("#", "")
        links = [client.get(f"/u/{safe}").status_code, client.get(f"/welkom/{safe}").status_code]
        assert all(status < 500 for status in [signed, *links])
        assert 429 not in [signed, *links]  # the limiter never answered
        # The sign-in view answers every post but one with a NUL (the input guard's 400).
        has_nul = any("\x00" in text for pair in form for text in pair)
        assert (reached["auth.login"] > before["auth.login"]) == (not has_nul), (form, signed)
        for endpoint, status in zip(["personal.personal_link", "welcome.accept_invitation"], links):
            assert reached[endpoint] > before[endpoint] or (status in (400, 404) and odd_path(safe)), (safe, status)
        tally["examples"] += 1
        tally["sign-in reached"] += reached["auth.login"] - before["auth.login"]
        tally["links reached"] += sum(
            reached[e] - before[e] for e in ["personal.personal_link", "welcome.accept_invitation"]
        )

    example()
    print(f"sign-in and link fuzzing: {tally}")
    assert tally["examples"] == EXAMPLES
    # Each example's misses were explained above; most examples reach the views all the same.
    assert tally["sign-in reached"] >= EXAMPLES // 4 and tally["links reached"] >= EXAMPLES // 4, tally
