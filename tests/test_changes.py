"""Is a change between two rounds real? The changes the dashboard and the report show carry
Welch's 95% interval, and only those whose interval leaves out zero are called "groter dan
toeval"; the headline cards name only those. Any two rounds can be compared. Expected
intervals are worked out by hand (and agree with scipy's Welch test on the raw values)."""

import re
from datetime import date, timedelta

import pytest
from flask import render_template_string

import clock
from dashboard.charts import EARLIER_STYLES, LATEST_COLOR, TrendPoint, rounds_radar, trend_chart
from dashboard.results import round_results
from dashboard.summary import Change, change, changes, headline
from extensions import db
from models import Partnership
from surveys.instrument import get_instrument
from surveys.scoring import Aggregate, flip

from .conftest import login

INSTRUMENT = get_instrument(1)
TITLES = {d.key: d.title.nl for d in INSTRUMENT.dimensions}


def agg(n: int, mean: float, sd: float) -> Aggregate:
    return Aggregate(n, mean, sd, (0, 0, 0, 0, 0))


# --- the core: summary.change / changes / headline -----------------------------------------


def test_a_half_point_rise_with_25_and_20_people_is_larger_than_chance():
    """sd 0.6 in both: standard error sqrt(0.36/25 + 0.36/20) = 0.18, Welch degrees of freedom
    0.0324^2 / (0.0144^2/24 + 0.018^2/19) = 40.86, t = 2.0197: 0.5 +- 0.364 = 0.136 to 0.864."""
    result = change(agg(25, 3.5, 0.6), agg(20, 3.0, 0.6))
    assert result.shown == 0.5
    assert result.difference.low == pytest.approx(0.1364, abs=1e-3)
    assert result.difference.high == pytest.approx(0.8636, abs=1e-3)
    assert result.real and result.rise and not result.fall


def test_a_tenth_with_15_people_each_is_within_chance():
    """sd 0.8 in both, n = 15: standard error sqrt(2 * 0.64 / 15) = 0.2921, 28 degrees of
    freedom, t = 2.0484: 0.1 +- 0.598 = -0.498 to 0.698."""
    result = change(agg(15, 3.5, 0.8), agg(15, 3.4, 0.8))
    assert result.shown == 0.1
    assert result.difference.low == pytest.approx(-0.4984, abs=1e-3)
    assert result.difference.high == pytest.approx(0.6984, abs=1e-3)
    assert not result.real and not result.rise and not result.fall


def test_a_real_fall_is_a_fall():
    result = change(agg(20, 2.0, 0.5), agg(20, 3.0, 0.5))
    assert result.shown == -1.0 and result.real and result.fall and not result.rise


def test_the_shown_change_is_the_difference_of_the_shown_scores_the_interval_of_the_means():
    """3.54 shows as 3.5 and 3.56 as 3.6: the change reads +0.1, while the interval is around
    the unrounded +0.02."""
    result = change(agg(10, 3.56, 0.5), agg(10, 3.54, 0.5))
    assert result.shown == 0.1
    assert result.difference.change == pytest.approx(0.02)
    assert (result.difference.low + result.difference.high) / 2 == pytest.approx(0.02)


def test_no_change_without_both_scores_and_no_interval_without_spread():
    assert change(None, agg(10, 3.0, 0.5)) is None
    assert change(agg(10, 3.0, 0.5), None) is None
    assert change(Aggregate(0, None, None, (0,) * 5), agg(10, 3.0, 0.5)) is None
    single = change(Aggregate(1, 4.0, None, (0,) * 5), agg(10, 3.0, 0.5))
    assert single == Change(1.0, None) and not single.real


def test_changes_per_dimension():
    current = {"a": agg(25, 3.5, 0.6), "b": agg(15, 3.5, 0.8), "c": agg(15, 3.0, 0.8)}
    previous = {"a": agg(20, 3.0, 0.6), "b": agg(15, 3.4, 0.8)}
    result = changes(current, previous)
    assert [result["a"].real, result["b"].real, result["c"]] == [True, False, None]
    assert changes(current, None) == {"a": None, "b": None, "c": None}


