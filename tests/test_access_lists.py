"""What the overview pages list per role, and programmes nobody may open: the lists of
auth/access.py (led, visible partnerships, visible programmes) and programme_or_404, over HTTP.
Made in a different order than their names, so only sorting lists them by name."""

import re

import pytest

from extensions import db
from manage.accounts import grant
from models import Coordinatorship, Partnership, Programme, Role, User, find_user

from .conftest import login

# Inserted in this order (ids rise with it); listed by name they run Amstel, Maasland, Zeeland.
PARTNERSHIPS = [("zee", "Zeeland Samen"), ("maas", "Maasland Samen"), ("amstel", "Amstel Samen")]
PROGRAMMES = [("noord", "Noord programma"), ("delta", "Delta programma")]


@pytest.fixture
def world(session, make_user):
    """leider@: leads Zeeland and Amstel, views Maasland; ander@ leads Maasland;
    coord@ coordinates both programmes; admin@ is an administrator."""
    partnerships = {}
    for slug, name in PARTNERSHIPS:
        partnerships[slug] = Partnership(slug=slug, name=name, region="Test")
        session.add(partnerships[slug])
        session.commit()
    make_user("leider@lijst.example", partnerships["zee"])
    make_user("ander@lijst.example", partnerships["maas"])
    programmes = []
    for slug, name in PROGRAMMES:
        programme = Programme(slug=slug, name=name)
        session.add(programme)
        session.commit()
        programmes.append(programme)
    make_user("coord@lijst.example")
    coordinator = session.query(User).filter_by(email="coord@lijst.example").one()
    for programme in programmes:
        session.add(Coordinatorship(user_id=coordinator.id, programme_id=programme.id))
    make_user("admin@lijst.example", admin=True)
    session.commit()
    return partnerships


@pytest.fixture
def leader(app, client, world):
    """leider@ also leads Amstel and views Maasland (granted through the real service)."""
    with app.app_context():
        user = find_user("leider@lijst.example")
        grant(user, db.session.get(Partnership, world["amstel"].id), Role.LEADER)
        grant(user, db.session.get(Partnership, world["maas"].id), Role.VIEWER)
        db.session.commit()
    login(client, "leider@lijst.example")
    return client


def listed(page: str, prefix: str) -> list[str]:
    """Slugs linked as `<prefix><slug>/`, in page order, each once."""
    seen = []
    for slug in re.findall(rf'href="{re.escape(prefix)}([a-z0-9-]+)/"', page):
        if slug not in seen:
            seen.append(slug)
    return seen


def test_management_lists_only_the_partnerships_one_leads_by_name(leader):
    page = leader.get("/beheer/").text
    # Not Maasland, where this leader is a viewer and someone else leads.
    assert listed(page, "/beheer/") == ["amstel", "zee"]


def test_the_dashboard_lists_every_partnership_one_may_see_by_name(leader):
    page = leader.get("/dashboard/").text
    assert listed(page, "/dashboard/") == ["amstel", "maas", "zee"]


def test_an_administrator_manages_every_partnership_by_name(client, world):
    login(client, "admin@lijst.example")
    assert listed(client.get("/beheer/").text, "/beheer/") == ["amstel", "maas", "zee"]


def test_a_coordinator_sees_their_programmes_by_name(client, world):
    login(client, "coord@lijst.example")
    page = client.get("/dashboard/").text
    assert listed(page, "/dashboard/programma/") == ["delta", "noord"]
    # No partnership of their own; the instrument's quality page (a reserved slug) is no partnership.
    assert listed(page, "/dashboard/") == ["kwaliteit"]


@pytest.mark.parametrize("email", ["coord@lijst.example", "admin@lijst.example"])
def test_an_unknown_programme_is_404_for_everyone(client, world, email):
    login(client, email)
    assert client.get("/dashboard/programma/bestaat-niet/").status_code == 404


def test_a_coordinator_of_one_programme_gets_404_on_another(client, world, session, make_user):
    make_user("alleen-noord@lijst.example")
    user = session.query(User).filter_by(email="alleen-noord@lijst.example").one()
    noord = session.query(Programme).filter_by(slug="noord").one()
    session.add(Coordinatorship(user_id=user.id, programme_id=noord.id))
    session.commit()
    login(client, "alleen-noord@lijst.example")
    assert client.get("/dashboard/programma/noord/").status_code == 200
    assert client.get("/dashboard/programma/delta/").status_code == 404
