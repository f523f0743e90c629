"""Who may see what: every route of the URL map that takes a partnership or a round is
walked as every kind of visitor. A new route without the access check fails here."""
from datetime import date, timedelta

import pytest
from flask import url_for

from .conftest import login
from .test_dashboard import scored

PROTECTED_ARGUMENTS = {"slug", "round_id"}


@pytest.fixture
def two_partnerships(make_round, add_responses, make_user):
    today = date.today()
    ours = make_round("T1", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    theirs = make_round("T1 elders", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    add_responses(ours, 6, scored(4))
    add_responses(theirs, 6, scored(2))
    make_user("leider@ons.example", ours.partnership, "leader")
    make_user("kijker@ons.example", ours.partnership, "viewer")
    make_user("leider@elders.example", theirs.partnership, "leader")
    make_user("beheer@example.org", admin=True)
    return ours, theirs


def protected_urls(app, round_, partnership=None):
    """Every URL of a rule that takes a partnership or round, filled in for `round_` (under
    the slug of `partnership` when given, to mix one partnership's round into another's URL)."""
    slug = (partnership or round_.partnership).slug
    values = {"slug": slug, "round_id": round_.id}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.arguments & PROTECTED_ARGUMENTS and "GET" in rule.methods:
                if partnership is None or "round_id" in rule.arguments:
                    fmt = "png" if rule.endpoint == "manage.qr_code" else "csv"
                    urls.append(url_for(rule.endpoint, **{name: {**values, "fmt": fmt}[name] for name in rule.arguments}))
    return urls


def test_the_url_map_has_protected_routes(app, two_partnerships):
    urls = protected_urls(app, two_partnerships[0])
    assert len(urls) >= 5, urls  # dashboard, report, two exports, API, ...


# What each visitor gets on a partnership's routes: leaders and administrators everything,
# viewers the results but not the management pages or the row-level answers, everyone else nothing.
EXPECTED = {
    None: {"results": "sign-in", "leaders": "sign-in"},
    "kijker@ons.example": {"results": 200, "leaders": 404},
    "leider@ons.example": {"results": 200, "leaders": 200},
    "beheer@example.org": {"results": 200, "leaders": 200},
    "leider@elders.example": {"results": 404, "leaders": 404},
}


def audience(url: str) -> str:
    return "leaders" if url.startswith("/beheer/") or "/export/answers" in url else "results"


@pytest.mark.parametrize("who", list(EXPECTED), ids=["anonymous", "viewer", "leader", "admin", "leader-of-another-partnership"])
def test_every_partnership_route_for_every_role(app, client, two_partnerships, who):
    ours, _ = two_partnerships
    if who:
        login(client, who)
    for url in protected_urls(app, ours):
        expected = EXPECTED[who][audience(url)]
        response = client.get(url)
        if expected == "sign-in":
            if url.startswith("/api/"):
                assert response.status_code == 401, url
            else:
                assert response.status_code == 302 and "/inloggen" in response.headers["Location"], url
        else:
            assert response.status_code == expected, url


def test_a_round_of_another_partnership_under_our_slug_is_404(app, client, two_partnerships):
    ours, theirs = two_partnerships
    login(client, "leider@ons.example")
    mixed = protected_urls(app, theirs, partnership=ours.partnership)
    assert mixed
    for url in mixed:
        assert client.get(url).status_code == 404, url


def test_partnership_list_shows_only_ones_own(client, two_partnerships):
    ours, theirs = two_partnerships
    login(client, "leider@ons.example")
    index = client.get("/dashboard/")
    assert index.status_code == 302 and index.headers["Location"].endswith(f"/dashboard/{ours.partnership.slug}/")
    admin = client.application.test_client()
    login(admin, "beheer@example.org")
    page = admin.get("/dashboard/").text
    assert ours.partnership.name in page and theirs.partnership.name in page
