"""The leaders' dashboard, report, exports and API show the right numbers, and never a
group below the anonymity threshold (MIN_GROUP_SIZE = 5 in the tests)."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import clock
from app import create_app
from models import AuditEvent, Round
from surveys.instrument import get_instrument
from surveys.scoring import flip

from .conftest import login

INSTRUMENT = get_instrument(1)
SECRET_COMMENT = "Alleen in de kleine meting"


def scored(value: int):
    """Answers that give every dimension exactly `value` (reverse items answered mirrored)."""
    return lambda n, item: flip(value) if item.reverse else value


@pytest.fixture
def rounds(make_round, add_responses, make_user):
    """Three rounds of one partnership, each response submitted one by one (a release after
    every 5th, MIN_GROUP_SIZE = 5), with every shown figure worked out by hand:

    T0 (15): release 1 = 5 werkvloer/onderwijs scoring 3; release 2 = 5 bestuur/gemeente
        scoring 5; release 3 = 3 werkvloer/onderwijs scoring 1 and 2 beleid/gemeente scoring 4.
        Shown: n = 15, total (5*3 + 5*5 + 3*1 + 2*4) / 15 = 51/15 = 3.4. Werkvloer and
        onderwijs grew by 3 in release 3 (fewer than 5): they keep their release-1 figure
        (n = 5, 3.0; updated they would be 18/8 = 2.25). Bestuur and gemeente keep release 2
        (n = 5, 5.0; gemeente updated would add beleid's two). Beleid (2) is never shown.
    T1 (10): release 1 = 5 werkvloer/onderwijs scoring 4 (with a comment); release 2 = 5
        bestuur/gemeente scoring 2. Shown: n = 10, total 3.0, werkvloer 4.0, bestuur 2.0.
    T2 (3): no release at all."""
    today = clock.today()
    t0 = make_round("T0 nulmeting", opens_on=today - timedelta(days=400), closes_on=today - timedelta(days=380))
    partnership = t0.partnership
    t1 = make_round(
        "T1 najaar",
        opens_on=today - timedelta(days=200),
        closes_on=today - timedelta(days=180),
        partnership=partnership,
    )
    t2 = make_round(
        "T2 voorjaar", opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=5), partnership=partnership
    )
    add_responses(t0, 5, scored(3), level="werkvloer", domain="onderwijs")
    add_responses(t0, 5, scored(5), level="bestuur", domain="gemeente")
    add_responses(t0, 3, scored(1), level="werkvloer", domain="onderwijs")
    add_responses(t0, 2, scored(4), level="beleid", domain="gemeente")
    add_responses(t1, 5, scored(4), level="werkvloer", domain="onderwijs", comments={"youth": "Samen optrekken werkt"})
    add_responses(t1, 5, scored(2), level="bestuur", domain="gemeente")
    add_responses(t2, 3, scored(1), level="bestuur", domain="jongere", comments={"youth": SECRET_COMMENT})
    make_user("leider@p.example", partnership)
    return {"partnership": partnership, "t0": t0, "t1": t1, "t2": t2}


@pytest.fixture
def leader(client, rounds):
    login(client, "leider@p.example")
    return client


def figure(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" data-chart-for="{chart_id}">(.*?)</script>', html, re.S)
    assert match, f"no chart {chart_id}"
    return json.loads(match.group(1))


def cards(html: str) -> dict[str, tuple[str, str | None]]:
    """{label: (value, note)} of the headline cards; the note only where it names a dimension."""
    card = (
        r'<p class="card-label">([^<]*)</p>\s*<p class="card-value">(.*?)</p>'
        r'\s*(?:<p class="card-note">([^<]*)</p>)?'
    )
    titles = tuple(d.title.nl for d in INSTRUMENT.dimensions)
    return {
        label: (re.sub(r"<[^>]+>", "", value).strip(), note if note.startswith(titles) else None)
        for label, value, note in re.findall(card, html)
    }


def test_dashboard_compares_the_rounds_that_are_large_enough(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/")
    assert page.status_code == 200
    radar = figure(page.text, "rounds-radar")
    assert [trace["name"] for trace in radar["data"]] == ["T0 nulmeting", "T1 najaar"]
    assert radar["data"][0]["r"][:6] == pytest.approx([51 / 15] * 6)
    assert radar["data"][1]["r"][:6] == pytest.approx([3.0] * 6)
    assert radar["data"][1]["line"]["width"] > radar["data"][0]["line"]["width"]  # latest emphasised
    assert radar["layout"]["polar"]["radialaxis"]["range"] == [1, 5]
    assert "T2 voorjaar" in page.text and "te weinig respondenten" in page.text
    assert SECRET_COMMENT not in page.text
    # Headline of the latest shown round (T1: 3.0 on every dimension) against T0 (3.4): the
    # first of equals is strongest and weakest, nothing rose, everything fell by 0.4 -- within
    # chance: T0's values (5x3, 5x5, 3x1, 2x4) have variance 31.6/14, T1's (5x4, 5x2) 10/9, so
    # the standard error is sqrt(31.6/14/15 + 10/9/10) = 0.5115 on 22.9 degrees of freedom
    # (Welch), t = 2.069: -0.4 +- 1.058 = -1.46 to +0.66.
    urgency = INSTRUMENT.dimension("urgency").title.nl
    assert cards(page.text) == {
        "Respondenten": ("10", None),
        "Sterkste dimensie": ("3,0", f"{urgency} · middenmoot"),
        "Zwakste dimensie": ("3,0", f"{urgency} · middenmoot"),
        "Grootste stijging": ("–", None),
        "Grootste daling": ("–", None),
    }
    assert "geen daling groter dan toeval" in page.text and "geen stijging groter dan toeval" in page.text
    assert f"grootste: {urgency} -0,4, binnen toeval (-1,5 tot +0,7)" in page.text
    assert "groter dan toeval (" not in page.text


def test_level_comparison_hides_small_groups_and_keeps_stale_groups_as_released(leader, rounds):
    slug, t0 = rounds["partnership"].slug, rounds["t0"]
    page = leader.get(f"/dashboard/{slug}/?round={t0.id}").text
    radar = figure(page, "levels-radar")
    # Werkvloer as released in release 1 (five people scoring 3), not with the three who
    # came in release 3; bestuur as released in release 2; beleid (2) never.
    assert {trace["name"]: trace["r"][:6] for trace in radar["data"]} == {
        "Uitvoerend / werkvloer": [3.0] * 6,
        "Bestuur": [5.0] * 6,
        "Hele meting": pytest.approx([51 / 15] * 6),
    }
    # Every option not shown is named, also one nobody chose, so the note gives nothing away.
    assert re.search(r"Niet getoond[^<]*: Beleid, Zeg ik liever niet</p>", page)
    domains = figure(page, "domains-radar")
    assert {trace["name"]: trace["r"][0] for trace in domains["data"]} == {
        "Onderwijs": 3.0,
        "Gemeente": 5.0,
        "Hele meting": pytest.approx(3.4),
    }

    t1_page = leader.get(f"/dashboard/{slug}/?round={rounds['t1'].id}").text
    levels = figure(t1_page, "levels-radar")
    assert {trace["name"]: trace["r"][0] for trace in levels["data"]} == {
        "Uitvoerend / werkvloer": 4.0,
        "Bestuur": 2.0,
        "Hele meting": 3.0,
    }


def test_within_one_release_a_group_the_others_would_give_away_is_hidden(
    make_round, add_responses, make_user, client, runner
):
    """Thirteen responses stored before releases existed, released at once by `flask release`:
    werkvloer 6 (scoring 3), bestuur 5 (scoring 5), beleid 2 (scoring 4). Bestuur is large
    enough, but the total minus werkvloer and bestuur would give away beleid's two people."""
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=1))
    add_responses(round_, 6, scored(3), level="werkvloer", domain="onderwijs", release=False)
    add_responses(round_, 5, scored(5), level="bestuur", domain="gemeente", release=False)
    add_responses(round_, 2, scored(4), level="beleid", domain="gemeente", release=False)
    make_user("leider@een.example", round_.partnership)
    login(client, "leider@een.example")
    slug = round_.partnership.slug
    assert (
        client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()["shown"] is False
    )  # nothing released yet
    assert runner.invoke(args=["release"]).output.strip() == "1 release(s) made."
    body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
    assert body["respondents"] == 13 and body["release"]["number"] == 1
    assert body["total"]["urgency"]["mean"] == pytest.approx(51 / 13)
    assert list(body["levels"]) == ["werkvloer"] and body["levels"]["werkvloer"]["respondents"] == 6
    # Domains: onderwijs is werkvloer's six, gemeente the other seven (33/7): both large enough.
    assert {key: (g["respondents"], g["scores"]["urgency"]["mean"]) for key, g in body["domains"].items()} == {
        "onderwijs": (6, 3.0),
        "gemeente": (7, pytest.approx(33 / 7)),
    }
    page = client.get(f"/dashboard/{slug}/").text
    assert [trace["name"] for trace in figure(page, "levels-radar")["data"]] == [
        "Uitvoerend / werkvloer",
        "Hele meting",
    ]
    assert re.search(r"Niet getoond[^<]*: Beleid, Bestuur, Zeg ik liever niet</p>", page)


