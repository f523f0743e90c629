"""The programme view (/dashboard/programma/<programme>/) as a coordinator sees it: every
partnership's latest round that may be shown, the programme average with each partnership
counted once, names hidden for a presentation (then lettered by score, without n or round
titles), and hostile names shown as text."""

import html
import json
import re
from datetime import timedelta

import pytest

import clock
from models import Coordinatorship, Partnership, Programme, User

from .conftest import login

# name, slug, round title, respondents (one by one: releases at 5, 10, 15, so all are
# counted), the score everyone gives (reverse items mirrored)
PARTNERSHIPS = [
    ("Alfa Regio", "alfa-regio", "Ronde van Alfa", 5, 2),
    ("Beta Regio", "beta-regio", "Ronde van Beta", 10, 4),
    ("Gamma Regio", "gamma-regio", "Ronde van Gamma", 15, 3),
    ("Delta Regio", "delta-regio", "Ronde van Delta", 3, 5),  # 3: no release, left out
]


def everyone_scores(value: int):
    return lambda n, item: 6 - value if item.reverse else value


@pytest.fixture
def programme(session, make_round, add_responses, make_user):
    programme = Programme(slug="prog", name="Programma Jongeren")
    session.add(programme)
    session.commit()
    closed = {"opens_on": clock.today() - timedelta(days=30), "closes_on": clock.today() - timedelta(days=1)}
    for name, slug, title, respondents, value in PARTNERSHIPS:
        partnership = Partnership(slug=slug, name=name, region="Testregio", programme_id=programme.id)
        round_ = make_round(title, partnership=partnership, **closed)
        add_responses(round_, respondents, everyone_scores(value))
    make_user("coord@prog.example")
    user = session.query(User).filter_by(email="coord@prog.example").one()
    session.add(Coordinatorship(user_id=user.id, programme_id=programme.id))
    session.commit()
    return programme


