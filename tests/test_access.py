"""Who may see what: every route of the URL map that takes a partnership or a round is
walked as every kind of visitor. A new route without the access check fails here."""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

import clock
from extensions import db
from models import Action, Coordinatorship, PartnerMap, PartnerOrganisation, Partnership, Programme, TimelineNote, User

from .conftest import csrf_from, login, route_values
from .test_dashboard import scored
from .test_youth import add_youth

PROTECTED_ARGUMENTS = {"slug", "round_id"}


@pytest.fixture
def two_partnerships(app, make_round, add_responses, make_user):
    today = clock.today()
    ours = make_round("T1", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    theirs = make_round("T1 elders", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    add_responses(ours, 6, scored(4))
    add_responses(theirs, 6, scored(2))
    add_youth(app, ours, 5)  # a youth release: the youth export answers 200 to those who may see it
    add_youth(app, theirs, 5)
    make_user("leider@ons.example", ours.partnership, "leader")
    make_user("kijker@ons.example", ours.partnership, "viewer")
    make_user("leider@elders.example", theirs.partnership, "leader")
    make_user("beheer@example.org", admin=True)
    return ours, theirs


QR_CODES = ("manage.qr_code", "manage.youth_qr_code")


def protected_urls(app, round_, partnership=None):
    """Every URL of a rule that takes a partnership or round, filled in for `round_` (under
    the slug of `partnership` when given, to mix one partnership's round into another's URL)."""
    slug = (partnership or round_.partnership).slug
    values = {"slug": slug, "round_id": round_.id}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.arguments - {"slug", "round_id", "fmt"}:
                continue  # an action or note of its own: test_every_get_route_for_every_role walks those
            if rule.arguments & PROTECTED_ARGUMENTS and "GET" in rule.methods:
                if partnership is None or "round_id" in rule.arguments:
                    fmt = "png" if rule.endpoint in QR_CODES else "csv"
                    urls.append(
                        url_for(rule.endpoint, **{name: {**values, "fmt": fmt}[name] for name in rule.arguments})
                    )
    return urls


def test_the_url_map_has_protected_routes(app, two_partnerships):
    urls = protected_urls(app, two_partnerships[0])
    assert len(urls) >= 5, urls  # dashboard, report, two exports, API, ...
    assert any("/export/statements.csv" in url for url in urls) and not any("/export/answers" in url for url in urls)


# What each visitor gets on a partnership's routes: leaders and administrators everything,
# viewers the results (the aggregate exports too) but not the management pages, everyone else nothing.
EXPECTED = {
    None: {"results": "sign-in", "leaders": "sign-in"},
    "kijker@ons.example": {"results": 200, "leaders": 404},
    "leider@ons.example": {"results": 200, "leaders": 200},
    "beheer@example.org": {"results": 200, "leaders": 200},
    "leider@elders.example": {"results": 404, "leaders": 404},
}


def audience(url: str) -> str:
    return "leaders" if url.startswith("/beheer/") or url.endswith("/afspraken/nieuw") else "results"


@pytest.mark.parametrize(
    "who", list(EXPECTED), ids=["anonymous", "viewer", "leader", "admin", "leader-of-another-partnership"]
)
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


# --- every GET route of the URL map, for every role ------------------------------------------

ROLES = ["anonymous", "viewer", "leader", "other", "coordinator", "admin"]
SIGN_IN = "sign-in"


def by_role(**statuses):
    return {role: statuses.get(role, statuses.get("rest")) for role in ROLES}


RESULTS = by_role(anonymous=SIGN_IN, viewer=200, leader=200, admin=200, rest=404)
LEADERS = by_role(anonymous=SIGN_IN, leader=200, admin=200, rest=404)
ADMINS = by_role(anonymous=SIGN_IN, admin=200, rest=404)
EVERYONE = by_role(rest=200)
# A new GET route is missing here and fails the test until someone decides who may see it.
EXPECTED_GET = {
    "home": EVERYONE,
    "privacy": EVERYONE,
    "static": EVERYONE,
    "assets.vendor": EVERYONE,
    "auth.login": by_role(anonymous=200, rest=302),
    "auth.change_password": by_role(anonymous=SIGN_IN, rest=200),
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": by_role(rest=404),
    "dashboard.index": by_role(anonymous=SIGN_IN, admin=200, rest=302),
    "dashboard.partnership": RESULTS,
    "dashboard.report": RESULTS,
    "dashboard.comments": RESULTS,  # every comment of a released round, under the dashboard's rule
    "dashboard.export_scores": RESULTS,
    "api.round_aggregates": RESULTS,
    "dashboard.export_statements": RESULTS,  # aggregates only: no row-level answers for anyone
    "dashboard.export_youth": RESULTS,  # what "Wat jongeren zeggen" shows, like the statements' export
    "dashboard.programme": by_role(anonymous=SIGN_IN, coordinator=200, admin=200, rest=404),
    "dashboard.programme_report": by_role(anonymous=SIGN_IN, coordinator=200, admin=200, rest=404),
    "dashboard.export_programme": by_role(anonymous=SIGN_IN, coordinator=200, admin=200, rest=404),
    "dashboard.quality": by_role(anonymous=SIGN_IN, coordinator=200, admin=200, rest=404),  # pooled, all partnerships
    "manage.index": by_role(anonymous=SIGN_IN, rest=200),
    "manage.create_partnership": ADMINS,
    "manage.create_programme": ADMINS,
    "manage.invite_coordinator": ADMINS,
    "manage.partnership": LEADERS,
    "manage.audit_log": LEADERS,
    "manage.create_round": LEADERS,
    "manage.round_page": LEADERS,
    "manage.qr_code": LEADERS,
    "manage.youth_qr_code": LEADERS,
    "manage.poster": LEADERS,
    "manage.delete_round": LEADERS,
    "manage.delete_partnership": LEADERS,
    "manage.partner_map": LEADERS,  # who is at which table: viewers read it on the dashboard
    "manage.edit_partner": LEADERS,
    "surveys.display_intro": EVERYONE,
    "surveys.display_step": EVERYONE,
    "surveys.display_thanks": by_role(rest=302),
    "youth.questionnaire": EVERYONE,
    "youth.thanks": by_role(rest=302),
    "personal.personal_link": by_role(rest=404),
    "welcome.accept_invitation": by_role(rest=404),
    "followup.guide": RESULTS,
    "followup.actions": RESULTS,
    "followup.export_actions": RESULTS,
    "followup.new_action": LEADERS,
    "followup.edit_action": LEADERS,
    "followup.timeline": RESULTS,
    "followup.edit_timeline_note": LEADERS,
    "followup.programme_timeline": by_role(anonymous=SIGN_IN, coordinator=200, admin=200, rest=404),
    "followup.edit_programme_note": by_role(anonymous=SIGN_IN, coordinator=200, admin=200, rest=404),
}


def followup_values(app, endpoint: str) -> dict:
    """An action and a timeline note of ours (a programme note for the programme's routes), and
    a point of our round's guide (everyone answered 4: the first two dimensions are lowest)."""
    with app.app_context():
        column = TimelineNote.programme_id if "programme" in endpoint else TimelineNote.partnership_id
        return {
            "action_id": db.session.scalar(select(Action.id)),
            "note_id": db.session.scalar(select(TimelineNote.id).where(column.is_not(None))),
            "point_key": "weakest:urgency",
            "partner": db.session.scalar(select(PartnerOrganisation.number)),
        }


@pytest.fixture
def programme_world(app, make_round, add_responses, make_user, session):
    today = clock.today()
    ours = make_round("T1", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    theirs = make_round("T1 elders", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    open_round = make_round(
        "T2", opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=9), partnership=ours.partnership
    )
    add_responses(ours, 6, scored(4))
    add_youth(app, ours, 5)
    programme = Programme(slug="prog", name="Programma")
    session.add(programme)
    session.get(Partnership, ours.partnership_id).programme = programme
    session.commit()
    make_user("kijker@ons.example", ours.partnership, "viewer")
    make_user("leider@ons.example", ours.partnership, "leader")
    make_user("leider@elders.example", theirs.partnership, "leader")
    make_user("beheer@example.org", admin=True)
    make_user("coord@example.org")
    with app.app_context():
        db.session.add(Coordinatorship(user_id=find_user_id("coord@example.org", app), programme_id=programme.id))
        db.session.add(Action(partnership_id=ours.partnership_id, title="Afspraak", dimensions=["youth"]))
        db.session.add(TimelineNote(partnership_id=ours.partnership_id, happened_on=today, text="Convenant"))
        db.session.add(TimelineNote(programme_id=programme.id, happened_on=today, text="Landelijk pact"))
        organisation = PartnerOrganisation(number=1, name="UWV", domain="werk_inkomen", seats={"werkvloer": "vast"})
        db.session.add(PartnerMap(partnership_id=ours.partnership_id, saved_on=today, organisations=[organisation]))
        db.session.commit()
    return ours, open_round


EMAILS = {
    "viewer": "kijker@ons.example",
    "leader": "leider@ons.example",
    "other": "leider@elders.example",
    "coordinator": "coord@example.org",
    "admin": "beheer@example.org",
}


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_for_every_role(app, programme_world, role):
    ours, open_round = programme_world
    values = route_values(ours, open_round)
    client = app.test_client()
    if role != "anonymous":
        login(client, EMAILS[role])
    with app.test_request_context():
        rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
        assert {rule.endpoint for rule in rules} == set(EXPECTED_GET), "a GET route without an entry in EXPECTED_GET"
        urls = [
            (
                rule.endpoint,
                url_for(
                    rule.endpoint,
                    **{n: ("png" if rule.endpoint in QR_CODES and n == "fmt" else values[n]) for n in rule.arguments}
                    | {n: v for n, v in followup_values(app, rule.endpoint).items() if n in rule.arguments},
                ),
            )
            for rule in rules
        ]
    for endpoint, url in urls:
        expected = EXPECTED_GET[endpoint][role]
        response = client.get(url)
        if expected == SIGN_IN:
            assert response.status_code == (401 if url.startswith("/api/") else 302), url
            if not url.startswith("/api/"):
                assert "/inloggen" in response.headers["Location"], url
        else:
            assert response.status_code == expected, (role, url, response.status_code)


# --- every POST route, for every role (with a valid CSRF token, so the access check answers) --

# Anything but 400, 401, 403, 404 or a 5xx: the request reached the action. A 400 is what
# the CSRF check answers before any view, so it never counts as reached: with a valid token
# no view answers 400 to a post that only lacks its fields (they answer 422, or redirect).
ALLOWED = "allowed"
POST_LEADERS = by_role(anonymous=SIGN_IN, leader=ALLOWED, admin=ALLOWED, rest=404)
POST_ADMINS = by_role(anonymous=SIGN_IN, admin=ALLOWED, rest=404)
EXPECTED_POST = {
    "auth.login": by_role(anonymous=ALLOWED, rest=302),
    "auth.logout": by_role(anonymous=SIGN_IN, rest=302),
    "auth.change_password": by_role(anonymous=SIGN_IN, rest=ALLOWED),
    "auth.forgot_password": by_role(rest=ALLOWED),
    "auth.reset_password": by_role(rest=404),
    "manage.create_partnership": POST_ADMINS,
    "manage.create_programme": POST_ADMINS,
    "manage.invite_coordinator": POST_ADMINS,
    "manage.partnership": POST_LEADERS,
    "manage.invite_member": POST_LEADERS,
    "manage.remove_member": POST_LEADERS,
    "manage.withdraw_invitation": POST_LEADERS,
    "manage.create_round": POST_LEADERS,
    "manage.round_page": POST_LEADERS,
    "manage.open_round": POST_LEADERS,
    "manage.close_round": POST_LEADERS,
    "manage.invite_respondents": POST_LEADERS,
    "manage.remind_respondents": POST_LEADERS,
    "manage.resend_invitations": POST_LEADERS,
    "manage.delete_round": POST_LEADERS,
    "manage.delete_partnership": POST_LEADERS,
    "manage.partner_map": POST_LEADERS,
    "manage.edit_partner": POST_LEADERS,
    "manage.remove_partner": POST_LEADERS,
    "surveys.display_step": by_role(rest=ALLOWED),
    "surveys.display_restart": by_role(rest=ALLOWED),
    "youth.questionnaire": by_role(rest=ALLOWED),
    "youth.restart": by_role(rest=ALLOWED),
    "welcome.accept_invitation": by_role(rest=404),
    "followup.save_note": POST_LEADERS,
    "followup.new_action": POST_LEADERS,
    "followup.edit_action": POST_LEADERS,
    "followup.delete_action": POST_LEADERS,
    "followup.timeline": POST_LEADERS,
    "followup.edit_timeline_note": POST_LEADERS,
    "followup.delete_timeline_note": POST_LEADERS,
    "followup.programme_timeline": by_role(anonymous=SIGN_IN, coordinator=ALLOWED, admin=ALLOWED, rest=404),
    "followup.edit_programme_note": by_role(anonymous=SIGN_IN, coordinator=ALLOWED, admin=ALLOWED, rest=404),
    "followup.delete_programme_note": by_role(anonymous=SIGN_IN, coordinator=ALLOWED, admin=ALLOWED, rest=404),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_post_route_for_every_role(app, programme_world, role):
    ours, open_round = programme_world
    values = {
        "slug": ours.partnership.slug,
        "round_id": ours.id,
        "programme_slug": "prog",
        "code": open_round.public_code,
        "youth_code": open_round.youth_code,
        "step": 1,
        "token": "x" * 43,
        "user_id": find_user_id("kijker@ons.example", app),
        "invitation_id": 1,
    }
    with app.test_request_context():
        rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
        assert {rule.endpoint for rule in rules} == set(EXPECTED_POST), "a POST route without an entry in EXPECTED_POST"
        urls = [
            (
                rule.endpoint,
                url_for(
                    rule.endpoint,
                    **{n: values[n] for n in rule.arguments if n in values}
                    | {n: v for n, v in followup_values(app, rule.endpoint).items() if n in rule.arguments},
                ),
            )
            for rule in rules
        ]
    # Deleting the partnership last, so the other routes still find it; before it the actions,
    # notes and partners, which are removed without a confirmation, after their edit routes.
    removing = lambda endpoint: endpoint.startswith("followup.delete") or endpoint == "manage.remove_partner"  # noqa: E731
    urls.sort(key=lambda pair: (pair[0] == "manage.delete_partnership", removing(pair[0])))
    for endpoint, url in urls:
        client = app.test_client()  # fresh, so signing out does not end the walk
        if role != "anonymous":
            login(client, EMAILS[role])
        token = csrf_from(client.get("/inloggen" if role == "anonymous" else "/beheer/").text)
        response = client.post(url, data={"csrf_token": token})
        expected = EXPECTED_POST[endpoint][role]
        if expected == SIGN_IN:
            assert response.status_code == 302 and "/inloggen" in response.headers["Location"], (role, url)
        elif expected == ALLOWED:
            assert response.status_code not in (400, 401, 403, 404) and response.status_code < 500, (
                role,
                url,
                response.status_code,
            )
        else:
            assert response.status_code == expected, (role, url, response.status_code)


def find_user_id(email: str, app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))