def test_trends_have_a_point_per_round_with_n_and_a_gap_for_a_small_round(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    chart = figure(page, "trend-youth")
    trend = chart["data"][0]
    # Each round on the day it opened, its title as the tick.
    today = clock.today()
    assert trend["x"] == [(today - timedelta(days=days)).isoformat() for days in (400, 200, 20)]
    assert chart["layout"]["xaxis"]["type"] == "date" and chart["layout"]["xaxis"]["tickvals"] == trend["x"]
    ticks = [tick.replace("<br>", " ") for tick in chart["layout"]["xaxis"]["ticktext"]]
    assert ticks == ["T0 nulmeting", "T1 najaar", "T2 voorjaar"]
    assert trend["y"][0] == pytest.approx(3.4) and trend["y"][1] == pytest.approx(3.0) and trend["y"][2] is None
    assert trend["text"] == ["n=15", "n=10<br>-0,4", ""]  # a round not shown has no n either


def test_statement_detail_and_sorting_by_disagreement(leader, rounds):
    slug, t1 = rounds["partnership"].slug, rounds["t1"]
    page = leader.get(f"/dashboard/{slug}/?round={t1.id}").text
    bars = figure(page, "bars-urgency")
    assert len(bars["data"]) == 6 and bars["layout"]["barmode"] == "relative"
    first = INSTRUMENT.dimensions[0].items[0]
    row = re.search(rf"{re.escape(first.text.nl)}.*?</tr>", page, re.S).group(0)
    # Five 4s and five 2s: mean 3.0, sample sd sqrt(10/9) = 1.05.
    assert [cell for cell in re.findall(r'<td class="num">([^<]*)</td>', row)] == [
        "3,0",
        "1,1",
        "0%",
        "0",
        "5",
        "0",
        "5",
        "0",
    ]
    assert "Samen optrekken werkt" in page

    sorted_page = leader.get(f"/dashboard/{slug}/?round={t1.id}&sort=spread").text
    assert "<strong>meeste verdeeldheid eerst</strong>" in sorted_page


def test_small_round_shows_nothing_but_its_count_being_too_small(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/?round={rounds['t2'].id}").text
    assert "te weinig respondenten" in page
    assert SECRET_COMMENT not in page
    for chart in ("levels-radar", "domains-radar", "bars-youth"):
        assert f'data-chart-for="{chart}"' not in page
    assert "export/statements" not in page


def parse_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


#: The Dutch labels of the instrument's profile options and dimensions, as the exports show them.
OPTION = {o.key: o.label.nl for q in INSTRUMENT.profile for o in q.options}
DIMENSION = {d.key: d.title.nl for d in INSTRUMENT.dimensions}


def test_score_exports_hold_the_shown_groups_only(leader, rounds):
    slug = rounds["partnership"].slug
    response = leader.get(f"/dashboard/{slug}/export/scores.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = parse_csv(response.data)
    groups = {(r["Meting"], r["Soort groep"], r["Groep"]) for r in rows}
    assert groups == {
        ("T0 nulmeting", "Hele meting", "Hele meting"),
        ("T0 nulmeting", "Per niveau", OPTION["werkvloer"]),
        ("T0 nulmeting", "Per niveau", OPTION["bestuur"]),
        ("T0 nulmeting", "Per domein", OPTION["onderwijs"]),
        ("T0 nulmeting", "Per domein", OPTION["gemeente"]),
        ("T1 najaar", "Hele meting", "Hele meting"),
        ("T1 najaar", "Per niveau", OPTION["werkvloer"]),
        ("T1 najaar", "Per niveau", OPTION["bestuur"]),
        ("T1 najaar", "Per domein", OPTION["onderwijs"]),
        ("T1 najaar", "Per domein", OPTION["gemeente"]),
    }
    t0_total = [r for r in rows if r["Meting"] == "T0 nulmeting" and r["Soort groep"] == "Hele meting"]
    assert len(t0_total) == 6 and {float(r["Gemiddelde"]) for r in t0_total} == {3.4}
    assert {r["Respondenten"] for r in t0_total} == {"15"}
    assert [r["Dimensie"] for r in t0_total] == list(DIMENSION.values())
    # The stale werkvloer figure, as released: five people scoring 3.
    t0_floor = [r for r in rows if r["Meting"] == "T0 nulmeting" and r["Groep"] == OPTION["werkvloer"]]
    assert {(r["Respondenten"], r["Gemiddelde"], r["Aantal met een score"]) for r in t0_floor} == {("5", "3.0", "5")}

    workbook = load_workbook(io.BytesIO(leader.get(f"/dashboard/{slug}/export/scores.xlsx").data))
    sheet = list(workbook.active.values)
    assert list(sheet[0]) == list(rows[0].keys())
    assert len(sheet) == len(rows) + 1
    assert {(r[0], r[2], r[3]) for r in sheet[1:]} == groups


STATEMENTS_HEADER = [
    "Stelling",
    "Dimensie",
    "Omgekeerd geformuleerd",
    "Aantal antwoorden",
    "Gemiddelde",
    "Spreiding",
    "1 Helemaal oneens",
    "2 Oneens",
    "3 Neutraal",
    "4 Eens",
    "5 Helemaal eens",
    "Weet ik niet / n.v.t.",
    "Stand",
    "Instrumentversie",
]
COUNTS = STATEMENTS_HEADER[6:11]


@pytest.fixture
def statements_round(make_round, add_responses, make_user):
    """Ten responses in two releases. Release 1: five answer 4 to the first statement and 5
    to every other. Release 2: five answer "weet ik niet" to the first, 2 to the second and
    1 to every other. By hand (answers as given, sample sd):
      first:  n 5,  mean 4.0, sd 0.0,                    counts 0,0,0,5,0, unknown 5
      second: n 10, mean 3.5, sd sqrt(22.5/9) = 1.581,   counts 0,5,0,0,5, unknown 0
      others: n 10, mean 3.0, sd sqrt(40/9)   = 2.108,   counts 5,0,0,0,5, unknown 0"""
    first, second = INSTRUMENT.items[0].key, INSTRUMENT.items[1].key
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=1))
    add_responses(round_, 5, lambda n, item: 4 if item.key == first else 5, level="werkvloer", domain="onderwijs")
    add_responses(
        round_,
        5,
        lambda n, item: None if item.key == first else 2 if item.key == second else 1,
        level="bestuur",
        domain="gemeente",
    )
    make_user("leider@stelling.example", round_.partnership)
    make_user("kijker@stelling.example", round_.partnership, "viewer")
    return round_


def expected_statement(index: int) -> tuple:
    """(n, mean, sd, counts 1..5, unknown) of statement `index` in statements_round, by hand."""
    if index == 0:
        return 5, 4.0, 0.0, (0, 0, 0, 5, 0), 5
    if index == 1:
        return 10, 3.5, 1.581, (0, 5, 0, 0, 5), 0
    return 10, 3.0, 2.108, (5, 0, 0, 0, 5), 0


def test_statements_export_holds_aggregates_per_statement_only(client, statements_round, session):
    login(client, "leider@stelling.example")
    slug, round_id = statements_round.partnership.slug, statements_round.id
    response = client.get(f"/dashboard/{slug}/rounds/{round_id}/export/statements.csv")
    assert (
        response.status_code == 200
        and response.mimetype == "text/csv"
        and "attachment" in response.headers["Content-Disposition"]
    )
    text = response.data.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == STATEMENTS_HEADER  # no level, domain, date, language or id
    rows = parse_csv(response.data)
    assert len(rows) == len(INSTRUMENT.items)  # one row per statement, never one per respondent
    for index, (item, row) in enumerate(zip(INSTRUMENT.items, rows)):
        n, mean, sd, counts, unknown = expected_statement(index)
        assert (row["Stelling"], row["Dimensie"], row["Omgekeerd geformuleerd"]) == (
            item.text.nl,
            DIMENSION[item.dimension],
            "ja" if item.reverse else "nee",
        )
        figures = (row["Aantal antwoorden"], row["Gemiddelde"], row["Spreiding"], row["Weet ik niet / n.v.t."])
        assert (int(figures[0]), float(figures[1]), float(figures[2]), int(figures[3])) == (n, mean, sd, unknown), (
            item.key
        )
        assert tuple(int(row[count]) for count in COUNTS) == counts, item.key
        if index:
            assert row["Stand"] == "2"  # the second release, with all ten

    workbook = load_workbook(io.BytesIO(client.get(f"/dashboard/{slug}/rounds/{round_id}/export/statements.xlsx").data))
    assert workbook.sheetnames == ["Stellingen", "Toelichting"]
    sheet = list(workbook["Stellingen"].values)
    assert list(sheet[0]) == STATEMENTS_HEADER and len(sheet) == len(INSTRUMENT.items) + 1
    for index, (item, row) in enumerate(zip(INSTRUMENT.items, sheet[1:])):
        n, mean, sd, counts, unknown = expected_statement(index)
        assert row[:3] == (item.text.nl, DIMENSION[item.dimension], "ja" if item.reverse else "nee")
        assert row[3:12] == (n, mean, sd, *counts, unknown), item.key
    assert (
        session.scalars(select(AuditEvent.action).where(AuditEvent.action == "export.statements")).all()
        == ["export.statements"] * 2
    )

    # Viewers get it too (aggregates, like the page); the page links to it.
    viewer = client.application.test_client()
    login(viewer, "kijker@stelling.example")
    assert viewer.get(f"/dashboard/{slug}/rounds/{round_id}/export/statements.csv").data == response.data
    assert f"/rounds/{round_id}/export/statements.csv" in viewer.get(f"/dashboard/{slug}/").text
    assert client.get(f"/dashboard/{slug}/rounds/{round_id}/export/statements.pdf").status_code == 404


def test_statements_export_only_for_a_round_that_may_be_shown(leader, rounds, session):
    slug = rounds["partnership"].slug
    assert (
        leader.get(f"/dashboard/{slug}/rounds/{rounds['t2'].id}/export/statements.csv").status_code == 404
    )  # no release
    t1 = session.get(Round, rounds["t1"].id)
    t1.closes_on, t1.hide_results_while_open = clock.today() + timedelta(days=3), True
    session.commit()
    assert (
        leader.get(f"/dashboard/{slug}/rounds/{t1.id}/export/statements.xlsx").status_code == 404
    )  # hidden until closed
    t1.hide_results_while_open = False
    session.commit()
    assert leader.get(f"/dashboard/{slug}/rounds/{t1.id}/export/statements.csv").status_code == 200  # live, in steps


def test_formula_like_titles_are_neutralised_in_exports(leader, rounds, session):
    t1 = session.get(Round, rounds["t1"].id)
    t1.title = '=HYPERLINK("http://evil")'
    session.commit()
    rows = parse_csv(leader.get(f"/dashboard/{rounds['partnership'].slug}/export/scores.csv").data)
    assert '\'=HYPERLINK("http://evil")' in {r["Meting"] for r in rows}
    sheet = load_workbook(
        io.BytesIO(leader.get(f"/dashboard/{rounds['partnership'].slug}/export/scores.xlsx").data)
    ).active
    cell = next(c for c in sheet["A"] if str(c.value).startswith("'="))
    assert cell.data_type == "s"


def test_api_returns_aggregates_of_shown_groups(leader, rounds):
    slug = rounds["partnership"].slug
    body = leader.get(f"/api/partnerships/{slug}/rounds/{rounds['t0'].id}").get_json()
    assert body["respondents"] == 15 and body["min_group_size"] == 5
    assert body["total"]["youth"]["mean"] == pytest.approx(3.4) and body["total"]["youth"]["n"] == 15
    assert set(body["levels"]) == {"werkvloer", "bestuur"}
    small = leader.get(f"/api/partnerships/{slug}/rounds/{rounds['t2'].id}").get_json()
    assert small["shown"] is False and small["respondents"] is None and small["total"] is None
    assert small["levels"] == {} and small["domains"] == {}
    assert small.get("release") is None and not small.get("statements")


def test_api_names_the_release_of_the_round_and_of_every_figure(leader, rounds):
    """T0: the round as of release 3; werkvloer and onderwijs as of release 1, bestuur and
    gemeente as of release 2 (see the rounds fixture)."""
    slug = rounds["partnership"].slug
    body = leader.get(f"/api/partnerships/{slug}/rounds/{rounds['t0'].id}").get_json()
    assert body["release"] == {"number": 3, "released_on": clock.today().isoformat()}
    assert {key: (a["release"], a["n"]) for key, a in body["total"].items()} == {
        d.key: (3, 15) for d in INSTRUMENT.dimensions
    }
    assert {
        key: (g["release"], g["respondents"], g["scores"]["youth"]["mean"]) for key, g in body["levels"].items()
    } == {"werkvloer": (1, 5, 3.0), "bestuur": (2, 5, 5.0)}
    assert {
        key: (g["release"], g["respondents"], g["scores"]["daring"]["n"]) for key, g in body["domains"].items()
    } == {"onderwijs": (1, 5, 5), "gemeente": (2, 5, 5)}
    # Statements as answered: 5x3, 5x5, 3x1, 2x4 (a reverse-worded one mirrored: 5x3, 5x1, 3x5, 2x2).
    assert set(body["statements"]) == {item.key for item in INSTRUMENT.items}
    for item in INSTRUMENT.items:
        statement = body["statements"][item.key]
        expected = ((5, 2, 5, 0, 3), 39 / 15) if item.reverse else ((3, 0, 5, 2, 5), 51 / 15)
        assert (statement["release"], statement["n"], statement["unknown"]) == (3, 15, 0), item.key
        assert tuple(statement["distribution"]) == expected[0] and statement["mean"] == pytest.approx(expected[1]), (
            item.key
        )
    assert any(item.reverse for item in INSTRUMENT.items)


def test_api_statements_by_hand(client, statements_round):
    login(client, "kijker@stelling.example")
    body = client.get(f"/api/partnerships/{statements_round.partnership.slug}/rounds/{statements_round.id}").get_json()
    assert body["respondents"] == 10 and body["release"]["number"] == 2
    for index, item in enumerate(INSTRUMENT.items):
        n, mean, sd, counts, unknown = expected_statement(index)
        statement = body["statements"][item.key]
        assert (statement["n"], statement["unknown"], tuple(statement["distribution"])) == (n, unknown, counts), (
            item.key
        )
        assert statement["mean"] == pytest.approx(mean) and statement["sd"] == pytest.approx(sd, abs=5e-4), item.key


def test_report_compares_a_round_with_the_previous_one(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/rounds/{rounds['t1'].id}/report")
    assert page.status_code == 200
    assert "T1 najaar" in page.text and "vergeleken met" in page.text and "T0 nulmeting" in page.text
    radar = figure(page.text, "pair-radar")
    assert [trace["name"] for trace in radar["data"]] == ["T0 nulmeting", "T1 najaar"]
    assert radar["data"][0]["r"][:6] == pytest.approx([3.4] * 6) and radar["data"][1]["r"][:6] == pytest.approx(
        [3.0] * 6
    )
    assert "@media print" in (leader.get("/static/css/app.css").text)


def test_the_report_says_when_the_round_ran_and_prints_no_empty_log_or_timeline(leader, rounds):
    from babel.dates import format_date

    t1 = rounds["t1"]
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/rounds/{t1.id}/report").text
    start, end = (format_date(day, "long", locale="nl") for day in (t1.opens_on, t1.closes_on))
    period = re.search(r'<p id="round-period">(.*?)</p>', page, re.S).group(1)
    assert period == f"Meting van {start} tot en met {end} · 10 respondenten"
    # No agreed action, no timeline note: neither block is printed (the open actions say so).
    assert "Nog geen afspraken bij een meting met uitkomsten." not in page
    assert "Nog geen gebeurtenissen op de tijdlijn." not in page
    assert "Geen lopende afspraken." in page


def test_report_of_a_small_round_shows_nothing(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/rounds/{rounds['t2'].id}/report")
    assert page.status_code == 200
    assert "te weinig respondenten" in page.text and SECRET_COMMENT not in page.text
    assert 'data-chart-for="levels-radar"' not in page.text


def test_threshold_is_configurable_but_never_below_three(app):
    assert (
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "MIN_GROUP_SIZE": 1}).config[
            "MIN_GROUP_SIZE"
        ]
        == 3
    )
    assert (
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "MIN_GROUP_SIZE": 8}).config[
            "MIN_GROUP_SIZE"
        ]
        == 8
    )


