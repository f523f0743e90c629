"""Cache-Control per kind of response: a year (immutable) for static files under their
content-hashed names and for plotly.js, signed in or not; no-store on everything the app
renders (dashboard, exports, API, the anonymous questionnaire); a stale hash never cached."""

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import url_for

import clock
from config import BASE_DIR

from .conftest import login, route_values, uniform_answers

STATIC = BASE_DIR / "static"
YEAR = "public, max-age=31536000, immutable"
STATIC_FILES = sorted(path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*") if path.is_file())


def sha16(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def hashed_url(filename: str) -> str:
    """The name the brief promises, computed here: css/app.css -> /static/css/app.<sha16>.css."""
    stem, ext = filename.rsplit(".", 1)
    return f"/static/{stem}.{sha16(STATIC / filename)}.{ext}"


@pytest.fixture
def leader(app, make_round, make_user, add_responses):
    """A signed-in leader of a partnership with a closed round of 5 responses and an open one."""
    today = clock.today()
    closed = make_round("T1", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    open_round = make_round("T2", partnership=closed.partnership)
    add_responses(closed, 5)
    client = app.test_client()
    login(client, make_user("leider@p.example", closed.partnership))
    client.closed, client.open_round = closed, open_round
    return client


def test_file_endpoints_are_the_static_and_plotly_views_only(app):
    """Walking the URL map: any new view that serves files has to be placed in the rule."""
    file_like = {
        rule.endpoint for rule in app.url_map.iter_rules() if "filename" in rule.arguments or "name" in rule.arguments
    }
    assert file_like == {"static", "assets.vendor"}


def test_url_for_static_gives_the_hashed_name_of_every_file(app):
    assert {"css/app.css", "js/charts.js", "favicon.svg"} <= set(STATIC_FILES)
    with app.test_request_context():
        for filename in STATIC_FILES:
            assert url_for("static", filename=filename) == hashed_url(filename)


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_static_file_is_cached_a_year_signed_in_or_not(app, leader, signed_in):
    client = leader if signed_in else app.test_client()
    for filename in STATIC_FILES:
        response = client.get(hashed_url(filename), headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, filename
        assert response.headers["Cache-Control"] == YEAR, filename
        assert response.data == (STATIC / filename).read_bytes()
        # A file any cache may keep carries no session and does not vary on it.
        assert "Set-Cookie" not in response.headers, filename
        assert "cookie" not in response.headers.get("Vary", "").lower(), filename
        assert "Expires" not in response.headers
        revalidated = client.get(hashed_url(filename), headers={"If-None-Match": response.headers["ETag"]})
        assert revalidated.status_code == 304 and revalidated.headers["Cache-Control"] == YEAR


def test_plotly_is_cached_a_year_for_a_signed_in_leader(leader):
    page = leader.get(f"/dashboard/{leader.closed.partnership.slug}/")
    assert page.headers["Cache-Control"] == "no-store"
    src = re.search(r'<script src="(/vendor/[^"]+)"', page.text)[1]
    response = leader.get(src)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == YEAR
    assert "Set-Cookie" not in response.headers and "cookie" not in response.headers["Vary"].lower()


def test_a_respondents_permanent_session_is_not_sent_with_static_files(client, respondent):
    saved = respondent.post(1, respondent.page_data(1, uniform_answers()))  # a draft: permanent session
    assert "session=" in saved.headers.get("Set-Cookie", "") and "Expires=" in saved.headers["Set-Cookie"]
    response = client.get(hashed_url("css/app.css"))
    assert response.headers["Cache-Control"] == YEAR
    assert "Set-Cookie" not in response.headers


def test_a_stale_hash_is_redirected_uncached_to_the_current_name(client):
    stale = "/static/css/app.0123456789abcdef.css"
    assert hashed_url("css/app.css") != stale
    response = client.get(stale)
    assert response.status_code == 302
    assert response.headers["Location"] == hashed_url("css/app.css")
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get(response.headers["Location"]).headers["Cache-Control"] == YEAR


@pytest.mark.parametrize(
    "url",
    [
        "/static/css/missing.0123456789abcdef.css",
        "/static/css/missing.css",
        "/static/css/app.0123456789abcdef.js",
        "/static/../config.py",
        "/static/css",
        "/vendor/plotly-4.1.1.min.js",
    ],
)
def test_no_such_file_is_a_404_never_cached(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_the_plain_name_still_works_and_is_revalidated(client):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.data == (STATIC / "css/app.css").read_bytes()
    assert response.headers["Cache-Control"] == "no-cache"


def test_rendered_pages_use_the_hashed_names(app, leader):
    slug = leader.closed.partnership.slug
    pages = {
        "home": app.test_client().get("/"),
        "login": app.test_client().get("/inloggen"),
        "dashboard": leader.get(f"/dashboard/{slug}/"),
        "report": leader.get(f"/dashboard/{slug}/rounds/{leader.closed.id}/report"),
    }
    for what, page in pages.items():
        assert page.status_code == 200, what
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
        assert hashed_url("css/app.css") in assets and hashed_url("favicon.svg") in assets, what
        assert set(assets) <= {hashed_url(filename) for filename in STATIC_FILES}, what
    for what in ("dashboard", "report"):
        assert hashed_url("js/charts.js") in pages[what].text
        bundle = BASE_DIR / "vendor" / "plotly" / "dist" / "plotly-partial.min.js"
        assert f'src="/vendor/plotly-4.1.1-partial.{sha16(bundle)}.min.js"' in pages[what].text


def test_personal_pages_exports_and_the_api_are_no_store_for_a_signed_in_leader(leader):
    slug, round_id = leader.closed.partnership.slug, leader.closed.id
    for url, mimetype in (
        (f"/dashboard/{slug}/", "text/html"),
        (f"/dashboard/{slug}/rounds/{round_id}/report", "text/html"),
        (f"/dashboard/{slug}/export/scores.csv", "text/csv"),
        (f"/dashboard/{slug}/export/scores.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (f"/dashboard/{slug}/rounds/{round_id}/export/statements.csv", "text/csv"),
        (f"/api/partnerships/{slug}/rounds/{round_id}", "application/json"),
        (f"/beheer/{slug}/", "text/html"),
    ):
        response = leader.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == mimetype, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_every_get_route_a_leader_opens_follows_the_rule(app, leader, session):
    """The URL map walked: file views are cached (a year under their hashed names), every other
    answer (pages, exports, JSON, redirects, errors) is no-store."""
    from sqlalchemy import text

    user_id = session.scalar(text("SELECT id FROM user_account WHERE email = 'leider@p.example'"))
    values = {**route_values(leader.closed, leader.open_round), "user_id": user_id, "invitation_id": 1}
    seen = set()
    with app.test_request_context():
        urls = [
            (rule.endpoint, url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}))
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        ]
    assert len(urls) >= 29
    for endpoint, url in urls:
        response = leader.get(url)
        seen.add(response.status_code)
        expected = YEAR if endpoint in ("static", "assets.vendor") else "no-store"
        assert response.headers["Cache-Control"] == expected, (url, response.status_code)
    assert {200, 302, 404} <= seen


def test_the_anonymous_questionnaire_is_never_stored(client, respondent):
    intro = client.get(f"/s/{respondent.code}")
    assert intro.status_code == 200 and intro.headers["Cache-Control"] == "no-store"
    step = client.get(respondent.url(1))
    assert 'name="csrf_token"' in step.text and step.headers["Cache-Control"] == "no-store"
    finished = respondent.complete(uniform_answers())
    assert finished.headers["Cache-Control"] == "no-store"
    thanks = client.get(finished.headers["Location"])
    assert thanks.status_code == 200 and thanks.headers["Cache-Control"] == "no-store"
    for url in ("/", "/inloggen", "/s/bestaat-niet"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