def table_rows(page: str) -> list[tuple[str, list[str]]]:
    """(row header, the text of every other cell) of the programme table."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r'<tr[^>]*><th scope="row">([^<]*)</th>(.*?)</tr>', body, re.S)
    cells = [
        [
            re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)
        ]
        for _label, rest in rows
    ]
    return [(html.unescape(label), row) for (label, _rest), row in zip(rows, cells)]


def radar(page: str) -> dict:
    match = re.search(r'<script type="application/json" data-chart-for="programme-radar">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_names_shown_in_order_of_name_with_round_and_n(client, programme):
    login(client, "coord@prog.example")
    page = client.get("/dashboard/programma/prog/")
    assert page.status_code == 200
    assert table_rows(page.text) == [
        ("Alfa Regio", ["Ronde van Alfa", "5", "onbekend", *["2,0"] * 6]),
        ("Beta Regio", ["Ronde van Beta", "10", "onbekend", *["4,0"] * 6]),
        ("Gamma Regio", ["Ronde van Gamma", "15", "onbekend", *["3,0"] * 6]),
        # (2 + 4 + 3) / 3: each partnership once, not weighted by size ((10 + 40 + 45) / 30 = 3.2)
        ("Programmagemiddelde", ["", "", "", *["3,0"] * 6]),
    ]
    assert "Niet opgenomen: Delta Regio." in page.text  # named, without its n
    assert 'href="/dashboard/kwaliteit/"' in page.text  # the instrument's quality, for coordinators


def test_names_hidden_lettered_by_score_without_n_or_round_titles(client, programme):
    """By hand: Beta 4.0, Gamma 3.0, Alfa 2.0, so A = Beta, B = Gamma, C = Alfa."""
    login(client, "coord@prog.example")
    page = client.get("/dashboard/programma/prog/?anoniem=1").text
    assert table_rows(page) == [
        ("Samenwerkingsverband A", ["4,0"] * 6),  # no round title and no n column
        ("Samenwerkingsverband B", ["3,0"] * 6),
        ("Samenwerkingsverband C", ["2,0"] * 6),
        ("Programmagemiddelde", ["3,0"] * 6),
    ]
    for name, slug, title, _n, _value in PARTNERSHIPS:
        for secret in (name, slug, title):
            assert secret not in page, secret  # nowhere: not in the table, the picker, the chart or a link
    assert '<th scope="col" class="num">n</th>' not in page and '<th scope="col">Meting</th>' not in page
    # The picker's keys are positions, not slugs; the radar shows A against the average.
    assert re.findall(r'name="p" value="([^"]*)"', page) == ["0", "1", "2"]
    assert "Niet opgenomen: 1 samenwerkingsverband." in page  # counted, not named
    assert [(trace["name"], trace["r"][:6]) for trace in radar(page)["data"]] == [
        ("Samenwerkingsverband A", [4.0] * 6),
        ("Programmagemiddelde", [3.0] * 6),
    ]
    chosen = client.get("/dashboard/programma/prog/?anoniem=1&p=2").text
    assert (
        radar(chosen)["data"][0]["name"] == "Samenwerkingsverband C" and radar(chosen)["data"][0]["r"][:6] == [2.0] * 6
    )
    assert "Alfa" not in chosen


HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '=HYPERLINK("http://evil.example","klik")']


def test_hostile_partnership_names_are_text_on_the_programme_page(client, programme, session):
    shown = (
        session.query(Partnership)
        .filter(Partnership.slug.in_(["alfa-regio", "beta-regio", "gamma-regio"]))
        .order_by(Partnership.name)
    )
    for partnership, name in zip(shown, HOSTILE):
        partnership.name = name
    session.commit()
    login(client, "coord@prog.example")
    page = client.get("/dashboard/programma/prog/").text
    assert "<script>alert" not in page and "<img src=x" not in page
    labels = [label for label, _cells in table_rows(page)]
    assert sorted(labels[:3]) == sorted(HOSTILE)  # escaped in the HTML, the same text once unescaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    # In the chart, where plotly renders some HTML, the name is escaped too.
    names = [trace["name"] for trace in radar(page)["data"]]
    assert not any("<script" in name or "<img" in name for name in names)
    assert html.unescape(names[0]) in HOSTILE


def test_each_partnership_shows_its_latest_round_by_opening_day(client, programme, session, make_round, add_responses):
    """Epsilon's rounds were made out of order: T2 (opened ten days ago, ten respondents, two
    releases) before T1 (opened sixty days ago, five). Zeta's two rounds opened on the same
    day: the one made last counts. The programme view shows T2 and Zeta's second round."""
    epsilon = Partnership(slug="epsilon", name="Epsilon Regio", region="Testregio", programme_id=programme.id)
    zeta = Partnership(slug="zeta", name="Zeta Regio", region="Testregio", programme_id=programme.id)
    today = clock.today()
    later = make_round("Epsilon T2", partnership=epsilon, opens_on=today - timedelta(days=10), closes_on=today)
    earlier = make_round("Epsilon T1", partnership=epsilon, opens_on=today - timedelta(days=60), closes_on=today)
    add_responses(later, 10, everyone_scores(2))
    add_responses(earlier, 5, everyone_scores(4))
    same_day = {"opens_on": today - timedelta(days=20), "closes_on": today}
    first = make_round("Zeta eerste", partnership=zeta, **same_day)
    second = make_round("Zeta tweede", partnership=zeta, **same_day)
    add_responses(first, 15, everyone_scores(4))
    add_responses(second, 5, everyone_scores(3))
    session.commit()
    login(client, "coord@prog.example")
    rows = dict(table_rows(client.get("/dashboard/programma/prog/").text))
    assert rows["Epsilon Regio"][:2] == ["Epsilon T2", "10"] and rows["Epsilon Regio"][3] == "2,0"
    assert rows["Zeta Regio"][:2] == ["Zeta tweede", "5"] and rows["Zeta Regio"][3] == "3,0"