def test_dashboard_in_english(leader, rounds):
    leader.get("/?lang=en")
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    assert "too few respondents" in page
    assert '<th scope="col" class="num">Shared urgency and ambition</th>' in page  # tables, not only charts
    assert INSTRUMENT.items[0].text.en in page and INSTRUMENT.items[0].text.nl not in page


def test_a_dimension_scored_by_too_few_people_is_not_shown_nor_derivable(make_round, add_responses, make_user, client):
    """Release 1: five on the work floor scoring 4. Release 2: five in governance, of whom
    four answer "weet ik niet" to every momentum statement (and 3 to the rest) and one
    scores 1: governance's momentum rests on one person."""
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=1))
    momentum = {item.key for item in INSTRUMENT.dimension("momentum").items}
    add_responses(round_, 5, scored(4), level="werkvloer", domain="onderwijs")
    add_responses(
        round_,
        4,
        lambda n, item: None if item.key in momentum else scored(3)(n, item),
        level="bestuur",
        domain="gemeente",
    )
    add_responses(round_, 1, scored(1), level="bestuur", domain="gemeente")
    make_user("leider@probe.example", round_.partnership)
    login(client, "leider@probe.example")
    slug = round_.partnership.slug
    body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
    assert body["respondents"] == 10 and body["release"]["number"] == 2
    assert "momentum" not in body["levels"]["bestuur"]["scores"] and "urgency" in body["levels"]["bestuur"]["scores"]
    assert "momentum" not in body["domains"]["gemeente"]["scores"]
    # The round's momentum stays as released in release 1 (the five on the work floor):
    # updated it would be six scores, and six minus the work floor's five gives the one.
    assert (
        body["total"]["momentum"]["n"],
        body["total"]["momentum"]["mean"],
        body["total"]["momentum"]["release"],
    ) == (5, 4.0, 1)
    assert body["total"]["urgency"]["n"] == 10 and body["total"]["urgency"]["mean"] == pytest.approx(
        (5 * 4 + 4 * 3 + 1) / 10
    )
    assert body["levels"]["werkvloer"]["scores"]["momentum"]["n"] == 5  # the same five: nothing to subtract
    momentum_statement = body["statements"][INSTRUMENT.dimension("momentum").items[0].key]
    assert (momentum_statement["n"], momentum_statement["release"]) == (5, 1)  # one answer in release 2: not added
    rows = parse_csv(client.get(f"/dashboard/{slug}/export/scores.csv").data)
    momentum = [r for r in rows if r["Dimensie"] == DIMENSION["momentum"]]
    assert [r["Gemiddelde"] for r in momentum if r["Groep"] in (OPTION["bestuur"], OPTION["gemeente"])] == ["", ""]
    assert {r["Aantal met een score"] for r in momentum if r["Gemiddelde"]} == {"5"}
    page = client.get(f"/dashboard/{slug}/").text
    bestuur = figure(page, "levels-radar")["data"][1]
    assert bestuur["name"] == "Bestuur" and bestuur["r"][2] is None


