"""The young people's figures outside the dashboard: in the API's "youth" and in the youth
export (/dashboard/<slug>/rounds/<id>/export/jongeren.<fmt>), exactly what "Wat jongeren
zeggen" shows and nothing more; and the instrument version in the API and in the score,
statement and programme exports.

Young people answer through their own link (/j/<code>) with the test client, as a phone
without JavaScript does; expected figures are worked out by hand (and with the statistics
module), never by the code under test."""

import csv
import html
import io
import re
import statistics

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import clock
from models import AuditEvent, Partnership, Programme
from surveys.youth import get_youth_instrument

from .conftest import csrf_from, login

INSTRUMENT = get_youth_instrument()
KEYS = [s.key for s in INSTRUMENT.statements]
TEXT = {s.key: s.text.nl for s in INSTRUMENT.statements}

# Five young people. Most sentences: 1, 2, 4, 5, 5 (mean 3.4; squares of the deviations
# 5.76 + 1.96 + 0.36 + 2.56 + 2.56 = 13.2, so the spread is sqrt(13.2 / 4) = 1.817; one
# each of 1, 2 and 4, two 5s). "tell_once": the first does not know, so four answers: too
# few to show, and its "weet ik niet" (1) is no number the dashboard shows either.
# "quick_action": everyone 3 (mean 3.0, spread 0.0).
VALUES = [1, 2, 4, 5, 5]
HIDDEN_KEY, FLAT_KEY = "tell_once", "quick_action"
YOUTH_HEADER = [
    "Zin voor jongeren",
    "Dimensie",
    "Aantal antwoorden",
    "Gemiddelde",
    "Spreiding",
    "1 Helemaal niet waar",
    "2 Niet waar",
    "3 Een beetje waar",
    "4 Waar",
    "5 Helemaal waar",
    "Weet ik niet",
    "Stand",
]
DIMENSION = {  # the README's table
    "youth": "De jongere centraal",
    "levels": "Samenwerking op verschillende niveaus",
    "investment": "Investeren in de samenwerking",
    "daring": "Durven en doen",
}


def person(index: int) -> dict[str, str]:
    answers = {key: str(VALUES[index]) for key in KEYS}
    answers[FLAT_KEY] = "3"
    answers[HIDDEN_KEY] = "dk" if index == 0 else str(VALUES[index])
    return answers