def test_the_programme_view_reads_only_the_whole_rounds_figures(app, programme):
    """The latest releases' group and statement figures are never loaded for the programme
    view: touching them raises, so no page can show more by accident."""
    from sqlalchemy.exc import InvalidRequestError

    from dashboard.results import shown_histories
    from extensions import db

    with app.app_context():
        partnerships = list(db.session.scalars(db.select(Partnership).where(Partnership.programme_id == programme.id)))
        shown = {p: history[-1] for p, history in shown_histories(partnerships).items()}
        assert len(shown) == 3  # Delta has no release
        for result in shown.values():
            assert result.total.scores
            with pytest.raises(InvalidRequestError):
                _ = result.release.figures  # a deferred column set to raise


# --- comparing: period, two to four partnerships, trends, statements, response rate -------


def radar_of(client, query: str) -> list[tuple[str, list[float]]]:
    page = client.get(f"/dashboard/programma/prog/{query}")
    assert page.status_code == 200
    return [(trace["name"], trace["r"][:6]) for trace in radar(page.text)["data"]]


def test_two_to_four_partnerships_on_one_radar_with_the_programme_average(client, programme):
    login(client, "coord@prog.example")
    assert radar_of(client, "?p=gamma-regio&p=alfa-regio") == [
        ("Alfa Regio", [2.0] * 6),  # in the table's order, whatever the order asked
        ("Gamma Regio", [3.0] * 6),
        ("Programmagemiddelde", [3.0] * 6),
    ]
    page = client.get("/dashboard/programma/prog/?p=gamma-regio&p=alfa-regio").text
    ticked = re.findall(r'name="p" value="([^"]*)" checked', page)
    assert ticked == ["alfa-regio", "gamma-regio"]  # the form shows what is shown
    # Nothing asked, or only names that are not in the comparison (Delta has no round): the first.
    assert radar_of(client, "")[0] == ("Alfa Regio", [2.0] * 6)
    assert radar_of(client, "?p=delta-regio&p=onbekend")[0] == ("Alfa Regio", [2.0] * 6)


def test_more_than_four_partnerships_is_refused_with_the_reason(client, programme, make_round, add_responses):
    closed = {"opens_on": clock.today() - timedelta(days=30), "closes_on": clock.today() - timedelta(days=1)}
    for slug in ("eta", "theta"):
        partnership = Partnership(
            slug=slug, name=f"{slug.title()} Regio", region="Testregio", programme_id=programme.id
        )
        add_responses(make_round("Ronde", partnership=partnership, **closed), 5, everyone_scores(4))
    login(client, "coord@prog.example")
    five = "?" + "&".join(f"p={slug}" for slug in ("alfa-regio", "beta-regio", "gamma-regio", "eta", "theta"))
    page = client.get(f"/dashboard/programma/prog/{five}")
    assert page.status_code == 400
    assert "Kies hoogstens 4 samenwerkingsverbanden" in page.text
    assert len(re.findall(r'name="p" value="[^"]*" checked', page.text)) == 5  # kept, to untick some
    assert 'data-chart-for="programme-radar"' not in page.text  # no radar of a choice refused
    assert table_rows(page.text)[-1][0] == "Programmagemiddelde"  # the table stays
    assert client.get(f"/dashboard/programma/prog/export.csv{five}").status_code == 400