def test_an_open_round_shows_its_releases_as_provisional_figures(leader, rounds, session):
    t1 = session.get(Round, rounds["t1"].id)
    t1.closes_on = clock.today() + timedelta(days=3)
    session.commit()
    slug = rounds["partnership"].slug
    page = leader.get(f"/dashboard/{slug}/?round={t1.id}").text
    assert "de cijfers zijn voorlopig" in page and f"/rounds/{t1.id}/export/statements.csv" in page


def test_huge_or_odd_round_ids_are_404_not_500(leader, rounds):
    slug = rounds["partnership"].slug
    for url in (
        f"/dashboard/{slug}/rounds/99999999999999999999/report",
        f"/api/partnerships/{slug}/rounds/99999999999999999999",
        f"/dashboard/{slug}/rounds/0/export/statements.csv",
    ):
        assert leader.get(url).status_code == 404, url
    assert leader.get(f"/dashboard/{slug}/?round=99999999999999999999").status_code == 200
    assert leader.get(f"/api/partnerships/{slug}/rounds/99999").get_json()["status"] == 404


def test_markup_in_titles_stays_text_in_charts(leader, rounds, session):
    t1 = session.get(Round, rounds["t1"].id)
    t1.title = '<a href="https://evil.example/">EVIL</a>'
    session.commit()
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    names = [trace["name"] for trace in figure(page, "rounds-radar")["data"]]
    assert '&lt;a href="https://evil.example/"&gt;EVIL&lt;/a&gt;' in names
    assert not any("<a" in name for name in names)
    trend = figure(page, "trend-youth")
    assert all("<a" not in x for x in trend["layout"]["xaxis"]["ticktext"])
    assert all("<a" not in title for title, _ in trend["data"][0]["customdata"])