def youth_answers(app, round_, answers: dict[str, str]) -> None:
    """One young person on their own phone: opens the link, sends the page."""
    phone = app.test_client()
    page = phone.get(f"/j/{round_.youth_code}")
    assert page.status_code == 200
    sent = phone.post(f"/j/{round_.youth_code}", data={**answers, "csrf_token": csrf_from(page.text)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/bedankt"), sent.text


@pytest.fixture
def youth_round(make_round, add_responses, make_user):
    round_ = make_round("T1 jong", instrument_version=2)
    add_responses(round_, 6)
    make_user("leider@jongdata.example", round_.partnership)
    make_user("kijker@jongdata.example", round_.partnership, "viewer")
    other = make_round("T1 elders")
    make_user("leider@elders-jong.example", other.partnership)
    return round_


def urls(round_) -> dict[str, str]:
    slug = round_.partnership.slug
    return {
        "api": f"/api/partnerships/{slug}/rounds/{round_.id}",
        "csv": f"/dashboard/{slug}/rounds/{round_.id}/export/jongeren.csv",
        "excel-nl": f"/dashboard/{slug}/rounds/{round_.id}/export/jongeren.csv?dialect=excel-nl",
        "xlsx": f"/dashboard/{slug}/rounds/{round_.id}/export/jongeren.xlsx",
        "dashboard": f"/dashboard/{slug}/?round={round_.id}",
    }


def read_csv(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def youth_table_cells(page: str) -> dict[str, list[str]]:
    """Per sentence (its text, without a release mark) the cells of its row in "Wat jongeren
    zeggen", as text."""
    section = re.search(r'<section id="youth".*?</section>', page, flags=re.S).group(0)
    body = section.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S).group(1)
        text = html.unescape(re.sub(r"\s*<span.*", "", header, flags=re.S)).strip()
        rows[text] = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
    return rows


def dutch(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


# --- below the threshold, and hidden --------------------------------------------------------


def test_four_young_people_give_no_youth_number_in_the_api_nor_an_export(app, client, youth_round, session):
    for index in range(4):
        youth_answers(app, youth_round, person(index))
    login(client, "leider@jongdata.example")
    address = urls(youth_round)
    body = client.get(address["api"]).get_json()
    assert body["youth"] == {"state": "too_few", "min_group_size": 5}  # no n, no statement, no count
    assert body["round"]["instrument_version"] == 2
    for kind in ("csv", "excel-nl", "xlsx"):
        assert client.get(address[kind]).status_code == 404, kind
    page = client.get(address["dashboard"]).text
    assert "Nog te weinig jongeren (minstens 5)" in page and "/export/jongeren" not in page
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "export.youth")).all() == []
    # The fifth makes a release: now the API and the export have them.
    youth_answers(app, youth_round, person(4))
    assert client.get(address["api"]).get_json()["youth"]["n"] == 5
    assert client.get(address["csv"]).status_code == 200


def test_a_round_that_hides_results_hides_the_youth_figures_in_the_api_and_the_export(
    app, client, make_round, add_responses, make_user, session
):
    round_ = make_round("T1 verborgen", hide_results_while_open=True)
    add_responses(round_, 5)
    for index in range(5):
        youth_answers(app, round_, person(index))
    make_user("leider@verborgen-jong.example", round_.partnership)
    login(client, "leider@verborgen-jong.example")
    address = urls(round_)
    api = client.get(address["api"])
    assert api.get_json()["youth"] == {"state": "hidden", "min_group_size": 5}
    assert '"n"' not in api.get_data(as_text=True)  # nothing of the youth (nor the professionals) counted
    for kind in ("csv", "xlsx"):
        assert client.get(address[kind]).status_code == 404, kind
    assert "/export/jongeren" not in client.get(address["dashboard"]).text
    round_.closed_early = True  # closed: the release made while hidden is shown
    session.commit()
    assert client.get(address["api"]).get_json()["youth"]["n"] == 5
    assert client.get(address["csv"]).status_code == 200


# --- shown: the same numbers as the dashboard -------------------------------------------------


@pytest.fixture
def five_young(app, youth_round):
    for index in range(5):
        youth_answers(app, youth_round, person(index))
    return youth_round


def test_the_api_gives_the_youth_figures_the_dashboard_shows(client, five_young):
    login(client, "kijker@jongdata.example")  # a viewer reads them too
    youth = client.get(urls(five_young)["api"]).get_json()["youth"]
    assert youth["state"] == "shown" and youth["n"] == 5 and youth["min_group_size"] == 5
    assert youth["release"] == {"number": 1, "released_on": clock.today().isoformat()}
    statements = youth["statements"]
    assert set(statements) == set(KEYS)  # every sentence, by its key
    for statement in INSTRUMENT.statements:
        assert statements[statement.key]["dimension"] == statement.dimension
    # Not shown (four answers): its dimension only; not its "weet ik niet", not its n.
    assert statements[HIDDEN_KEY] == {"dimension": "levels"}
    flat = statements[FLAT_KEY]
    assert (flat["n"], flat["mean"], flat["sd"], flat["distribution"], flat["unknown"], flat["release"]) == (
        5,
        3.0,
        0.0,
        [0, 0, 5, 0, 0],
        0,
        1,
    )
    for key in set(KEYS) - {HIDDEN_KEY, FLAT_KEY}:
        figure = statements[key]
        assert figure["n"] == 5 and figure["unknown"] == 0 and figure["release"] == 1, key
        assert figure["mean"] == pytest.approx(statistics.mean(VALUES)) == pytest.approx(3.4)
        assert figure["sd"] == pytest.approx(statistics.stdev(VALUES)) == pytest.approx((13.2 / 4) ** 0.5)
        assert figure["distribution"] == [1, 1, 0, 1, 2], key


def test_the_youth_export_holds_what_the_dashboard_shows(client, five_young, session):
    login(client, "leider@jongdata.example")
    address = urls(five_young)
    page = client.get(address["dashboard"]).text
    # Linked from "Wat jongeren zeggen" and from the downloads, beside the statements' export.
    section = re.search(r'<section id="youth".*?</section>', page, flags=re.S).group(0)
    for where in (section, page.split('id="downloads"')[1]):
        for kind in ("csv", "xlsx"):
            assert (
                f'href="/dashboard/{five_young.partnership.slug}/rounds/{five_young.id}/export/jongeren.{kind}' in where
            )
        assert "jongeren.csv?dialect=excel-nl" in where
    shown = youth_table_cells(page)
    response = client.get(address["csv"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{five_young.partnership.slug}-{five_young.id}-jongeren.csv"'
    )
    rows = read_csv(response.data)
    assert rows[0] == YOUTH_HEADER
    assert [row[0] for row in rows[1:]] == [TEXT[key] for key in KEYS]  # one row per sentence, none per person
    for key, row in zip(KEYS, rows[1:], strict=True):
        cells = shown[TEXT[key]]
        statement = INSTRUMENT.statement(key)
        assert row[1] == DIMENSION[statement.dimension] == cells[-2], key
        if key == HIDDEN_KEY:
            assert cells[0] == "niet getoond"
            assert row[2:] == [""] * 10  # no n, no count, no "weet ik niet", no release
            continue
        # The dashboard's row: mean, "weet ik niet", the five counts; the export's the same.
        assert dutch(float(row[3])) == cells[0], key
        assert row[10] == cells[1] == "0"
        assert row[5:10] == cells[2:7], key
        assert row[2] == str(sum(int(c) for c in cells[2:7])) == "5"
        assert row[11] == "1"
        expected = [3] * 5 if key == FLAT_KEY else VALUES
        assert float(row[3]) == pytest.approx(statistics.mean(expected))
        assert float(row[4]) == pytest.approx(statistics.stdev(expected), abs=5e-4)

    # The Dutch Excel flavour and the workbook hold the same.
    excel = read_csv(client.get(address["excel-nl"]).data, delimiter=";")
    assert [[cell.replace(",", ".") for cell in row] for row in excel[1:]] == [
        [cell.replace(",", ".") for cell in row] for row in rows[1:]
    ]
    book = load_workbook(io.BytesIO(client.get(address["xlsx"]).data))
    assert book.sheetnames == ["Jongeren", "Toelichting"]
    sheet = [["" if v is None else str(v) for v in row] for row in book["Jongeren"].iter_rows(values_only=True)]
    assert sheet[0] == YOUTH_HEADER
    assert [[c.removesuffix(".0") for c in row] for row in sheet[1:]] == [
        [c.removesuffix(".0") for c in row] for row in rows[1:]
    ]
    explained = {row[1]: row[2] for row in book["Toelichting"].iter_rows(min_row=2, values_only=True)}
    assert all(explained.get(title) for title in YOUTH_HEADER)

    # Every download in the audit log, with the round and the form.
    logged = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "export.youth").order_by(AuditEvent.id)
    ).all()
    assert logged == ["T1 jong (csv)", "T1 jong (csv, excel-nl)", "T1 jong (xlsx)"]
    log = client.get(f"/beheer/{five_young.partnership.slug}/logboek").text
    assert "wat jongeren zeggen gedownload" in log