def test_a_year_shows_each_partnerships_latest_round_of_that_year(
    client, programme, session, make_round, add_responses
):
    """Alfa also has a round last year (score 5) and Beta one the year before (score 1):
    last year's comparison holds Alfa's, names Beta and Gamma as left out, and the trend of
    the programme average holds one point per year."""
    from datetime import date

    year = clock.today().year
    alfa = session.query(Partnership).filter_by(slug="alfa-regio").one()
    beta = session.query(Partnership).filter_by(slug="beta-regio").one()
    add_responses(
        make_round("Alfa vorig jaar", date(year - 1, 3, 1), date(year - 1, 3, 31), alfa), 5, everyone_scores(5)
    )
    add_responses(make_round("Beta eerder", date(year - 2, 3, 1), date(year - 2, 3, 31), beta), 5, everyone_scores(1))
    login(client, "coord@prog.example")
    page = client.get("/dashboard/programma/prog/").text
    periods = re.findall(r'<option value="([^"]*)"', page)
    assert periods == ["laatste", str(year), str(year - 1), str(year - 2)]
    last_year = client.get(f"/dashboard/programma/prog/?periode={year - 1}").text
    assert table_rows(last_year) == [
        ("Alfa Regio", ["Alfa vorig jaar", "5", "onbekend", *["5,0"] * 6]),
        ("Programmagemiddelde", ["", "", "", *["5,0"] * 6]),
    ]
    assert "Niet opgenomen: Beta Regio, Delta Regio, Gamma Regio." in last_year
    assert client.get("/dashboard/programma/prog/?periode=1999").status_code == 404
    assert client.get("/dashboard/programma/prog/?periode=x").status_code == 404

    trend = chart(page, "programme-trend-" + first_dimension())
    lines = {trace["name"]: list(zip(trace["x"], trace["y"])) for trace in trend["data"]}
    today = clock.today() - timedelta(days=30)
    assert lines["Alfa Regio"] == [(f"{year - 1}-03-01", 5.0), (today.isoformat(), 2.0)]
    # Per year, each partnership's latest round of that year, each once: year-2 Beta 1;
    # year-1 Alfa 5; this year Alfa 2, Beta 4, Gamma 3.
    assert lines["Programmagemiddelde"] == [
        (f"{year - 2}-07-01", 1.0),
        (f"{year - 1}-07-01", 5.0),
        (f"{year}-07-01", 3.0),
    ]


def first_dimension() -> str:
    from surveys.instrument import get_instrument

    return get_instrument(1).dimensions[0].key


