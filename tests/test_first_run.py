"""Every empty page says what to do next, per role, and links to it: the administrator of an
empty database gets the first-run path, a coordinator is not told they are no leader, a new
leader gets a link to make the first round, a viewer is told who makes it."""

import re

import pytest
from sqlalchemy import select

from models import Coordinatorship, Partnership, Programme, User

from .conftest import login


def links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page.split("<main")[1]))


def test_the_administrator_of_an_empty_database_gets_the_first_run_path(app, client, make_user):
    make_user("beheer@leeg.example", admin=True)
    login(client, "beheer@leeg.example")
    for url in ("/dashboard/", "/beheer/"):
        page = client.get(url).text
        assert "Zo begin je" in page, url
        assert {"/beheer/programmas/nieuw", "/beheer/nieuw"} <= links(page), url
        assert "Vraag een projectleider" not in page and "nog geen projectleider" not in page, url


def test_a_coordinator_without_a_partnership_of_their_own_is_sent_to_the_programme(app, client, session, make_user):
    programme = Programme(slug="prog", name="Programma Jongeren")
    session.add(programme)
    session.commit()
    make_user("coord@prog.example")
    user = session.scalar(select(User).where(User.email == "coord@prog.example"))
    session.add(Coordinatorship(user_id=user.id, programme_id=programme.id))
    session.commit()
    login(client, "coord@prog.example")
    page = client.get("/beheer/").text
    assert "nog geen projectleider" not in page and "Zo begin je" not in page
    assert "Je leidt zelf geen samenwerkingsverband" in page and "/dashboard/programma/prog/" in links(page)


def test_a_leader_without_partnerships_is_told_whom_to_ask(client, make_user):
    make_user("nieuw@p.example")
    login(client, "nieuw@p.example")
    assert "Vraag een projectleider of beheerder" in client.get("/dashboard/").text
    page = client.get("/beheer/").text
    assert "Vraag een beheerder of een projectleider" in page and "Zo begin je" not in page


@pytest.mark.parametrize(("role", "link"), [("leader", True), ("viewer", False)])
def test_a_partnership_without_rounds_says_who_makes_the_first(app, client, session, make_user, role, link):
    partnership = Partnership(slug="nieuw", name="Nieuw Verband", region="Testregio")
    session.add(partnership)
    session.commit()
    make_user("iemand@nieuw.example", partnership, role=role)
    login(client, "iemand@nieuw.example")
    page = client.get("/dashboard/nieuw/").text
    assert "Er zijn nog geen metingen." in page
    assert ("/beheer/nieuw/metingen/nieuw" in links(page)) is link
    if not link:
        assert "Zodra een projectleider van dit samenwerkingsverband er een maakt" in page