def test_a_figure_kept_from_an_earlier_release_says_so_in_the_export_and_the_api(app, client, five_young):
    """Five more young people, four of whom do not know the first sentence: its one new answer
    is never shown alone, so it keeps release 1 (n 5) on the dashboard, in the API and in the
    export; the others move to release 2 with all ten."""
    for index in range(5):
        answers = {key: "4" for key in KEYS} | {"asked_needs": "4" if index == 0 else "dk"}
        youth_answers(app, five_young, answers)
    login(client, "leider@jongdata.example")
    address = urls(five_young)
    youth = client.get(address["api"]).get_json()["youth"]
    assert youth["n"] == 10 and youth["release"]["number"] == 2
    kept = youth["statements"]["asked_needs"]
    assert (kept["n"], kept["release"], kept["unknown"]) == (5, 1, 4)
    assert kept["mean"] == pytest.approx(3.4)
    moved = youth["statements"]["knew_my_story"]
    both = VALUES + [4] * 5  # 1 2 4 5 5 and five 4s: mean 3.7
    assert (moved["n"], moved["release"]) == (10, 2)
    assert moved["mean"] == pytest.approx(statistics.mean(both)) == pytest.approx(3.7)
    assert moved["distribution"] == [1, 1, 0, 6, 2]
    page = client.get(address["dashboard"]).text
    assert re.search(r"Ze vroegen mij wat ik nodig heb\.\s*<span class=\"stale\">\(stand 1\)", page)
    rows = {row[0]: row for row in read_csv(client.get(address["csv"]).data)[1:]}
    first = rows[TEXT["asked_needs"]]
    assert (first[2], first[3], first[10], first[11]) == ("5", "3.4", "4", "1")
    assert youth_table_cells(page)[TEXT["asked_needs"]][:2] == ["3,4", "4"]
    assert (rows[TEXT["knew_my_story"]][2], rows[TEXT["knew_my_story"]][11]) == ("10", "2")


# --- who may download ---------------------------------------------------------------------------