def chart(page: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" data-chart-for="{chart_id}">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_statements_side_by_side_as_answered_with_the_programme_average(client, programme):
    """Everyone in Alfa answers 2 (reverse statements 4, the mirrored answer); in Gamma 3.
    As given: Alfa 2 and 4, Gamma 3 and 3; the programme average over Alfa, Beta (4 and 2)
    and Gamma: 3 for every statement."""
    from surveys.instrument import get_instrument

    login(client, "coord@prog.example")
    page = client.get("/dashboard/programma/prog/?p=alfa-regio&p=gamma-regio").text
    body = page.split('id="programme-statements"')[1].split("</table>")[0]
    header = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', body)
    assert header == ["Stelling", "Alfa Regio", "Gamma Regio", "Programmagemiddelde"]
    rows = re.findall(r'<th scope="row" class="statement">(.*?)</th>(.*?)</tr>', body, re.S)
    items = get_instrument(1).items
    assert len(rows) == len(items)
    for item, (text, cells) in zip(items, rows):
        values = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        assert html.unescape(text).startswith(item.text.get("nl"))
        assert values == (["4,0", "3,0", "3,0"] if item.reverse else ["2,0", "3,0", "3,0"]), item.key


def test_response_rate_from_the_number_asked_else_the_personal_invitations(app, client, programme, session):
    from surveys.invitations import invite

    rounds = {p.slug: p.rounds[0] for p in session.query(Partnership).filter(Partnership.programme_id == programme.id)}
    rounds["beta-regio"].audience = 20  # 10 counted of 20 asked
    session.commit()
    with app.app_context():
        from extensions import db

        gamma = db.session.get(type(rounds["gamma-regio"]), rounds["gamma-regio"].id)
        invite(gamma, [f"lid{n}@gamma.example" for n in range(12)])  # 15 counted of 12 invited: the open link too
        db.session.commit()
    login(client, "coord@prog.example")
    rows = dict(table_rows(client.get("/dashboard/programma/prog/").text))
    assert rows["Alfa Regio"][2] == "onbekend"
    assert rows["Beta Regio"][2] == "50% (10 van 20)"
    assert rows["Gamma Regio"][2] == "125% (15 van 12)"
    assert "12 van" not in client.get("/dashboard/programma/prog/?anoniem=1").text


def test_the_round_form_keeps_the_number_asked_and_refuses_nonsense(client, make_round, make_user):
    from .conftest import post_round_settings

    today = clock.today()
    round_ = make_round("T1", opens_on=today, closes_on=today + timedelta(days=20))
    make_user("leider@p.example", round_.partnership)
    login(client, "leider@p.example")
    for bad in ("0", "-3", "veel", "100001"):
        page = post_round_settings(client, round_, audience=bad)
        assert page.status_code == 422, bad
        assert "Vul een aantal van 1 tot 100.000 in." in page.text, bad
    assert post_round_settings(client, round_, audience="35").status_code == 302
    page = client.get(f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/").text
    assert re.search(r'id="audience"[^>]*value="35"', page)


# --- the export and the printable report ---------------------------------------------------


def test_the_export_holds_the_table_and_every_partnership_in_it_logs_it(client, programme, session):
    import csv
    import io

    from openpyxl import load_workbook

    from models import AuditEvent

    login(client, "coord@prog.example")
    response = client.get("/dashboard/programma/prog/export.csv?dialect=excel-nl")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Samenwerkingsverband", "Meting", "Open vanaf", "Respondenten", "Gevraagd", "Respons"]
    assert [row[:4] for row in rows[1:]] == [
        ["Alfa Regio", "Ronde van Alfa", (clock.today() - timedelta(days=30)).isoformat(), "5"],
        ["Beta Regio", "Ronde van Beta", (clock.today() - timedelta(days=30)).isoformat(), "10"],
        ["Gamma Regio", "Ronde van Gamma", (clock.today() - timedelta(days=30)).isoformat(), "15"],
        ["Programmagemiddelde", "", "", ""],
    ]
    assert [row[6:12] for row in rows[1:]] == [["2,0"] * 6, ["4,0"] * 6, ["3,0"] * 6, ["3,0"] * 6]
    assert rows[0][12:] == ["Instrumentversie"] and [row[12] for row in rows[1:]] == ["1", "1", "1", ""]

    workbook = load_workbook(io.BytesIO(client.get("/dashboard/programma/prog/export.xlsx?anoniem=1").data))
    sheet = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Samenwerkingsverband" and "Meting" not in values[0] and "Respondenten" not in values[0]
    assert [row[0] for row in values[1:]] == [
        "Samenwerkingsverband A",
        "Samenwerkingsverband B",
        "Samenwerkingsverband C",
        "Programmagemiddelde",
    ]
    assert [row[1] for row in values[1:]] == [4.0, 3.0, 2.0, 3.0]
    text = " ".join(str(v) for row in values for v in row)
    assert not any(name in text for name, *_rest in PARTNERSHIPS)

    logged = {
        slug: [e.action for e in session.query(AuditEvent).filter_by(partnership_id=p.id)]
        for slug, p in ((p.slug, p) for p in session.query(Partnership))
    }
    assert logged["alfa-regio"].count("export.programme") == 2  # CSV and XLSX
    assert logged["delta-regio"].count("export.programme") == 0  # not in the table, not in the file


def test_the_printable_report_shows_the_same_choice(client, programme):
    login(client, "coord@prog.example")
    query = "?p=beta-regio&p=gamma-regio"
    report = client.get(f"/dashboard/programma/prog/rapport{query}")
    assert report.status_code == 200
    assert table_rows(report.text) == table_rows(client.get(f"/dashboard/programma/prog/{query}").text)
    assert [name for name, _r in [(t["name"], 0) for t in radar(report.text)["data"]]] == [
        "Beta Regio",
        "Gamma Regio",
        "Programmagemiddelde",
    ]
    assert "Niet opgenomen: Delta Regio." in report.text


def test_rounds_that_may_not_be_shown_are_nowhere_in_the_programme_view(
    client, programme, session, make_round, add_responses
):
    """Delta's open round hides its results (by default) though 10 answered; Alfa's newer open
    round hides too: the page, the report, the trends, the statements and the exports keep
    Alfa's closed round and leave Delta out, in every period."""
    today = clock.today()
    delta = session.query(Partnership).filter_by(slug="delta-regio").one()
    alfa = session.query(Partnership).filter_by(slug="alfa-regio").one()
    open_ = {
        "opens_on": today - timedelta(days=2),
        "closes_on": today + timedelta(days=10),
        "hide_results_while_open": True,
    }
    add_responses(make_round("Delta open", partnership=delta, **open_), 10, everyone_scores(1))
    add_responses(make_round("Alfa open", partnership=alfa, **open_), 10, everyone_scores(5))
    login(client, "coord@prog.example")
    for query in ("", f"?periode={today.year}", "?p=alfa-regio&p=delta-regio", "?anoniem=1"):
        for path in ("", "rapport", "export.csv", "export.xlsx"):
            body = client.get(f"/dashboard/programma/prog/{path}{query}").data
            text = body.decode("utf-8", "replace") if not path.endswith("xlsx") else xlsx_text(body)
            assert "Delta open" not in text and "Alfa open" not in text, (path, query)
            assert "5,0" not in text and "1,0" not in text and "5.0" not in text, (path, query)


def xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return " ".join(str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)


def statement_table(page: str) -> dict[str, list[str]]:
    """{statement text: the text of its cells} of the programme's statements table."""
    body = page.split('id="programme-statements"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row" class="statement">(.*?)</th>(.*?)</tr>', body, re.S)
    return {
        html.unescape(re.sub(r"<span.*?</span>|<[^>]+>", "", text)).strip(): [
            re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)
        ]
        for text, rest in rows
    }


def statements_of(version: int) -> dict[str, tuple[str, bool]]:
    """{key: (Dutch text, reverse)} read straight from the instrument file."""
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).parents[1] / "surveys" / "instruments" / f"v{version}.toml").read_text())
    return {item["key"]: (item["text"]["nl"], item["reverse"]) for d in data["dimensions"] for item in d["items"]}