def test_headline_names_the_largest_rise_that_is_real_not_a_larger_one_within_chance():
    """b rises more (+0.6) but with five people and sd 1.2 that is chance; a (+0.5) is real.
    c falls by 0.1, within chance: no fall is named, c is the largest fall within chance."""
    current = {"a": agg(25, 3.5, 0.6), "b": agg(5, 4.0, 1.2), "c": agg(15, 3.3, 0.8)}
    previous = {"a": agg(20, 3.0, 0.6), "b": agg(5, 3.4, 1.2), "c": agg(15, 3.4, 0.8)}
    result = headline(current, previous)
    assert result.rise[0] == "a" and result.largest_rise is None
    assert result.fall is None and result.largest_fall[0] == "c" and result.largest_fall[1].shown == -0.1
    assert result.strongest == ("b", 4.0) and result.weakest == ("c", 3.3)
    assert result.compared


def test_headline_without_a_real_change_names_the_largest_within_chance():
    current = {"a": agg(15, 3.5, 0.8), "b": agg(15, 3.6, 0.8)}
    previous = {"a": agg(15, 3.4, 0.8), "b": agg(15, 3.4, 0.8)}
    result = headline(current, previous)
    assert result.rise is None and result.largest_rise[0] == "b" and result.largest_rise[1].shown == 0.2
    assert result.fall is None and result.largest_fall is None


def test_of_two_real_rises_shown_alike_the_larger_unrounded_one_is_named():
    """Both show +1.0 (3.0 -> 4.0); b's unrounded change is 4.04 - 2.96 = 1.08 > 1.0."""
    current = {"a": agg(30, 4.0, 0.3), "b": agg(30, 4.04, 0.3)}
    previous = {"a": agg(30, 3.0, 0.3), "b": agg(30, 2.96, 0.3)}
    assert headline(current, previous).rise[0] == "b"


def test_headline_without_an_earlier_round():
    result = headline({"a": agg(15, 3.5, 0.8)}, None)
    assert not result.compared and result.rise is result.fall is result.largest_rise is None


# --- the charts -------------------------------------------------------------------------


def test_rounds_on_the_radar_differ_in_hue_and_dash_and_the_latest_stands_out():
    series = [(f"T{i}", {d.key: 3.0 for d in INSTRUMENT.dimensions}) for i in range(4)]
    data = rounds_radar(INSTRUMENT, series, "nl")["data"]
    colors = [trace["line"]["color"] for trace in data]
    dashes = [trace["line"]["dash"] for trace in data]
    assert len(set(colors)) == 4 and len(set(dashes)) == 4  # each round its own colour and dash
    assert colors[-1] == LATEST_COLOR and dashes[-1] == "solid" and data[-1]["fill"] == "toself"
    assert all(trace["fill"] == "none" for trace in data[:-1])
    assert data[-1]["line"]["width"] > max(trace["line"]["width"] for trace in data[:-1])
    # The round before the latest always looks the same, however many rounds there are.
    assert (colors[-2], dashes[-2]) == EARLIER_STYLES[0]
    two = rounds_radar(INSTRUMENT, series[:2], "nl")["data"]
    assert (two[0]["line"]["color"], two[0]["line"]["dash"]) == EARLIER_STYLES[0]
    # Okabe-Ito hues for the earlier rounds, none of them a shade of the latest's colour.
    assert set(colors[:-1]) <= {"#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#0072b2"}


def test_more_rounds_than_styles_still_draw_with_the_latest_emphasised():
    series = [(f"T{i}", {"urgency": 3.0}) for i in range(9)]
    data = rounds_radar(INSTRUMENT, series, "nl")["data"]
    assert len(data) == 9 and data[-1]["line"]["color"] == LATEST_COLOR


def test_trend_chart_puts_rounds_and_notes_on_a_time_axis():
    points = [
        TrendPoint(date(2024, 1, 10), "T0 nulmeting", 3.0, "n=15"),
        TrendPoint(date(2024, 9, 1), "T1 <b>najaar</b>", 3.5, "n=12<br><b>+0,5</b>", "+0,5 groter dan toeval", 1),
    ]
    notes = [(date(2024, 6, 1), "Nieuw convenant met de gemeente getekend door alle partners"), (date(2024, 3, 1), "X")]
    figure = trend_chart(points, "Urgentie", notes)
    scores, markers = figure["data"]
    assert scores["x"] == ["2024-01-10", "2024-09-01"] and scores["y"] == [3.0, 3.5]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["xaxis"]["ticktext"] == ["T0 nulmeting", "T1<br>&lt;b&gt;najaar&lt;/b&gt;"]
    assert scores["textfont"]["color"] == ["#56656c", "#2f6b45"]  # muted, unless larger than chance
    assert scores["customdata"][1] == ["T1 &lt;b&gt;najaar&lt;/b&gt;", "+0,5 groter dan toeval"]
    # Notes by date: a diamond each (whole text on hover), a dotted line and a short label.
    assert markers["x"] == ["2024-03-01", "2024-06-01"]
    assert markers["text"] == ["X", "Nieuw convenant met de gemeente getekend door alle partners"]
    lines = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert [line["x0"] for line in lines] == ["2024-03-01", "2024-06-01"]
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert labels[0] == "X" and labels[1].endswith("…") and len(labels[1].replace("<br>", " ")) <= 28
    # The axis has room for every round and note.
    low, high = figure["layout"]["xaxis"]["range"]
    assert low < "2024-01-10" and high > "2024-09-01"