def test_a_format_that_does_not_exist_is_404_and_not_logged(leader, rounds, session):
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert leader.get(f"/dashboard/{rounds['partnership'].slug}/export/scores.json").status_code == 404
    assert (
        leader.get(
            f"/dashboard/{rounds['partnership'].slug}/rounds/{rounds['t1'].id}/export/statements.json"
        ).status_code
        == 404
    )
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


# --- releases: counts and figures move in steps ---------------------------------------------


def without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=|value=)"[^"]{40,}"', "", html)


@pytest.fixture
def open_round(make_round, make_user):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=3), closes_on=clock.today() + timedelta(days=10))
    make_user("leider@stap.example", round_.partnership)
    return round_


def test_thirteen_responses_show_as_ten_and_the_rest_waits(app, client, open_round, add_responses):
    """Ten scoring 4, then three scoring 1: releases at 5 and 10, so leaders see the first
    ten (4.0); the three wait. Two more make 15: a release with all fifteen, (40 + 5)/15 = 3.0."""
    add_responses(open_round, 10, scored(4))
    add_responses(open_round, 3, scored(1))
    login(client, "leider@stap.example")
    slug = open_round.partnership.slug
    api, dashboard, manage = (
        f"/api/partnerships/{slug}/rounds/{open_round.id}",
        f"/dashboard/{slug}/",
        f"/beheer/{slug}/metingen/{open_round.id}/",
    )
    body = client.get(api).get_json()
    assert (body["respondents"], body["release"]["number"], body["total"]["youth"]["n"]) == (10, 2, 10)
    assert body["total"]["youth"]["mean"] == 4.0
    page = client.get(dashboard).text
    assert re.search(r'Respondenten</p>\s*<p class="card-value">10</p>', page)
    assert figure(page, "rounds-radar")["data"][0]["r"][:6] == [4.0] * 6
    round_page = client.get(manage).text
    assert 'id="responses-count">10<' in round_page and "Uitvoerend / werkvloer: 10" in round_page

    # A 14th response changes nothing a leader can see: not a count, not a figure, not a date.
    before = {url: without_tokens(client.get(url).get_data(as_text=True)) for url in (api, dashboard, manage)}
    add_responses(open_round, 1, scored(1))
    assert {url: without_tokens(client.get(url).get_data(as_text=True)) for url in (api, dashboard, manage)} == before

    add_responses(open_round, 1, scored(1))
    body = client.get(api).get_json()
    assert (body["respondents"], body["release"]["number"], body["total"]["youth"]["mean"]) == (15, 3, 3.0)
    assert 'id="responses-count">15<' in client.get(manage).text


