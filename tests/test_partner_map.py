"""Who is at which table (issue 13, part 4): leaders keep a partner map (organisations, their
domain, how often each sits at each table); the dashboard and the report show the matrix domain
x table with the missing domains in words, the change since the compared round and the
respondents per domain where the release shows them; the guide asks who still has to come to
the table. Over HTTP on both databases, every figure worked out by hand from what was entered."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

import clock
from dashboard.coverage import Partner, coverage, map_change
from models import AuditEvent, PartnerMap, PartnerOrganisation

from .conftest import csrf_from, login
from .test_backup import all_rows as backup_rows
from .test_backup import empty_app  # noqa: F401 (a second, empty database of the same kind)
from .test_dashboard import scored
from .test_promises import all_rows, assert_deleted, belonging_to

DAY = timedelta(days=1)
LEADER, VIEWER, OTHER = "leider@kaart.example", "kijker@kaart.example", "leider@elders.example"
TABLES = ("werkvloer", "beleid", "bestuur")
DOMAINS = ("onderwijs", "werk_inkomen", "zorg_jeugdhulp", "gemeente", "leerplicht_rmc", "jongere", "anders")
LABELS = {
    "onderwijs": "Onderwijs",
    "werk_inkomen": "Werk en inkomen",
    "zorg_jeugdhulp": "Zorg en jeugdhulp",
    "gemeente": "Gemeente",
    "leerplicht_rmc": "Leerplicht / RMC",
    "jongere": "Jongere",
    "anders": "Anders",
    "werkvloer": "Uitvoerend / werkvloer",
    "beleid": "Beleid",
    "bestuur": "Bestuur",
}


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def map_url(round_) -> str:
    return f"/beheer/{round_.partnership.slug}/partners/"


def entry(name, domain, werkvloer="niet", beleid="niet", bestuur="niet") -> dict:
    return {
        "name": name,
        "domain": domain,
        "table_werkvloer": werkvloer,
        "table_beleid": beleid,
        "table_bestuur": bestuur,
    }


def post(client, page: str, data: dict, action: str | None = None):
    """A form as a browser posts it: with the CSRF token of the page it is on."""
    html = client.get(page)
    assert html.status_code == 200, (page, html.status_code)
    return client.post(action or page, data={**data, "csrf_token": csrf_from(html.text)})


def add(client, round_, **fields):
    response = post(client, map_url(round_), entry(**fields))
    assert response.status_code == 302, unescape(response.text)
    return response


def checked(html: str) -> dict[str, str]:
    """The radio buttons a form shows ticked: {name: value}."""
    tags = re.findall(r"<input [^>]*\bchecked\b[^>]*>", html)
    return {re.search(r'name="([^"]+)"', tag).group(1): re.search(r'value="([^"]*)"', tag).group(1) for tag in tags}


def latest(session, partnership_id) -> list[tuple]:
    """The organisations of the latest version, as (number, name, domain, seats), read back."""
    session.expire_all()
    version = session.scalar(
        select(PartnerMap)
        .where(PartnerMap.partnership_id == partnership_id)
        .order_by(PartnerMap.saved_on.desc(), PartnerMap.id.desc())
        .limit(1)
    )
    if version is None:
        return []
    return sorted((o.number, o.name, o.domain, o.seats) for o in version.organisations)


def version_count(session, partnership_id) -> int:
    return session.scalar(select(func.count()).where(PartnerMap.partnership_id == partnership_id))


def section(html: str) -> str:
    match = re.search(r'<section id="partners".*?</section>', html, re.S)
    assert match, "no partner section"
    return match.group(0)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


RESPONDENTS = '<span class="domain-respondents">'


def matrix_rows(html: str) -> list[tuple[str, str | None, list[str]]]:
    """The partner matrix of a page: per row the domain, the respondents under it (None when
    not there) and the text of each cell after it."""
    table = re.search(r'<table class="partner-matrix">.*?</table>', section(html), re.S).group(0)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1), re.S):
        head = re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)
        name, _, respondents = head.partition(RESPONDENTS)
        cells = [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append((text(name), text(respondents) if respondents else None, cells))
    return rows


def matrix(html: str) -> dict[str, list[str]]:
    return {name: cells for name, _, cells in matrix_rows(html)}


def gaps(html: str) -> list[str]:
    found = re.search(r'<ul class="table-gaps">(.*?)</ul>', section(html), re.S)
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)] if found else []


@pytest.fixture
def world(make_round, make_user):
    """A partnership with a closed round T1 and an open round T2, its leader and viewer, and
    a leader of another partnership."""
    today = clock.today()
    t1 = make_round("T1", opens_on=today - 30 * DAY, closes_on=today - 10 * DAY)
    t2 = make_round("T2", opens_on=today - 2 * DAY, closes_on=today + 20 * DAY, partnership=t1.partnership)
    elders = make_round("T1 elders", opens_on=today - 30 * DAY, closes_on=today - 10 * DAY)
    make_user(LEADER, t1.partnership, "leader")
    make_user(VIEWER, t1.partnership, "viewer")
    make_user(OTHER, elders.partnership, "leader")
    return t1, t2, elders


# --- keeping the map --------------------------------------------------------------------------


def test_a_leader_adds_changes_and_removes_organisations(app, session, world):
    t1, _, _ = world
    leader, pid = signed_in(app, LEADER), t1.partnership_id
    add(leader, t1, name="UWV", domain="werk_inkomen", werkvloer="vast", beleid="soms")
    add(leader, t1, name="ROC Midden", domain="onderwijs", bestuur="vast")
    assert latest(session, pid) == [
        (1, "UWV", "werk_inkomen", {"werkvloer": "vast", "beleid": "soms", "bestuur": "niet"}),
        (2, "ROC Midden", "onderwijs", {"werkvloer": "niet", "beleid": "niet", "bestuur": "vast"}),
    ]
    page = leader.get(map_url(t1)).text
    assert "UWV" in page and "ROC Midden" in page
    assert "niet anoniem" in page and "zichtbaar voor iedereen met toegang" in page

    # The edit form shows what is stored; saving changes only that organisation, which keeps its number.
    edit = leader.get(f"{map_url(t1)}1/").text
    assert 'value="UWV"' in edit
    assert checked(edit) == {
        "domain": "werk_inkomen",
        "table_werkvloer": "vast",
        "table_beleid": "soms",
        "table_bestuur": "niet",
    }
    changed = post(leader, f"{map_url(t1)}1/", entry("UWV Utrecht", "werk_inkomen", "vast", "vast", "soms"))
    assert changed.status_code == 302
    assert latest(session, pid) == [
        (1, "UWV Utrecht", "werk_inkomen", {"werkvloer": "vast", "beleid": "vast", "bestuur": "soms"}),
        (2, "ROC Midden", "onderwijs", {"werkvloer": "niet", "beleid": "niet", "bestuur": "vast"}),
    ]

    removed = post(leader, map_url(t1), {}, action=f"{map_url(t1)}2/verwijderen")
    assert removed.status_code == 302
    assert latest(session, pid) == [
        (1, "UWV Utrecht", "werk_inkomen", {"werkvloer": "vast", "beleid": "vast", "bestuur": "soms"})
    ]
    page = leader.get(map_url(t1)).text
    assert "ROC Midden staat niet meer op de kaart." in page  # the flash message
    assert "ROC Midden" not in re.search(r'<ul class="partner-cards">.*?</ul>', page, re.S).group(0)
    assert leader.get(f"{map_url(t1)}2/").status_code == 404  # no longer on the map
    # A new number for a new organisation, never a removed one's.
    add(leader, t1, name="ROC Midden", domain="onderwijs")
    assert [row[0] for row in latest(session, pid)] == [1, 3]

    # Every save is a whole new version; the log says who did what.
    assert version_count(session, pid) == 5
    log = session.execute(
        select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.partnership_id == pid)
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in log] == [
        (LEADER, "partner.added", "UWV (werk_inkomen): werkvloer vast, beleid soms, bestuur niet"),
        (LEADER, "partner.added", "ROC Midden (onderwijs): werkvloer niet, beleid niet, bestuur vast"),
        (LEADER, "partner.changed", "UWV Utrecht (werk_inkomen): werkvloer vast, beleid vast, bestuur soms"),
        (LEADER, "partner.removed", "ROC Midden"),
        (LEADER, "partner.added", "ROC Midden (onderwijs): werkvloer niet, beleid niet, bestuur niet"),
    ]
    assert "organisatie op de partnerkaart gezet" in leader.get(f"/beheer/{t1.partnership.slug}/logboek").text


BAD = [
    ({"name": ""}, "Vul de naam van de organisatie in."),
    ({"name": "   "}, "Vul de naam van de organisatie in."),
    ({"name": "UWV\r\nBcc: x"}, "Hier passen geen regeleinden"),
    ({"name": "x" * 201}, "Een naam heeft hoogstens 200 tekens."),
    ({"domain": ""}, "Kies het domein van de organisatie."),
    ({"domain": "geen_antwoord"}, "Ongeldige keuze"),  # "zeg ik liever niet" is no domain
    ({"domain": "politie"}, "Ongeldige keuze"),
    ({"table_beleid": ""}, "Kies hoe vaak de organisatie aan deze tafel zit."),
    ({"table_bestuur": "altijd"}, "Ongeldige keuze"),
    ({"name": "roc midden"}, "Deze organisatie staat al op de kaart."),  # the same name in other capitals
]


@pytest.mark.parametrize("change, message", BAD, ids=[m[:24] + str(i) for i, (_, m) in enumerate(BAD)])
def test_bad_input_gets_422_with_a_dutch_message_and_stores_nothing(app, session, world, change, message):
    t1, _, _ = world
    leader, pid = signed_in(app, LEADER), t1.partnership_id
    add(leader, t1, name="ROC Midden", domain="onderwijs")
    add(leader, t1, name="UWV", domain="werk_inkomen")
    before = (latest(session, pid), version_count(session, pid))
    for url in (map_url(t1), f"{map_url(t1)}2/"):  # adding, and changing UWV
        data = {**entry("Jongerenraad", "jongere", bestuur="soms"), **change}
        response = post(leader, url, data)
        assert response.status_code == 422, (url, response.status_code)
        assert message in unescape(response.text), url
        assert 'class="error-summary"' in response.text
        assert (latest(session, pid), version_count(session, pid)) == before


def test_viewers_strangers_and_forged_posts_change_nothing(app, session, world):
    t1, _, elders = world
    leader, pid = signed_in(app, LEADER), t1.partnership_id
    add(leader, t1, name="UWV", domain="werk_inkomen", werkvloer="vast")
    before = (latest(session, pid), version_count(session, pid))
    token = csrf_from(leader.get(map_url(t1)).text)
    urls = [map_url(t1), f"{map_url(t1)}1/", f"{map_url(t1)}1/verwijderen"]
    for who in (VIEWER, OTHER):
        client = signed_in(app, who)
        own_token = csrf_from(client.get("/beheer/").text)
        for url in urls[:2]:
            assert client.get(url).status_code == 404, (who, url)
        for url in urls:
            assert client.post(url, data={**entry("Gemeente", "gemeente"), "csrf_token": own_token}).status_code == 404
    anonymous = app.test_client()
    for url in urls:
        response = anonymous.post(url, data=entry("Gemeente", "gemeente"))
        assert response.status_code in (302, 400), url  # to the sign-in page, or refused by the CSRF check
        assert anonymous.get(urls[0]).status_code == 302
    # A leader's post without the token, or with a forged one, is refused before the view.
    for data in (entry("Gemeente", "gemeente"), {**entry("Gemeente", "gemeente"), "csrf_token": token + "x"}):
        for url in urls:
            assert leader.post(url, data=data).status_code == 400, url
    assert (latest(session, pid), version_count(session, pid)) == before
    # The viewer reads the map on the dashboard, without the link to change it.
    page = signed_in(app, VIEWER).get(f"/dashboard/{t1.partnership.slug}/?round={world[1].id}").text
    assert "Wie zit aan welke tafel" in page and "UWV" in section(page)
    assert "Partnerkaart bijwerken" not in page and "/partners/" not in page
    assert "Partnerkaart bijwerken" in leader.get(f"/dashboard/{t1.partnership.slug}/?round={world[1].id}").text


# --- the matrix, the missing domains and the versions -----------------------------------------

MAP = [
    dict(name="ROC Midden", domain="onderwijs", werkvloer="vast", beleid="soms", bestuur="vast"),
    dict(name="Praktijkschool", domain="onderwijs", werkvloer="soms"),
    dict(name="UWV", domain="werk_inkomen", werkvloer="vast", beleid="soms"),
    dict(name="Gemeente Utrecht", domain="gemeente", werkvloer="soms", beleid="vast", bestuur="vast"),
    dict(name="Jeugdteam", domain="zorg_jeugdhulp", werkvloer="vast"),
    dict(name="Buurtsportcoach", domain="anders", beleid="soms"),
]


def test_the_matrix_and_the_missing_domains_are_what_was_entered(app, world):
    t1, t2, _ = world
    leader = signed_in(app, LEADER)
    for fields in MAP:
        add(leader, t1, **fields)
    page = leader.get(f"/dashboard/{t1.partnership.slug}/?round={t2.id}").text
    # By hand: per domain and table the organisations there and the most frequent one's
    # frequency; "ontbreekt" where none sits, except for "Anders", which no table misses.
    assert matrix(page) == {
        "Onderwijs": ["2 · vast", "1 · soms", "1 · vast"],
        "Werk en inkomen": ["1 · vast", "1 · soms", "ontbreekt"],
        "Zorg en jeugdhulp": ["1 · vast", "ontbreekt", "ontbreekt"],
        "Gemeente": ["1 · soms", "1 · vast", "1 · vast"],
        "Leerplicht / RMC": ["ontbreekt", "ontbreekt", "ontbreekt"],
        "Jongere": ["ontbreekt", "ontbreekt", "ontbreekt"],
        "Anders": ["geen", "1 · soms", "geen"],
    }
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', section(page))
    assert headers == ["Domein", "Uitvoerend / werkvloer", "Beleid", "Bestuur"]
    assert set(respondents(page).values()) == {None}  # T2 has no results to show
    assert gaps(page) == [
        "bij Uitvoerend / werkvloer: Leerplicht / RMC, Jongere",
        "bij Beleid: Zorg en jeugdhulp, Leerplicht / RMC, Jongere",
        "bij Bestuur: Werk en inkomen, Zorg en jeugdhulp, Leerplicht / RMC, Jongere",
    ]
    assert "ROC Midden" in section(page) and "niet anoniem" in section(page)
    # The printed report shows the same matrix, and every organisation without folding.
    report = leader.get(f"/dashboard/{t1.partnership.slug}/rounds/{t2.id}/report").text
    assert matrix(report) == matrix(page) and gaps(report) == gaps(page)
    assert "<details" not in section(report) and "Buurtsportcoach" in section(report)


def test_coverage_and_change_worked_out_by_hand():
    """The core on its own: the strongest frequency wins, "niet" and unknown values seat nobody,
    an unexpected domain is never missing, and organisations are matched by number."""
    tables, domains = ("a", "b"), ("x", "y", "z")
    before = [Partner(1, "Een", "x", {"a": "soms", "b": "vast"}), Partner(2, "Twee", "y", {"a": "vast"})]
    after = [Partner(1, "Een (nieuwe naam)", "x", {"a": "vast", "b": "niet"}), Partner(3, "Drie", "z", {"b": "??"})]
    old = coverage(before, domains, tables, expected=("x", "y"))
    new = coverage(after, domains, tables, expected=("x", "y"))
    assert [(d, t, old.cell(d, t).count, old.cell(d, t).strongest) for d in domains for t in tables] == [
        ("x", "a", 1, "soms"),
        ("x", "b", 1, "vast"),
        ("y", "a", 1, "vast"),
        ("y", "b", 0, None),
        ("z", "a", 0, None),
        ("z", "b", 0, None),
    ]
    assert old.gaps() == {"b": ("y",)} and new.gaps() == {"a": ("y",), "b": ("x", "y")}
    change = map_change(before, after, old, new)
    assert [p.name for p in change.added] == ["Drie"] and [p.name for p in change.removed] == ["Twee"]
    assert change.newly_missing == {"a": ("y",), "b": ("x",)} and change.newly_covered == {}
    assert map_change(after, after, new, new).empty
    two = [Partner(1, "Een", "x", {"a": "soms"}), Partner(2, "Twee", "x", {"a": "vast"})]
    assert coverage(two, domains, tables, ("x",)).cell("x", "a") == coverage(two[::-1], domains, tables, ("x",)).cell(
        "x", "a"
    )


def at_noon(day):
    return freeze_time(f"{day.isoformat()} 12:00:00")


def test_a_change_after_a_round_closed_leaves_its_map_and_the_change_is_listed(app, session, world):
    t1, t2, _ = world
    slug, closing = t1.partnership.slug, t1.closes_on
    with at_noon(closing - 5 * DAY):  # while T1 was open
        leader = signed_in(app, LEADER)
        add(leader, t1, name="ROC Midden", domain="onderwijs", werkvloer="vast", bestuur="vast")
        add(leader, t1, name="Gemeente Utrecht", domain="gemeente", beleid="vast", bestuur="vast")
    with at_noon(closing):  # its closing day still counts
        add(signed_in(app, LEADER), t1, name="Jeugdteam", domain="zorg_jeugdhulp", werkvloer="soms")
    leader = signed_in(app, LEADER)
    t1_page = lambda: leader.get(f"/dashboard/{slug}/?round={t1.id}").text  # noqa: E731
    t1_matrix = {
        "Onderwijs": ["1 · vast", "ontbreekt", "1 · vast"],
        "Werk en inkomen": ["ontbreekt", "ontbreekt", "ontbreekt"],
        "Zorg en jeugdhulp": ["1 · soms", "ontbreekt", "ontbreekt"],
        "Gemeente": ["ontbreekt", "1 · vast", "1 · vast"],
        "Leerplicht / RMC": ["ontbreekt", "ontbreekt", "ontbreekt"],
        "Jongere": ["ontbreekt", "ontbreekt", "ontbreekt"],
        "Anders": ["geen", "geen", "geen"],
    }
    before = t1_page()
    assert matrix(before) == t1_matrix and "Daarna is hij gewijzigd" not in before

    # Today, ten days after T1 closed: UWV joins, the municipality leaves, the school leaves governance.
    add(leader, t1, name="UWV", domain="werk_inkomen", werkvloer="vast")
    post(leader, map_url(t1), {}, action=f"{map_url(t1)}2/verwijderen")
    post(leader, f"{map_url(t1)}1/", entry("ROC Midden", "onderwijs", werkvloer="vast"))
    assert version_count(session, t1.partnership_id) == 6

    after = t1_page()
    assert matrix(after) == t1_matrix  # T1 keeps the map of its closing day
    assert "Gemeente Utrecht" in section(after) and "UWV" not in section(after)
    assert "het laatst op" in text(section(after))

    # T2, still open, has today's map, and lists what changed since T1 (T1 has no results, so
    # it is simply the round before).
    t2_page = leader.get(f"/dashboard/{slug}/?round={t2.id}").text
    assert matrix(t2_page)["Onderwijs"] == ["1 · vast", "ontbreekt", "ontbreekt"]
    assert matrix(t2_page)["Werk en inkomen"] == ["1 · vast", "ontbreekt", "ontbreekt"]
    assert matrix(t2_page)["Gemeente"] == ["ontbreekt", "ontbreekt", "ontbreekt"]
    changes = re.search(r'<ul class="map-change">(.*?)</ul>', section(t2_page), re.S).group(1)
    assert [text(item) for item in re.findall(r"<li>(.*?)</li>", changes, re.S)] == [
        "Erbij gekomen: UWV (Werk en inkomen)",
        "Niet meer op de kaart: Gemeente Utrecht (Gemeente)",
        "Nu aan tafel bij Uitvoerend / werkvloer: Werk en inkomen",
        "Niet meer aan tafel bij Beleid: Gemeente",
        "Niet meer aan tafel bij Bestuur: Onderwijs, Gemeente",
    ]
    assert "Veranderd sinds T1" in t2_page
    assert f"De kaart van T1 is van {closing.day}" in text(section(t2_page))


def test_a_round_that_closed_before_the_map_began_shows_todays_map_and_says_so(app, world):
    t1, _, _ = world
    leader = signed_in(app, LEADER)
    add(leader, t1, name="UWV", domain="werk_inkomen", werkvloer="vast")
    page = leader.get(f"/dashboard/{t1.partnership.slug}/?round={t1.id}").text
    assert "pas na het einde van T1 begonnen" in text(section(page))
    assert matrix(page)["Werk en inkomen"] == ["1 · vast", "ontbreekt", "ontbreekt"]


def test_without_a_map_the_section_says_so_and_offers_leaders_the_page(app, world):
    t1, _, _ = world
    page = signed_in(app, LEADER).get(f"/dashboard/{t1.partnership.slug}/").text
    assert "Er is nog geen partnerkaart" in section(page) and f"{map_url(t1)}" in section(page)
    viewer = signed_in(app, VIEWER).get(f"/dashboard/{t1.partnership.slug}/").text
    assert "Er is nog geen partnerkaart" in section(viewer) and "/partners/" not in viewer


# --- respondents per domain: only what the release shows ----------------------------------------


def respondents(html: str) -> dict[str, str | None]:
    return {name: shown for name, shown, _ in matrix_rows(html)}


def test_respondents_per_domain_only_where_the_release_shows_the_group(app, world, add_responses):
    """Submitted one by one (a release after every fifth): release 1 = 5 onderwijs; release 2 =
    5 gemeente; release 3 = 1 more onderwijs, 2 zorg en jeugdhulp, 2 werk en inkomen. Onderwijs
    (6 now) grew by one: it keeps its release-1 figure, 5. Zorg (2) and werk en inkomen (2) are
    never shown, so neither is any number of theirs: "niet getoond", like every domain nobody chose."""
    t1, t2, _ = world
    add_responses(t1, 5, scored(4), domain="onderwijs")
    add_responses(t1, 5, scored(3), domain="gemeente")
    add_responses(t1, 1, scored(4), domain="onderwijs")
    add_responses(t1, 2, scored(2), domain="zorg_jeugdhulp")
    add_responses(t1, 2, scored(2), domain="werk_inkomen")
    leader = signed_in(app, LEADER)
    add(leader, t1, name="Jeugdteam", domain="zorg_jeugdhulp", werkvloer="vast")
    slug = t1.partnership.slug
    api = json.loads(leader.get(f"/api/partnerships/{slug}/rounds/{t1.id}").text)
    assert api["respondents"] == 15 and set(api["domains"]) == {"onderwijs", "gemeente"}
    hidden = "niet getoond"
    expected = {
        "Onderwijs": "5 (stand 1)",
        "Werk en inkomen": hidden,
        "Zorg en jeugdhulp": hidden,
        "Gemeente": "5 (stand 2)",
        "Leerplicht / RMC": hidden,
        "Jongere": hidden,
        "Anders": hidden,
    }
    for url in (f"/dashboard/{slug}/?round={t1.id}", f"/dashboard/{slug}/rounds/{t1.id}/report"):
        page = leader.get(url).text
        assert respondents(page) == expected, url
        assert all(len(cells) == 3 for cells in matrix(page).values()), url
        # Nowhere else on the page either: the domain table names only the shown groups.
        domains = re.search(r'<section id="domains".*?</section>', page, re.S).group(0)
        assert re.findall(r'<tr><th scope="row">([^<]*)', domains) == ["Onderwijs ", "Gemeente "], url


def test_a_round_hiding_its_results_shows_no_respondents_at_all(app, world, add_responses, session):
    t1, t2, _ = world
    session.get(type(t2), t2.id).hide_results_while_open = True
    session.commit()
    add_responses(t2, 6, scored(4), domain="onderwijs")
    leader = signed_in(app, LEADER)
    add(leader, t1, name="ROC Midden", domain="onderwijs", werkvloer="vast")
    page = leader.get(f"/dashboard/{t1.partnership.slug}/?round={t2.id}").text
    assert matrix(page)["Onderwijs"] == ["1 · vast", "ontbreekt", "ontbreekt"]  # the map, not a figure: shown
    assert set(respondents(page).values()) == {None}
    assert "Respondenten per domein: verborgen tot de meting sluit" in text(section(page))
    assert not re.search(r"\b[56]\b", text(section(page)))


# --- the guide ------------------------------------------------------------------------------------


def prompt(html: str) -> str | None:
    found = re.search(r'<li class="guide-point table-prompt" id="wie-aan-tafel">.*?</li>\s*</ol>', html, re.S)
    return text(found.group(0)) if found else None


def test_the_guide_asks_who_still_has_to_come_to_the_table_only_when_a_domain_is_missing(app, world, add_responses):
    t1, _, _ = world
    add_responses(t1, 5, scored(4))
    leader, guide = signed_in(app, LEADER), f"/dashboard/{t1.partnership.slug}/rounds/{t1.id}/gespreksleidraad"
    assert leader.get(guide).status_code == 200 and prompt(leader.get(guide).text) is None  # no map yet
    everyone = ["onderwijs", "werk_inkomen", "zorg_jeugdhulp", "gemeente", "leerplicht_rmc", "jongere"]
    for n, domain in enumerate(everyone, start=1):
        add(leader, t1, name=f"Partij {n}", domain=domain, werkvloer="vast", beleid="soms", bestuur="vast")
    assert prompt(leader.get(guide).text) is None  # every domain at every table ("anders" is no gap)

    post(leader, f"{map_url(t1)}6/", entry("Partij 6", "jongere", werkvloer="vast", beleid="soms"))
    post(leader, f"{map_url(t1)}3/", entry("Partij 3", "zorg_jeugdhulp", werkvloer="vast", bestuur="soms"))
    asked = prompt(leader.get(guide).text)
    assert asked.startswith("Wie moet er nog aan tafel?")
    assert "ontbreekt: bij Beleid: Zorg en jeugdhulp bij Bestuur: Jongere Welke" in asked
    assert "wie dan met wie om tafel moet" in asked and "een bepaalde competentie ontbreekt" in asked  # the source
    assert "Maak hier een afspraak van" in asked and "Partnerkaart bijwerken" in asked
    viewer = prompt(signed_in(app, VIEWER).get(guide).text)
    assert "bij Bestuur: Jongere" in viewer and "Partnerkaart bijwerken" not in viewer


# --- deleting and backing up ----------------------------------------------------------------------


def test_deleting_a_partnership_removes_its_map_and_nothing_else(app, session, world):
    t1, _, elders = world
    ours = signed_in(app, LEADER)
    add(ours, t1, name="UWV", domain="werk_inkomen", werkvloer="vast")
    add(ours, t1, name="ROC Midden", domain="onderwijs")
    add(signed_in(app, OTHER), elders, name="Gemeente Elders", domain="gemeente", bestuur="vast")
    owned = belonging_to(session, "partnership", t1.partnership_id)
    assert len(owned["partner_map"]) == 2 and len(owned["partner_organisation"]) == 1 + 2
    before = all_rows(session)
    slug, name = t1.partnership.slug, t1.partnership.name
    assert post(ours, f"/beheer/{slug}/verwijderen", {"confirm": name}).status_code == 302
    assert_deleted(before, all_rows(session), owned)
    assert list(session.scalars(select(PartnerOrganisation.name))) == ["Gemeente Elders"]


def test_a_partnerships_backup_carries_its_map(app, runner, session, world, empty_app, tmp_path):  # noqa: F811
    t1, _, elders = world
    leader = signed_in(app, LEADER)
    add(leader, t1, name="UWV", domain="werk_inkomen", werkvloer="vast", beleid="soms")
    post(leader, f"{map_url(t1)}1/", entry("UWV Utrecht", "werk_inkomen", bestuur="vast"))
    add(signed_in(app, OTHER), elders, name="Gemeente Elders", domain="gemeente")
    file = tmp_path / "one.json"
    assert runner.invoke(args=["backup", "export", str(file), "--partnership", t1.partnership.slug]).exit_code == 0
    assert empty_app.test_cli_runner().invoke(args=["backup", "import", str(file)]).exit_code == 0
    original, copy = backup_rows(app), backup_rows(empty_app)
    ours = [row for row in original["partner_map"] if row[1] == t1.partnership_id]
    assert copy["partner_map"] == ours and len(ours) == 2
    assert copy["partner_organisation"] == [
        row for row in original["partner_organisation"] if row[1] in {m[0] for m in ours}
    ]
    assert [row[3] for row in copy["partner_organisation"]] == ["UWV", "UWV Utrecht"]