def test_trend_chart_without_notes_has_one_trace_and_no_note_lines():
    figure = trend_chart([TrendPoint(date(2024, 1, 10), "T0", 3.0, "n=15")], "Urgentie")
    assert len(figure["data"]) == 1
    assert [shape["type"] for shape in figure["layout"]["shapes"]] == ["rect", "rect"]
    assert figure["layout"].get("annotations", []) == []


# --- the dashboard and the report -----------------------------------------------------------


def answers(urgency: tuple[int, ...], youth: tuple[int, ...]):
    """Respondent n scores urgency[n] on urgency, youth[n] on youth and 3 on the rest (reverse
    items answered mirrored, so each dimension score is exactly that value)."""

    def value(n, item):
        score = {"urgency": urgency[n], "youth": youth[n]}.get(item.dimension, 3)
        return flip(score) if item.reverse else score

    return value


URGENCY_LOW, URGENCY_HIGH = (2, 3) * 5, (4, 5) * 5  # mean 2.5 and 4.5, variance 2.5/9 each
YOUTH_EVEN, YOUTH_UP = (5, 1) * 5, (5, 1) * 4 + (5, 5)  # 5x5 5x1: 3.0; 6x5 4x1: 3.4


@pytest.fixture
def three(make_round, add_responses, make_user):
    """T1, T2, T3 of one partnership, ten respondents each (released as 5 and 10), plus a
    round of another partnership. Urgency: 2.5, 2.5, 4.5; youth: 3.0, 3.4, 3.4; the rest 3.

    Urgency T3 - T1 (or T2) = +2.0: standard error sqrt(2 * (2.5/9) / 10) = 0.2357, 18 degrees
    of freedom, t = 2.1009: +1.50 to +2.50, larger than chance.
    Youth T2 - T1 = +0.4: variances 40/9 and 38.4/9, standard error sqrt(4.444/10 + 4.267/10)
    = 0.9333, 17.99 degrees of freedom, t = 2.1010: -1.56 to +2.36, within chance."""
    today = clock.today()
    t1 = make_round("T1 start", opens_on=today - timedelta(days=500), closes_on=today - timedelta(days=480))
    partnership = t1.partnership
    t2 = make_round(
        "T2 midden",
        opens_on=today - timedelta(days=300),
        closes_on=today - timedelta(days=280),
        partnership=partnership,
    )
    t3 = make_round(
        "T3 eind", opens_on=today - timedelta(days=100), closes_on=today - timedelta(days=80), partnership=partnership
    )
    small = make_round(
        "T4 klein", opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=5), partnership=partnership
    )
    add_responses(t1, 10, answers(URGENCY_LOW, YOUTH_EVEN))
    add_responses(t2, 10, answers(URGENCY_LOW, YOUTH_UP))
    add_responses(t3, 10, answers(URGENCY_HIGH, YOUTH_UP))
    add_responses(small, 3, answers(URGENCY_LOW, YOUTH_EVEN))
    elsewhere = make_round("Elders T1", opens_on=today - timedelta(days=100), closes_on=today - timedelta(days=80))
    add_responses(elsewhere, 5, answers(URGENCY_LOW, YOUTH_EVEN))
    make_user("leider@drie.example", partnership)
    return {"partnership": partnership, "t1": t1, "t2": t2, "t3": t3, "small": small, "elsewhere": elsewhere}


@pytest.fixture
def leader(client, three):
    login(client, "leider@drie.example")
    return client


def cards(html: str) -> dict[str, list[str]]:
    """{label: [value, notes...]} of the headline cards, as text."""
    found = {}
    for card in re.findall(r'<div class="card[^"]*">(.*?)</div>', html, re.S):
        texts = [re.sub(r"<[^>]+>|\s+", " ", t).strip() for t in re.findall(r"<p[^>]*>(.*?)</p>", card, re.S)]
        found[texts[0]] = [re.sub(r"\s+", " ", t) for t in texts[1:]]
    return found