def test_a_group_that_grew_by_fewer_than_five_keeps_its_old_figure(client, open_round, add_responses):
    """Release 1: 5 werkvloer/gemeente scoring 4. Release 2: 3 more werkvloer/gemeente
    scoring 1 and 2 bestuur/onderwijs scoring 2: werkvloer (and gemeente, the same people)
    grew by 3, so they keep release 1's figure (n 5, 4.0, not 23/8); bestuur (2) is hidden.
    Release 3: 2 more werkvloer scoring 1 and 3 more bestuur scoring 2: werkvloer grew by 5
    since its figure and is updated to (20 + 5)/10 = 2.5; bestuur (5) is shown, 2.0."""
    login(client, "leider@stap.example")
    api = f"/api/partnerships/{open_round.partnership.slug}/rounds/{open_round.id}"
    add_responses(open_round, 5, scored(4), level="werkvloer", domain="gemeente")
    add_responses(open_round, 3, scored(1), level="werkvloer", domain="gemeente")
    add_responses(open_round, 2, scored(2), level="bestuur", domain="onderwijs")
    body = client.get(api).get_json()
    assert (body["respondents"], body["total"]["urgency"]["mean"]) == (10, pytest.approx((20 + 3 + 4) / 10))
    assert {
        key: (g["release"], g["respondents"], g["scores"]["urgency"]["mean"]) for key, g in body["levels"].items()
    } == {"werkvloer": (1, 5, 4.0)}
    assert {key: (g["release"], g["respondents"]) for key, g in body["domains"].items()} == {"gemeente": (1, 5)}
    page = client.get(f"/dashboard/{open_round.partnership.slug}/").text
    assert {t["name"]: t["r"][0] for t in figure(page, "levels-radar")["data"]} == {
        "Uitvoerend / werkvloer": 4.0,
        "Hele meting": pytest.approx(2.7),
    }

    add_responses(open_round, 2, scored(1), level="werkvloer", domain="gemeente")
    add_responses(open_round, 3, scored(2), level="bestuur", domain="onderwijs")
    body = client.get(api).get_json()
    assert (body["respondents"], body["total"]["urgency"]["mean"]) == (15, pytest.approx(35 / 15))
    assert {
        key: (g["release"], g["respondents"], g["scores"]["urgency"]["mean"]) for key, g in body["levels"].items()
    } == {"werkvloer": (3, 10, 2.5), "bestuur": (3, 5, 2.0)}
    assert {key: (g["release"], g["respondents"]) for key, g in body["domains"].items()} == {
        "onderwijs": (3, 5),
        "gemeente": (3, 10),
    }