def test_statements_follow_the_first_chosen_partnerships_version(client, programme, session):
    """Alfa's round ran on v1, Beta's on v2: the table lists the statements of the first
    chosen partnership's version, and a statement the other round's version did not have
    says "niet gevraagd" instead of a number."""
    from models import Round

    beta = session.query(Round).filter_by(title="Ronde van Beta").one()
    beta.instrument_version = 2  # the fixture's answers are keyed by v1: give Beta v2's keys
    session.commit()
    v1, v2 = statements_of(1), statements_of(2)
    shared = v1.keys() & v2.keys()
    assert shared and v1.keys() - v2.keys() and v2.keys() - v1.keys()  # the case is real
    login(client, "coord@prog.example")

    only_beta = statement_table(client.get("/dashboard/programma/prog/?p=beta-regio").text)
    assert set(only_beta) == {text for text, _ in v2.values()}  # v2's statements, not v1's

    both = statement_table(client.get("/dashboard/programma/prog/?p=beta-regio&p=alfa-regio").text)
    assert set(both) == {text for text, _ in v1.values()}  # Alfa comes first in the table: v1
    for key, (text, reverse) in v1.items():
        alfa, beta_cell, _average = both[text]
        assert alfa == ("4,0" if reverse else "2,0")  # everyone answered 2, reverse items 6 - 2
        # Beta's answers were given on v1's keys, so a shared key has Beta's 4 (2 when reverse);
        # a key v2 does not have was never asked of Beta.
        assert beta_cell == (("2,0" if reverse else "4,0") if key in shared else "niet gevraagd")