def table_row(html: str, title: str) -> dict[str, str]:
    """The cells of a round's row in the first rounds table, by dimension key, as text."""
    table = re.search(r'<table class="rounds">.*?</table>', html, re.S).group(0)
    row = re.search(rf'<th scope="row">{re.escape(title)}</th>(.*?)</tr>', table, re.S).group(1)
    cells = re.findall(r'<td class="num band-[^"]*">(.*?)</td>', row, re.S)
    texts = [
        re.sub(r"\s+", " ", re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", " ", c)).strip()
        for c in cells
    ]
    return dict(zip(TITLES, texts))


URGENCY_REAL = "+2,0 groter dan toeval (+1,5 tot +2,5)"
YOUTH_CHANCE = "+0,4 binnen toeval (-1,6 tot +2,4)"


def test_the_dashboard_names_a_real_rise_and_calls_a_small_one_chance(leader, three):
    slug = three["partnership"].slug
    latest = leader.get(f"/dashboard/{slug}/").text  # T3 against T2: urgency +2.0
    assert cards(latest)["Grootste stijging"] == ["+2,0", f"{TITLES['urgency']} · groter dan toeval (+1,5 tot +2,5)"]
    assert cards(latest)["Grootste daling"] == ["–", "geen daling groter dan toeval"]
    assert "Veranderingen ten opzichte van T2 midden." in latest
    # The rounds table: each round against the one before.
    assert table_row(latest, "T3 eind")["urgency"] == f"4,5 {URGENCY_REAL}"
    assert table_row(latest, "T2 midden")["youth"] == f"3,4 {YOUTH_CHANCE}"
    # Urgency the same values in T1 and T2: 0 +- 0.495.
    assert table_row(latest, "T2 midden")["urgency"] == "2,5 +0,0 binnen toeval (-0,5 tot +0,5)"
    assert table_row(latest, "T1 start")["urgency"] == "2,5"

    middle = leader.get(f"/dashboard/{slug}/?round={three['t2'].id}").text  # T2 against T1: youth +0.4 only
    assert cards(middle)["Grootste stijging"] == [
        "–",
        "geen stijging groter dan toeval",
        f"grootste: {TITLES['youth']} +0,4, binnen toeval (-1,6 tot +2,4)",
    ]
    assert "groter dan toeval (" not in middle.split('id="rounds"')[0]  # nothing real in the cards


def test_trend_labels_colour_only_the_real_change(leader, three):
    page = leader.get(f"/dashboard/{three['partnership'].slug}/").text
    urgency = figure(page, "trend-urgency")["data"][0]
    youth = figure(page, "trend-youth")["data"][0]
    assert urgency["text"] == ["n=10", "n=10<br>+0,0", "n=10<br><b>+2,0</b>", ""]
    assert urgency["textfont"]["color"][2] == "#2f6b45" and urgency["customdata"][2][1] == URGENCY_REAL
    assert youth["text"][1] == "n=10<br>+0,4" and youth["textfont"]["color"][1] == "#56656c"
    assert youth["customdata"][1][1] == YOUTH_CHANCE


def figure(html: str, chart_id: str) -> dict:
    import json

    match = re.search(rf'<script type="application/json" data-chart-for="{chart_id}">(.*?)</script>', html, re.S)
    assert match, f"no chart {chart_id}"
    return json.loads(match.group(1))


def compare_options(html: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select id="compare" name="compare">(.*?)</select>', html, re.S).group(1)
    return [
        (value, re.sub(r"\s*\(.*", "", text), bool(chosen))
        for value, chosen, text in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    ]


def test_compare_any_two_rounds(leader, three):
    slug, t1, t2, t3 = three["partnership"].slug, three["t1"], three["t2"], three["t3"]
    default = leader.get(f"/dashboard/{slug}/").text
    # Offered: the shown rounds other than the one shown (not the small T4); default the previous.
    assert compare_options(default) == [
        ("", "de vorige meting", True),
        (str(t2.id), "T2 midden", False),
        (str(t1.id), "T1 start", False),
    ]
    assert "de vorige meting (T2 midden)" in default

    page = leader.get(f"/dashboard/{slug}/?round={t3.id}&compare={t1.id}").text
    assert compare_options(page)[2] == (str(t1.id), "T1 start", True) and not compare_options(page)[0][2]
    assert "Veranderingen ten opzichte van T1 start." in page
    assert cards(page)["Grootste stijging"][0] == "+2,0"
    # The report of the same pair, linked with the choice kept.
    assert f"/rounds/{t3.id}/report?compare={t1.id}" in page
    report = leader.get(f"/dashboard/{slug}/rounds/{t3.id}/report?compare={t1.id}").text
    assert "T3 eind vergeleken met T1 start" in report
    assert [trace["name"] for trace in figure(report, "pair-radar")["data"]] == ["T1 start", "T3 eind"]
    row = table_row(report, "T3 eind")
    assert row["urgency"] == f"4,5 {URGENCY_REAL}" and row["youth"] == f"3,4 {YOUTH_CHANCE}"
    assert "groter dan toeval" not in row["youth"] and "binnen toeval" not in row["urgency"]
    assert row["momentum"] == "3,0 +0,0 binnen toeval (0,0 tot 0,0)"

    # A later round to compare with: the change is the current one minus it.
    back = leader.get(f"/dashboard/{slug}/?round={t1.id}&compare={t3.id}").text
    assert cards(back)["Grootste daling"][0] == "-2,0"
    # The current round itself (its picker changed, the other not) means the previous one.
    same = leader.get(f"/dashboard/{slug}/?round={t2.id}&compare={t2.id}").text
    assert "Veranderingen ten opzichte van T1 start." in same


def test_a_compare_round_of_another_partnership_or_not_shown_is_404(leader, three):
    slug, t3 = three["partnership"].slug, three["t3"]
    for compare in (three["elsewhere"].id, three["small"].id, 99999):
        assert leader.get(f"/dashboard/{slug}/?compare={compare}").status_code == 404, compare
        assert leader.get(f"/dashboard/{slug}/rounds/{t3.id}/report?compare={compare}").status_code == 404, compare
    # Not an id at all: no choice, as for ?round=.
    for compare in ("abc", "0", "99999999999999999999"):
        assert leader.get(f"/dashboard/{slug}/?compare={compare}").status_code == 200, compare


def test_the_compare_selector_keeps_the_other_choices_without_javascript(leader, three):
    slug, t1 = three["partnership"].slug, three["t1"]
    page = leader.get(f"/dashboard/{slug}/?compare={t1.id}&sort=spread").text
    form = re.search(r'<form method="get" class="round-picker">.*?</form>', page, re.S).group(0)
    assert 'name="round"' in form and 'name="compare"' in form and 'name="sort" value="spread"' in form
    # The sort links keep the comparison too.
    assert f"compare={t1.id}" in re.search(r'href="([^"]*sort=spread[^"]*)"', page).group(1)


def test_the_dashboard_in_english(leader, three):
    leader.get("/?lang=en")
    page = leader.get(f"/dashboard/{three['partnership'].slug}/").text
    assert "larger than chance (+1.5 to +2.5)" in page and "within chance (-1.6 to +2.4)" in page
    assert "no decrease larger than chance" in page and "Compare with" in page


def test_notes_stand_between_the_rounds_by_date(app, three):
    """The rounds table takes timeline notes as plain (day, text) tuples."""
    today = clock.today()
    notes = [
        (today - timedelta(days=10), "Na de laatste"),
        (today - timedelta(days=600), "Voor alles"),
        (today - timedelta(days=300), "Op de openingsdag van T2"),
        (today - timedelta(days=200), "Tussen T2 en T3"),
    ]
    with app.test_request_context():
        partnership = db.session.get(Partnership, three["partnership"].id)
        html = render_template_string(
            '{% from "dashboard/_sections.html" import rounds_table with context %}'
            "{{ rounds_table(results, {}, 'Metingen', notes) }}",
            results=round_results(partnership.rounds),
            instrument=INSTRUMENT,
            notes=notes,
        )
    rows = re.findall(
        r'<tr( class="note-row")?><th scope="row">(.*?)</th>(?:<td colspan="\d+">(.*?)</td>)?', html, re.S
    )
    order = [text if note else re.sub(r"<[^>]+>", "", head).strip() for note, head, text in rows]
    assert order == [
        "Voor alles",
        "T1 start",
        "Op de openingsdag van T2",
        "T2 midden",
        "Tussen T2 en T3",
        "T3 eind",
        "T4 klein",
        "Na de laatste",
    ]


def test_interval_ends_keep_their_sign(app):
    """An end that would read 0,0 gets two decimals, so a -0.04 never reads "-0,0"."""
    from dashboard.views.pages import bound

    with app.test_request_context():
        assert [bound(v) for v in (-0.04, 0.52, 0.05, -1.46, 0.0, 0.004)] == [
            "-0,04",
            "+0,5",
            "+0,05",
            "-1,5",
            "0,0",
            "+0,00",
        ]