def test_results_hidden_until_closed_show_no_release_and_then_the_latest(
    client, make_round, make_user, add_responses, session
):
    round_ = make_round(
        "T1",
        opens_on=clock.today() - timedelta(days=3),
        closes_on=clock.today() + timedelta(days=10),
        hide_results_while_open=True,
    )
    make_user("leider@dicht.example", round_.partnership)
    add_responses(round_, 12, scored(4))
    login(client, "leider@dicht.example")
    slug = round_.partnership.slug
    body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
    assert (
        body["shown"] is False and body["total"] is None and body.get("release") is None and not body.get("statements")
    )
    assert body["levels"] == {} and body["domains"] == {}
    page = client.get(f"/dashboard/{slug}/").text
    assert "verborgen tot de meting sluit" in page and 'data-chart-for="rounds-radar"' not in page
    round_ = session.get(Round, round_.id)
    round_.closes_on = clock.today() - timedelta(days=1)
    session.commit()
    body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
    assert (body["shown"], body["respondents"], body["release"]["number"]) == (True, 10, 2)


def test_a_submission_through_the_questionnaire_makes_the_release(app, client, open_round, session):
    """Four people answer through the open link: nothing to see. The fifth makes release 1."""
    from models import Release

    from .conftest import Respondent, uniform_answers

    for person in range(5):
        Respondent(app.test_client(), open_round.public_code).complete(uniform_answers("4"))
        session.expire_all()
        assert [(r.number, r.n) for r in session.scalars(select(Release))] == ([] if person < 4 else [(1, 5)])
    login(client, "leider@stap.example")
    body = client.get(f"/api/partnerships/{open_round.partnership.slug}/rounds/{open_round.id}").get_json()
    assert (body["shown"], body["respondents"], body["statements"][INSTRUMENT.items[0].key]["distribution"]) == (
        True,
        5,
        [0, 0, 0, 5, 0],
    )


def test_the_band_legend_shows_the_thresholds_band_uses(leader, rounds):
    """The legend takes its numbers from surveys/scoring.py, where band() takes them."""
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    assert "onder 3,0: aandachtspunt" in page and "3,0 tot 4,0: middenmoot" in page
    assert "4,0 en hoger: sterk punt" in page
    leader.get("/?lang=en")
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    assert "below 3.0: concern" in page and "3.0 to 4.0: middling" in page and "4.0 and above: strength" in page


# --- order: statements by disagreement, comments by text ------------------------------------

URGENCY = INSTRUMENT.dimension("urgency").items
# Five people's answers to the five urgency statements (everything else 3), chosen so the
# spreads differ clearly. Sample sd by hand (mean, squared deviations, / 4):
#   [0] 3,3,3,3,4: mean 3.2, 0.04*4 + 0.64 = 0.8,  sd sqrt(0.2) = 0.45
#   [1] 2,4,2,4,3: mean 3,   1+1+1+1+0 = 4,        sd 1.0
#   [2] 3,3,3,3,3: mean 3,   0,                    sd 0.0
#   [3] 1,5,1,5,3: mean 3,   4+4+4+4+0 = 16,      sd 2.0
#   [4] 1,5,3,3,3: mean 3,   4+4 = 8,              sd sqrt(2) = 1.41
SPREAD_ANSWERS = {
    URGENCY[0].key: [3, 3, 3, 3, 4],
    URGENCY[1].key: [2, 4, 2, 4, 3],
    URGENCY[2].key: [3, 3, 3, 3, 3],
    URGENCY[3].key: [1, 5, 1, 5, 3],
    URGENCY[4].key: [1, 5, 3, 3, 3],
}
BY_SPREAD = [URGENCY[3], URGENCY[4], URGENCY[1], URGENCY[0], URGENCY[2]]  # 2.0, 1.41, 1.0, 0.45, 0.0


