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
        ("Alfa Regio", ["Ronde van Alfa", "5", *["2,0"] * 6]),
        ("Beta Regio", ["Ronde van Beta", "10", *["4,0"] * 6]),
        ("Gamma Regio", ["Ronde van Gamma", "15", *["3,0"] * 6]),
        # (2 + 4 + 3) / 3: each partnership once, not weighted by size ((10 + 40 + 45) / 30 = 3.2)
        ("Programmagemiddelde", ["", "", *["3,0"] * 6]),
    ]
    assert "Niet opgenomen: 1 samenwerkingsverband." in page.text


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
    assert re.findall(r'<option value="([^"]*)"', page) == ["0", "1", "2"]
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
    assert rows["Epsilon Regio"][:2] == ["Epsilon T2", "10"] and rows["Epsilon Regio"][2] == "2,0"
    assert rows["Zeta Regio"][:2] == ["Zeta tweede", "5"] and rows["Zeta Regio"][2] == "3,0"


def test_the_programme_view_reads_only_the_whole_rounds_figures(app, programme):
    """The latest releases' group and statement figures are never loaded for the programme
    view: touching them raises, so no page can show more by accident."""
    from sqlalchemy.exc import InvalidRequestError

    from dashboard.results import latest_shown
    from extensions import db

    with app.app_context():
        partnerships = list(db.session.scalars(db.select(Partnership).where(Partnership.programme_id == programme.id)))
        shown = latest_shown(partnerships)
        assert len(shown) == 3  # Delta has no release
        for result in shown.values():
            assert result.total.scores
            with pytest.raises(InvalidRequestError):
                _ = result.release.figures  # a deferred column set to raise
