"""The leaders' dashboard, report, exports and API show the right numbers, and never a
group below the anonymity threshold (MIN_GROUP_SIZE = 5 in the tests)."""
import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

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
    """T0: werkvloer 6x3, bestuur 5x5, beleid 2x4 (13). T1: werkvloer 6x4, bestuur 6x2 (12).
    T2: 3 responses, too few to show."""
    today = date.today()
    t0 = make_round("T0 nulmeting", opens_on=today - timedelta(days=400), closes_on=today - timedelta(days=380))
    partnership = t0.partnership
    t1 = make_round("T1 najaar", opens_on=today - timedelta(days=200), closes_on=today - timedelta(days=180), partnership=partnership)
    t2 = make_round("T2 voorjaar", opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=5), partnership=partnership)
    add_responses(t0, 6, scored(3), level="werkvloer", domain="onderwijs")
    add_responses(t0, 5, scored(5), level="bestuur", domain="gemeente")
    add_responses(t0, 2, scored(4), level="beleid", domain="gemeente")
    add_responses(t1, 6, scored(4), level="werkvloer", domain="onderwijs", comments={"youth": "Samen optrekken werkt"})
    add_responses(t1, 6, scored(2), level="bestuur", domain="gemeente")
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


def test_dashboard_compares_the_rounds_that_are_large_enough(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/")
    assert page.status_code == 200
    radar = figure(page.text, "rounds-radar")
    assert [trace["name"] for trace in radar["data"]] == ["T0 nulmeting", "T1 najaar"]
    assert radar["data"][0]["r"][:6] == pytest.approx([51 / 13] * 6)
    assert radar["data"][1]["r"][:6] == pytest.approx([3.0] * 6)
    assert radar["data"][1]["line"]["width"] > radar["data"][0]["line"]["width"]  # latest emphasised
    assert radar["layout"]["polar"]["radialaxis"]["range"] == [1, 5]
    assert "T2 voorjaar" in page.text and "te weinig respondenten" in page.text
    assert SECRET_COMMENT not in page.text
    # Headline of the latest shown round (T1) against T0.
    assert "3,0" in page.text and "-0,9" in page.text


def test_level_comparison_hides_small_groups_and_what_subtraction_would_reveal(leader, rounds):
    slug, t0 = rounds["partnership"].slug, rounds["t0"]
    page = leader.get(f"/dashboard/{slug}/?round={t0.id}").text
    radar = figure(page, "levels-radar")
    # beleid (2) is too small; bestuur (5) is large enough, but T0 total minus werkvloer and
    # bestuur would give away beleid's two people, so bestuur is hidden as well.
    assert [trace["name"] for trace in radar["data"]] == ["Uitvoerend / werkvloer", "Hele meting"]
    assert radar["data"][0]["r"][:6] == pytest.approx([3.0] * 6)
    # Every option not shown is named, also one nobody chose, so the note gives nothing away.
    assert re.search(r"Niet getoond[^<]*: Beleid, Bestuur, Zeg ik liever niet</p>", page)

    t1_page = leader.get(f"/dashboard/{slug}/?round={rounds['t1'].id}").text
    levels = figure(t1_page, "levels-radar")
    assert {trace["name"]: trace["r"][0] for trace in levels["data"]} == {"Uitvoerend / werkvloer": 4.0, "Bestuur": 2.0, "Hele meting": 3.0}


def test_trends_have_a_point_per_round_with_n_and_a_gap_for_a_small_round(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    trend = figure(page, "trend-youth")["data"][0]
    assert [x.replace("<br>", " ") for x in trend["x"]] == ["T0 nulmeting", "T1 najaar", "T2 voorjaar"]
    assert trend["y"][0] == pytest.approx(51 / 13) and trend["y"][1] == pytest.approx(3.0) and trend["y"][2] is None
    assert trend["text"] == ["n=13", "n=12<br>-0,9", ""]  # a round not shown has no n either


def test_statement_detail_and_sorting_by_disagreement(leader, rounds):
    slug, t1 = rounds["partnership"].slug, rounds["t1"]
    page = leader.get(f"/dashboard/{slug}/?round={t1.id}").text
    bars = figure(page, "bars-urgency")
    assert len(bars["data"]) == 6 and bars["layout"]["barmode"] == "relative"
    first = INSTRUMENT.dimensions[0].items[0]
    row = re.search(rf"{re.escape(first.text.nl)}.*?</tr>", page, re.S).group(0)
    assert [cell for cell in re.findall(r'<td class="num">([^<]*)</td>', row)] == ["3,0", "1,0", "0%", "0", "6", "0", "6", "0"]
    assert "Samen optrekken werkt" in page

    sorted_page = leader.get(f"/dashboard/{slug}/?round={t1.id}&sort=spread").text
    assert "<strong>meeste verdeeldheid eerst</strong>" in sorted_page


def test_small_round_shows_nothing_but_its_count_being_too_small(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/?round={rounds['t2'].id}").text
    assert "te weinig respondenten" in page
    assert SECRET_COMMENT not in page
    for chart in ("levels-radar", "domains-radar", "bars-youth"):
        assert f'data-chart-for="{chart}"' not in page


def parse_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_score_exports_hold_the_shown_groups_only(leader, rounds):
    slug = rounds["partnership"].slug
    response = leader.get(f"/dashboard/{slug}/export/scores.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = parse_csv(response.data)
    groups = {(r["round"], r["group_type"], r["group"]) for r in rows}
    assert groups == {
        ("T0 nulmeting", "total", "total"), ("T0 nulmeting", "level", "werkvloer"), ("T0 nulmeting", "domain", "onderwijs"),
        ("T0 nulmeting", "domain", "gemeente"),
        ("T1 najaar", "total", "total"), ("T1 najaar", "level", "werkvloer"), ("T1 najaar", "level", "bestuur"),
        ("T1 najaar", "domain", "onderwijs"), ("T1 najaar", "domain", "gemeente"),
    }
    t0_total = [r for r in rows if r["round"] == "T0 nulmeting" and r["group_type"] == "total"]
    assert len(t0_total) == 6 and {float(r["mean"]) for r in t0_total} == {round(51 / 13, 3)}
    assert {r["respondents"] for r in t0_total} == {"13"}

    workbook = load_workbook(io.BytesIO(leader.get(f"/dashboard/{slug}/export/scores.xlsx").data))
    sheet = list(workbook.active.values)
    assert list(sheet[0]) == list(rows[0].keys())
    assert len(sheet) == len(rows) + 1
    assert {(r[0], r[2], r[3]) for r in sheet[1:]} == groups


def test_answer_exports_hide_small_levels_and_small_rounds(leader, rounds):
    slug = rounds["partnership"].slug
    t0 = parse_csv(leader.get(f"/dashboard/{slug}/rounds/{rounds['t0'].id}/export/answers.csv").data)
    assert len(t0) == 13
    assert sorted({row["level"] for row in t0}) == ["", "werkvloer"]
    assert set(t0[0]) == {"level", *[item.key for item in INSTRUMENT.items]}  # no date, language, id or domain
    workbook = load_workbook(io.BytesIO(leader.get(f"/dashboard/{slug}/rounds/{rounds['t1'].id}/export/answers.xlsx").data))
    t1 = workbook["answers"]
    assert t1.max_row == 13 and {row[0] for row in t1.iter_rows(min_row=2, values_only=True)} == {"werkvloer", "bestuur"}
    key = list(workbook["statements"].values)  # what each column means
    assert len(key) == len(INSTRUMENT.items) + 1 and key[1][0] == INSTRUMENT.items[0].key and key[1][3] == INSTRUMENT.items[0].text.nl
    assert leader.get(f"/dashboard/{slug}/rounds/{rounds['t2'].id}/export/answers.csv").status_code == 404
    assert leader.get(f"/dashboard/{slug}/export/scores.pdf").status_code == 404


def test_formula_like_titles_are_neutralised_in_exports(leader, rounds, session):
    t1 = session.get(Round, rounds["t1"].id)
    t1.title = "=HYPERLINK(\"http://evil\")"
    session.commit()
    rows = parse_csv(leader.get(f"/dashboard/{rounds['partnership'].slug}/export/scores.csv").data)
    assert "'=HYPERLINK(\"http://evil\")" in {r["round"] for r in rows}
    sheet = load_workbook(io.BytesIO(leader.get(f"/dashboard/{rounds['partnership'].slug}/export/scores.xlsx").data)).active
    cell = next(c for c in sheet["A"] if str(c.value).startswith("'="))
    assert cell.data_type == "s"


def test_api_returns_aggregates_of_shown_groups(leader, rounds):
    slug = rounds["partnership"].slug
    body = leader.get(f"/api/partnerships/{slug}/rounds/{rounds['t0'].id}").get_json()
    assert body["respondents"] == 13 and body["min_group_size"] == 5
    assert body["total"]["youth"]["mean"] == pytest.approx(51 / 13) and body["total"]["youth"]["n"] == 13
    assert list(body["levels"]) == ["werkvloer"]
    small = leader.get(f"/api/partnerships/{slug}/rounds/{rounds['t2'].id}").get_json()
    assert small["shown"] is False and small["respondents"] is None and small["total"] is None
    assert small["levels"] == {} and small["domains"] == {}


def test_report_compares_a_round_with_the_previous_one(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/rounds/{rounds['t1'].id}/report")
    assert page.status_code == 200
    assert "T1 najaar" in page.text and "vergeleken met" in page.text and "T0 nulmeting" in page.text
    radar = figure(page.text, "pair-radar")
    assert [trace["name"] for trace in radar["data"]] == ["T0 nulmeting", "T1 najaar"]
    assert "@media print" in (leader.get("/static/css/app.css").text)


def test_report_of_a_small_round_shows_nothing(leader, rounds):
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/rounds/{rounds['t2'].id}/report")
    assert page.status_code == 200
    assert "te weinig respondenten" in page.text and SECRET_COMMENT not in page.text
    assert 'data-chart-for="levels-radar"' not in page.text


def test_threshold_is_configurable_but_never_below_three(app):
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MIN_GROUP_SIZE": 1}).config["MIN_GROUP_SIZE"] == 3
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MIN_GROUP_SIZE": 8}).config["MIN_GROUP_SIZE"] == 8


def test_dashboard_in_english(leader, rounds):
    leader.get("/?lang=en")
    page = leader.get(f"/dashboard/{rounds['partnership'].slug}/").text
    assert "too few respondents" in page
    assert '<th scope="col" class="num">Shared urgency and ambition</th>' in page  # tables, not only charts
    assert INSTRUMENT.items[0].text.en in page and INSTRUMENT.items[0].text.nl not in page


def test_a_dimension_scored_by_too_few_people_is_not_shown_nor_derivable(make_round, add_responses, make_user, client):
    """Nine on the work floor and five in governance, of whom four answer "weet ik niet" to
    every momentum statement: governance's momentum rests on one person."""
    round_ = make_round("T1", opens_on=date.today() - timedelta(days=30), closes_on=date.today() - timedelta(days=1))
    momentum = {item.key for item in INSTRUMENT.dimension("momentum").items}
    add_responses(round_, 9, scored(4), level="werkvloer", domain="onderwijs")
    add_responses(round_, 4, lambda n, item: None if item.key in momentum else scored(3)(n, item), level="bestuur", domain="gemeente")
    add_responses(round_, 1, scored(1), level="bestuur", domain="gemeente")
    make_user("leider@probe.example", round_.partnership)
    login(client, "leider@probe.example")
    slug = round_.partnership.slug
    body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
    assert "momentum" not in body["levels"]["bestuur"]["scores"] and "urgency" in body["levels"]["bestuur"]["scores"]
    # Work floor momentum stays hidden too: the round's 10 momentum scores minus its 9 would give the one.
    assert "momentum" not in body["levels"]["werkvloer"]["scores"]
    assert "momentum" not in body["domains"]["gemeente"]["scores"]
    rows = parse_csv(client.get(f"/dashboard/{slug}/export/scores.csv").data)
    assert all(r["mean"] == "" for r in rows if r["dimension"] == "momentum" and r["group_type"] != "total")
    page = client.get(f"/dashboard/{slug}/").text
    bestuur = figure(page, "levels-radar")["data"][1]
    assert bestuur["name"] == "Bestuur" and bestuur["r"][2] is None
    statement = INSTRUMENT.dimension("momentum").items[0].text.nl
    assert re.search(re.escape(statement) + r".*?te weinig mensen gaven hier een mening", page, re.S) is None  # 10 answered


def test_answers_export_waits_until_the_round_is_closed(leader, rounds, session):
    t1 = session.get(Round, rounds["t1"].id)
    t1.closes_on = date.today() + timedelta(days=3)
    session.commit()
    slug = rounds["partnership"].slug
    assert leader.get(f"/dashboard/{slug}/rounds/{t1.id}/export/answers.csv").status_code == 404
    assert "de cijfers zijn voorlopig" in leader.get(f"/dashboard/{slug}/?round={t1.id}").text


def test_huge_or_odd_round_ids_are_404_not_500(leader, rounds):
    slug = rounds["partnership"].slug
    for url in (f"/dashboard/{slug}/rounds/99999999999999999999/report", f"/api/partnerships/{slug}/rounds/99999999999999999999",
                f"/dashboard/{slug}/rounds/0/export/answers.csv"):
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
    assert all("<a" not in x for x in figure(page, "trend-youth")["data"][0]["x"])


def test_a_format_that_does_not_exist_is_404_and_not_logged(leader, rounds, session):
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert leader.get(f"/dashboard/{rounds['partnership'].slug}/export/scores.json").status_code == 404
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
