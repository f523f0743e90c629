"""Thousands of random and malformed forms posted to every form of the app: no response is
a 5xx, and no response is ever stored half."""

import functools
import io
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

import clock
from extensions import limiter
from models import Answer, Comment, Partnership, Response, ResponseScore, YouthAnswer, YouthResponse
from surveys.instrument import get_instrument
from surveys.youth import get_youth_instrument

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
# The questionnaire's pages, by hand: two dimensions a page in the instrument's order, then the profile.
DIMENSION_PAGES = {1: INSTRUMENT.dimensions[0:2], 2: INSTRUMENT.dimensions[2:4], 3: INSTRUMENT.dimensions[4:6]}
STEPS = 4
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
    if step == STEPS:
        return list(PROFILE) + ["action"]
    dimensions = DIMENSION_PAGES[step]
    items = [item.key for dimension in dimensions for item in dimension.items]
    return items + [f"comment-{dimension.key}" for dimension in dimensions] + ["action"]


def valid_page(step: int):
    """What a person fills in on a page: every statement answered (or "weet ik niet"), and
    each dimension's comment (perhaps empty)."""
    if step == STEPS:
        return st.fixed_dictionaries({key: st.sampled_from(options) for key, options in PROFILE.items()})
    dimensions = DIMENSION_PAGES[step]
    items = {item.key: st.sampled_from(SCALE) for dimension in dimensions for item in dimension.items}
    comment = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=100)
    return st.fixed_dictionaries({**items, **{f"comment-{dimension.key}": comment for dimension in dimensions}})


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
    """Each example is one person in a round of their own: all four pages filled in (with
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
        steps = STEPS
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
            # Each comment under its own dimension, wherever on its page it was: none where
            # nothing was written, and a plain word exactly as written.
            comments = dict(
                session.execute(select(Comment.dimension, Comment.text).where(Comment.response_id == stored[0])).all()
            )
            written = {d.key: posted[f"comment-{d.key}"] for d in INSTRUMENT.dimensions if posted[f"comment-{d.key}"]}
            assert set(comments) <= set(written), (comments, written)
            for key, text in written.items():
                if text.isalnum():
                    assert comments[key] == text, (key, comments, written)
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


# --- the youth questionnaire (/j/<code>), driven to submission ------------------------------

YOUTH = get_youth_instrument()
YOUTH_KEYS = [statement.key for statement in YOUTH.statements]
YOUTH_SCALE = [str(option.value) for option in YOUTH.scale.options] + ["dk"]
YOUTH_EXAMPLES = 300
ACTIONS = ["send", "lang:en", "lang:nl", "lang:", "lang:xx", "lang:\u202e"]
MAX_BODY = 256 * 1024  # the app's MAX_CONTENT_LENGTH (checked in the test)
TOO_BIG = "z" * (300 * 1024)  # past it on its own
youth_values = st.one_of(
    st.sampled_from(ODD + YOUTH_SCALE + ["x" * 1001, TOO_BIG] + ACTIONS),
    st.text(max_size=40),
    st.text(min_size=500, max_size=3000),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)


def youth_fields():
    """Real statement names (some missing, some repeated), the action button and made-up
    names, with any value; never the CSRF field (its token is posted by every example)."""
    names = st.one_of(
        st.sampled_from(YOUTH_KEYS + ["action"]), st.text(max_size=20).filter(lambda k: k != "csrf_token")
    )
    return st.lists(st.tuples(names, youth_values), max_size=2 * len(YOUTH_KEYS) + 4)


def youth_junk():
    real = set(YOUTH_KEYS) | {"action", "csrf_token"}
    names = st.text(max_size=20).filter(lambda key: key not in real and "\x00" not in key)
    return st.lists(st.tuples(names, page_values.filter(lambda value: "\x00" not in value)), max_size=4)


def holds_nul(value) -> bool:
    """A NUL in any string or key of a JSON document."""
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(map(holds_nul, value))
    return isinstance(value, str) and "\x00" in value


def as_sent(**request) -> tuple[int, bool]:
    """The bytes the test client sends for this post (werkzeug's own encoding), and whether
    werkzeug's parser loses a field's name (a line break or backslash in a multipart part's
    name reads as None: the input guard refuses it)."""
    builder = EnvironBuilder(method="POST", **request)
    length = int(builder.get_environ()["CONTENT_LENGTH"])
    if length > MAX_BODY:
        return length, False
    parsed = EnvironBuilder(method="POST", **request).get_request()
    return length, None in list(parsed.form.keys()) + list(parsed.files.keys())


def assert_youth_responses_are_complete(session, round_id: int) -> dict[int, dict]:
    """Every stored youth response has an answer to every statement, each 1 to 5 or "weet ik
    niet" (None), and nothing else; returns them by id."""
    stored = {}
    for response_id in session.scalars(select(YouthResponse.id).where(YouthResponse.round_id == round_id)):
        answers = dict(
            session.execute(
                select(YouthAnswer.item_key, YouthAnswer.value).where(YouthAnswer.response_id == response_id)
            ).all()
        )
        assert set(answers) == set(YOUTH_KEYS), answers
        assert all(value is None or (type(value) is int and 1 <= value <= 5) for value in answers.values()), answers
        stored[response_id] = answers
    return stored


def test_fuzz_the_youth_questionnaire_through_to_submission(app, session, world, make_round):
    """Each example is one young person on a device of their own in a round of its own: a
    complete form (every sentence answered, made-up fields beside it), random form fields
    (missing, repeated, out of range, huge, NUL, odd Unicode; sometimes a file where an answer
    goes), or a JSON body of any shape. No 5xx; every post reaches the view except those the
    input guard refuses for a NUL or a part without a readable name (400) or that are too big
    (413); a post that stores nothing
    gets a 4xx with the form's message, or the form again after the language button; one that
    is sent stores exactly its first value per sentence, every answer on the scale."""
    reached = counting_views(app, ["youth.questionnaire"])
    tally = {"complete": 0, "fields": 0, "json": 0, "reached": 0, "stored": 0, "refused": 0, "message": 0, "lang": 0}

    @settings(max_examples=YOUTH_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def example(data):
        limiter.reset()  # every example is a new young person: the per-address limit is not under test
        round_ = make_round("T1", partnership=session.get(Partnership, world.partnership_id))
        code = round_.youth_code
        client = app.test_client()
        page = client.get(f"/j/{code}")
        assert page.status_code == 200
        token = csrf_from(page.text)
        kind = data.draw(st.sampled_from(["fields", "json", "complete"]), label="kind")
        before = reached["youth.questionnaire"]
        upload = None
        if kind == "json":
            body = data.draw(st.dictionaries(st.sampled_from(YOUTH_KEYS) | st.text(max_size=10), json_values))
            request = lambda: {"json": body, "headers": {"X-CSRFToken": token}}  # noqa: E731
            has_nul = holds_nul(body)
            pairs = []
        else:
            if kind == "complete":
                answers = data.draw(st.fixed_dictionaries({key: st.sampled_from(YOUTH_SCALE) for key in YOUTH_KEYS}))
                pairs = list(answers.items()) + data.draw(youth_junk(), label="junk")
            else:
                pairs = data.draw(youth_fields(), label="fields")
                if data.draw(st.booleans(), label="a button first"):  # the language buttons, or odd ones
                    pairs = [("action", data.draw(st.sampled_from(ACTIONS), label="button"))] + pairs
            upload = None  # a file where an answer goes (sent first: Flask-WTF reads files before fields)
            if kind == "fields" and data.draw(st.booleans(), label="a file"):
                upload = (
                    data.draw(st.sampled_from(YOUTH_KEYS), label="file field"),
                    data.draw(st.text(max_size=20), label="file name"),
                    data.draw(st.binary(max_size=100), label="file content"),
                )

            def request_of(pairs=pairs, upload=upload) -> dict:  # a fresh one per use: the file is read once
                form = MultiDict(pairs + [("csrf_token", token)])
                if upload:
                    form.add(upload[0], (io.BytesIO(upload[2]), upload[1]))
                return {"data": form}

            request = request_of
            texts = [text for pair in pairs for text in pair] + ([upload[0], upload[1]] if upload else [])
            has_nul = any("\x00" in text for text in texts)
        assert app.config["MAX_CONTENT_LENGTH"] == MAX_BODY
        length, nameless = as_sent(**request())
        too_big = length > MAX_BODY
        response = client.post(f"/j/{code}", **request())
        status = response.status_code
        assert status < 500, (kind, status, pairs)
        assert status != 429  # the limiter never answered
        went_in = reached["youth.questionnaire"] > before
        # The view saw every post but those refused before it, each for its reason.
        assert went_in == (not has_nul and not too_big and not nameless), (kind, status, has_nul, too_big, nameless)
        if not went_in:
            assert status == (413 if too_big else 400), (status, has_nul, too_big, nameless)
            tally["refused"] += 1
        tally[kind] += 1
        tally["reached"] += went_in
        stored = assert_youth_responses_are_complete(session, round_.id)
        sent = status == 302 and response.headers["Location"].endswith(f"/j/{code}/bedankt")
        assert len(stored) == (1 if sent else 0), (kind, status, pairs)
        tally["stored"] += len(stored)
        first = {}
        for key, value in pairs:
            first.setdefault(key, value)
        if kind == "complete":
            assert sent, "a complete youth questionnaire was not stored"
        if sent:  # exactly what was posted, the first value of each sentence
            assert upload is None
            assert list(stored.values())[0] == {
                key: None if first[key] == "dk" else int(first[key]) for key in YOUTH_KEYS
            }
        elif went_in:
            action = first.get("action", "send") if kind != "json" else "send"
            if status == 200:  # the language button: the same form again, nothing stored
                assert action.startswith("lang:"), (status, pairs)
                tally["lang"] += 1
            else:
                assert status == 422 and "Kies een antwoord bij deze zin." in response.text, (status, pairs)
                tally["message"] += 1

    example()
    print(f"youth questionnaire fuzzing: {tally}")
    examples = tally["complete"] + tally["fields"] + tally["json"]
    assert examples == YOUTH_EXAMPLES
    assert tally["reached"] + tally["refused"] == examples and tally["reached"] >= examples // 2, tally
    assert min(tally["complete"], tally["fields"], tally["json"]) >= YOUTH_EXAMPLES // 20, tally  # each kind ran
    assert tally["message"] >= YOUTH_EXAMPLES // 10 and tally["lang"] > 0, tally
    assert tally["stored"] >= tally["complete"]
    assert session.scalar(select(func.count()).select_from(YouthResponse)) == tally["stored"]
