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


def test_an_administrator_with_a_programme_but_no_partnership_keeps_the_first_run_steps(client, session, make_user):
    """Not sent to an empty programme page: the next step (a partnership) is what they need."""
    session.add(Programme(slug="prog", name="Programma Jongeren"))
    session.commit()
    make_user("beheer@leeg.example", admin=True)
    login(client, "beheer@leeg.example")
    page = client.get("/dashboard/")
    assert page.status_code == 200  # no redirect to the programme
    assert "Zo begin je" in page.text and "/beheer/nieuw" in links(page.text)
    assert "/dashboard/programma/prog/" in links(page.text)


def test_the_home_page_shows_signed_out_leaders_where_to_sign_in(client, make_user):
    assert "/inloggen" in links(client.get("/").text)
    make_user("leider@p.example")
    login(client, "leider@p.example")
    assert "/inloggen" not in links(client.get("/").text)


def test_creating_a_programme_and_a_partnership_say_so_and_name_the_next_step(client, make_user):
    from .conftest import csrf_from

    make_user("beheer@leeg.example", admin=True)
    login(client, "beheer@leeg.example")
    form = client.get("/beheer/programmas/nieuw").text
    page = client.post(
        "/beheer/programmas/nieuw",
        data={"csrf_token": csrf_from(form), "name": "Jongeren in Beeld", "slug": "jib"},
        follow_redirects=True,
    ).text
    assert "‘Jongeren in Beeld’ is aangemaakt." in page and "Programma Jongeren in Beeld aangemaakt" not in page
    form = client.get("/beheer/nieuw").text
    page = client.post(
        "/beheer/nieuw",
        data={"csrf_token": csrf_from(form), "name": "Regio Noord", "slug": "noord", "programme": ""},
        follow_redirects=True,
    ).text
    assert "‘Regio Noord’ is aangemaakt. Nodig nu de projectleider uit." in page


def test_an_account_invitation_says_what_the_invitee_does_next(client, session, make_user):
    from .conftest import csrf_from

    session.add(Partnership(slug="noord", name="Regio Noord", region=""))
    session.commit()
    make_user("beheer@leeg.example", admin=True)
    login(client, "beheer@leeg.example")
    page = client.get("/beheer/noord/").text
    action = re.search(r'<form method="post" action="([^"]*leden[^"]*)"', page)
    url = action.group(1) if action else "/beheer/noord/leden"
    sent = client.post(url, data={"csrf_token": csrf_from(page), "email": "nieuw@p.example", "role": "leader"}).text
    assert "nieuw@p.example kiest met de link een wachtwoord en kan dan inloggen" in sent
    assert "werkt 14 dagen en één keer" in sent