def statement_rows(html: str, items) -> list[tuple[str, list[str]]]:
    """(statement, its cells) of `items` as they appear as table rows, in page order."""
    texts = {item.text.nl for item in items}
    reverse = r'(?: <span aria-hidden="true"[^>]*>↺</span><span class="visually-hidden">[^<]*</span>)?'
    rows = re.findall(rf'<tr>\s*<th scope="row">([^<]*?){reverse}</th>(.*?)</tr>', html, re.S)
    return [(text, re.findall(r'<td class="num">([^<]*)</td>', cells)) for text, cells in rows if text in texts]


def statement_order(html: str, items) -> list[str]:
    return [text for text, _cells in statement_rows(html, items)]


def test_a_reverse_worded_statement_is_marked_in_words_a_screen_reader_reads(leader, rounds):
    """The ↺ is hidden from screen readers (an aria-label on a plain span is not read out);
    words in the row's header say it instead, in every statements table of the dashboard and
    the report."""
    slug, round_id = rounds["partnership"].slug, rounds["t0"].id
    reverse = [item for item in INSTRUMENT.items if item.reverse]
    assert reverse
    for url in (f"/dashboard/{slug}/?round={round_id}", f"/dashboard/{slug}/rounds/{round_id}/report"):
        html = leader.get(url).text
        assert re.findall(r"<span(?=[^>]*aria-label)[^>]*>", html) == []
        headers = re.findall(r'<th scope="row">(.*?)</th>', html, re.S)
        for item in INSTRUMENT.items:
            (header,) = [h for h in headers if h.startswith(item.text.nl)]
            marked = '<span aria-hidden="true" title="omgekeerd geformuleerd">↺</span>'
            marked += '<span class="visually-hidden">(omgekeerd geformuleerd)</span>'
            assert header == item.text.nl + (" " + marked if item.reverse else ""), header


def test_sorting_by_disagreement_puts_the_largest_spread_first(client, make_round, add_responses, make_user):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=1))
    add_responses(round_, 5, lambda n, item: SPREAD_ANSWERS[item.key][n] if item.key in SPREAD_ANSWERS else 3)
    make_user("leider@spreiding.example", round_.partnership)
    login(client, "leider@spreiding.example")
    url = f"/dashboard/{round_.partnership.slug}/?round={round_.id}"

    plain = client.get(url).text
    assert statement_order(plain, URGENCY) == [item.text.nl for item in URGENCY]  # as in the questionnaire
    # The spreads worked out above (the column after the mean), in that order.
    assert [cells[1] for _text, cells in statement_rows(plain, URGENCY)] == ["0,4", "1,0", "0,0", "2,0", "1,4"]

    by_spread = client.get(url + "&sort=spread").text
    assert statement_order(by_spread, URGENCY) == [item.text.nl for item in BY_SPREAD]
    # The bars of the dimension follow the same order.
    labels = figure(by_spread, "bars-urgency")["data"][0]["y"]
    assert [label.replace("<br>", " ").removesuffix(" ↺") for label in labels] == [item.text.nl for item in BY_SPREAD]
    # Every other dimension has spread 0 everywhere: its statements keep their order.
    youth = INSTRUMENT.dimension("youth").items
    assert statement_order(by_spread, youth) == [item.text.nl for item in youth]


# Submitted in this order (reverse alphabetical), one person each; the database hands them
# back in the order of the random response ids or of arrival, so only sorting puts them right
# (seen: without the sort both databases list them unsorted). Casefold, not code points:
# "druif" belongs before "Kers" (a plain sort puts every capital first).
YOUTH_COMMENTS = ["Zon", "maan", "Kers", "druif", "Appel"]
URGENCY_COMMENTS = ["elf", "Twaalf", "dertien", "Veertien", "acht"]  # the same five people, other order


def comment_list(html: str, dimension_key: str) -> list[str]:
    """The comments listed under a dimension's heading in the comments section."""
    section = html.split('id="comments"')[1]
    title = INSTRUMENT.dimension(dimension_key).title.nl
    block = section.split(f"<h3>{title}</h3>")[1].split("<h3>")[0]
    return re.findall(r"<li>([^<]*)</li>", block)


def test_comments_are_sorted_by_text_so_one_persons_cannot_be_lined_up(client, make_round, add_responses, make_user):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=1))
    for youth, urgency in zip(YOUTH_COMMENTS, URGENCY_COMMENTS):
        add_responses(round_, 1, scored(4), comments={"youth": youth, "urgency": urgency})
    make_user("leider@volgorde.example", round_.partnership)
    login(client, "leider@volgorde.example")
    slug = round_.partnership.slug
    for url in (f"/dashboard/{slug}/?round={round_.id}", f"/dashboard/{slug}/rounds/{round_.id}/report"):
        page = client.get(url).text
        assert comment_list(page, "youth") == ["Appel", "druif", "Kers", "maan", "Zon"], url
        assert comment_list(page, "urgency") == ["acht", "dertien", "elf", "Twaalf", "Veertien"], url
        # The first person wrote "Zon" and "elf": fifth and third, so positions do not pair them.
