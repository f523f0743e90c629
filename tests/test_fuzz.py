"""Thousands of random and malformed forms posted to every form of the app: no response is
a 5xx, and no response is ever stored half."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

import clock
from extensions import limiter
from models import Answer, Response
from surveys.instrument import get_instrument

from .conftest import csrf_from, login

INSTRUMENT = get_instrument(1)
EXAMPLES = 350  # per test and database: 2,100 random forms in all

ODD = ["", " ", "1", "5", "6", "0", "-1", "dk", "DK", "1.0", "1e9", "99999999999999999999", "\x00", "\u202e", "𝟓", "٣",
       "<script>alert(1)</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0", "null", "[]", "{}", "true"]
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


def survey_forms(code: str) -> list[tuple[str, list[str]]]:
    forms = [(f"/s/{code}/{step}", [item.key for item in dimension.items] + ["comment", "action"])
             for step, dimension in enumerate(INSTRUMENT.dimensions, start=1)]
    return forms + [(f"/s/{code}/7", ["level", "domain", "action"])]


@pytest.fixture
def world(app, make_round, make_user):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=1), closes_on=clock.today() + timedelta(days=7))
    make_user("beheer@f.example", admin=True)
    make_user("leider@f.example", round_.partnership)
    return round_


def complete_responses_only(session) -> bool:
    per_response = select(func.count(Answer.id)).where(Answer.response_id == Response.id).scalar_subquery()
    return session.scalar(select(func.count()).select_from(Response).where(per_response != len(INSTRUMENT.items))) == 0


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_the_questionnaire(app, client, session, world, data):
    url, names = data.draw(st.sampled_from(survey_forms(world.public_code)))
    token = csrf_from(client.get(url).text)
    form = MultiDict(data.draw(fields_of(names)) + [("csrf_token", token)])
    response = client.post(url, data=form)
    assert response.status_code < 500, (url, form)
    followed = client.get(response.headers["Location"]) if response.status_code == 302 else response
    assert followed.status_code < 500
    assert complete_responses_only(session)


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


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_the_management_forms(app, client, session, world, data):
    if client.get_cookie("session") is None or client.get("/beheer/").status_code != 200:
        login(client, "beheer@f.example")
    page, action, names = data.draw(st.sampled_from(management_forms(world)))
    loaded = client.get(page)
    if loaded.status_code == 404:  # the round was deleted by an earlier example: fine
        return
    form = MultiDict(data.draw(fields_of(names)) + [("csrf_token", csrf_from(loaded.text))])
    assert client.post(action, data=form).status_code < 500, (action, form)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=fields_of(["email", "password"]), token=st.text(max_size=60))
def test_fuzz_sign_in_and_links(app, session, world, form, token):
    limiter.reset()  # each example starts with fresh counters, or most would only meet a 429
    client = app.test_client()
    page = client.get("/inloggen")
    statuses = [client.post("/inloggen", data=MultiDict(form + [("csrf_token", csrf_from(page.text))])).status_code]
    safe = token.replace("/", "").replace("?", "").replace("#", "")
    statuses += [client.get(f"/u/{safe}").status_code, client.get(f"/welkom/{safe}").status_code]
    assert all(status < 500 for status in statuses)
    assert 429 not in statuses  # every example reached the view, not the limiter