def test_only_the_partnerships_own_people_get_the_youth_figures(app, client, five_young, make_round):
    address = urls(five_young)
    anonymous = client.get(address["csv"])
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.headers["Location"]
    assert client.get(address["api"]).status_code == 401
    login(client, "leider@elders-jong.example")
    for kind in ("api", "csv", "xlsx"):
        assert client.get(address[kind]).status_code == 404, kind
    # A round of another partnership under our own slug: 404 too.
    viewer = app.test_client()
    login(viewer, "kijker@jongdata.example")
    assert viewer.get(address["csv"]).status_code == 200
    theirs = make_round("T1 van een ander")
    for index in range(5):
        youth_answers(app, theirs, person(index))
    slug = five_young.partnership.slug
    assert viewer.get(f"/dashboard/{slug}/rounds/{theirs.id}/export/jongeren.csv").status_code == 404
    assert viewer.get(f"/api/partnerships/{slug}/rounds/{theirs.id}").status_code == 404
    assert viewer.get(f"/dashboard/{slug}/rounds/{five_young.id}/export/jongeren.pdf").status_code == 404


# --- the instrument version in the exports ------------------------------------------------------


@pytest.fixture
def two_versions(make_round, add_responses, make_user, session):
    """A programme of two partnerships: Alfa with a round on version 1 and one on version 2,
    Beta with one on version 2; five responses each."""
    from datetime import timedelta

    today = clock.today()
    programme = Programme(slug="versies", name="Programma Versies")
    alfa = Partnership(slug="alfa-versies", name="Alfa Versies", programme=programme)
    beta = Partnership(slug="beta-versies", name="Beta Versies", programme=programme)
    old = make_round("T1 oud", today - timedelta(days=60), today - timedelta(days=40), alfa, instrument_version=1)
    new = make_round("T2 nieuw", today - timedelta(days=10), today - timedelta(days=1), alfa, instrument_version=2)
    other = make_round("T1 beta", today - timedelta(days=10), today - timedelta(days=1), beta, instrument_version=1)
    for round_ in (old, new, other):
        add_responses(round_, 5)
    make_user("leider@alfa-versies.example", alfa)
    make_user("beheer@versies.example", admin=True)
    return old, new, other


def test_the_exports_say_which_version_each_round_used(client, two_versions):
    old, new, _other = two_versions
    login(client, "leider@alfa-versies.example")
    scores = list(csv.DictReader(io.StringIO(client.get("/dashboard/alfa-versies/export/scores.csv").text)))
    assert {(row["Meting"], row["Instrumentversie"]) for row in scores} == {("T1 oud", "1"), ("T2 nieuw", "2")}
    assert client.get(f"/api/partnerships/alfa-versies/rounds/{old.id}").get_json()["round"]["instrument_version"] == 1
    assert client.get(f"/api/partnerships/alfa-versies/rounds/{new.id}").get_json()["round"]["instrument_version"] == 2
    for round_, version in ((old, "1"), (new, "2")):
        url = f"/dashboard/alfa-versies/rounds/{round_.id}/export/statements.csv"
        rows = list(csv.DictReader(io.StringIO(client.get(url).text)))
        assert rows and {row["Instrumentversie"] for row in rows} == {version}, round_.title
    for url in (
        "/dashboard/alfa-versies/export/scores.xlsx",
        f"/dashboard/alfa-versies/rounds/{new.id}/export/statements.xlsx",
    ):
        book = load_workbook(io.BytesIO(client.get(url).data))
        explained = {row[1]: row[2] for row in book["Toelichting"].iter_rows(min_row=2, values_only=True)}
        assert "versie van de vragenlijst" in explained["Instrumentversie"], url
        data = book.worksheets[0]
        header = [cell.value for cell in data[1]]
        column = header.index("Instrumentversie")
        assert {row[column] for row in data.iter_rows(min_row=2, values_only=True)} <= {1, 2}  # numbers, not text


def test_the_programme_export_says_each_rounds_version_with_names_shown_only(client, two_versions):
    login(client, "beheer@versies.example")
    rows = read_csv(client.get("/dashboard/programma/versies/export.csv").data)
    column = rows[0].index("Instrumentversie")
    assert {row[0]: row[column] for row in rows[1:]} == {
        "Alfa Versies": "2",  # its latest round
        "Beta Versies": "1",
        "Programmagemiddelde": "",
    }
    # Names hidden: no version either (like a round's title and date, it could name a partnership).
    anonymous = read_csv(client.get("/dashboard/programma/versies/export.csv?anoniem=1").data)
    assert "Instrumentversie" not in anonymous[0]
    assert all(len(row) == len(anonymous[0]) for row in anonymous)
