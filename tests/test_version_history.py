"""A partnership with a round on version 1 and one on version 2 of the questionnaire, over HTTP:
the dashboard, the report and the guide compare them per dimension (radar, trends, the
rounds table, the change cards), list a round's own statements only, say which version each
round used and, where a comparison spans two versions, say so in one sentence. The programme
view puts statements side by side only where the key is shared. New rounds get version 2."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

import clock
from models import Coordinatorship, Partnership, Programme, User
from surveys.instrument import get_instrument

from .conftest import login
from .test_dashboard import figure

V1, V2 = get_instrument(1), get_instrument(2)
# Five people a round; person n gives every statement of every dimension the value of its
# list (reverse-worded statements answered mirrored, so they count the same).
T1_VALUES = [2, 3, 3, 3, 4]  # mean 3.0, spread 0.71
T2_VALUES = [4, 4, 5, 5, 5]  # mean 4.6, spread 0.55
# Welch: standard error sqrt(0.5 / 5 + 0.3 / 5) = 0.4 on 7.5 degrees of freedom, t = 2.33:
# +1.6 +- 0.93, so every dimension rose by more than chance.
BOTH = (
    "T1 voorjaar gebruikte versie 1 van de vragenlijst en T2 najaar versie 2: de dimensies zijn te "
    "vergelijken, de stellingen alleen waar ze gelijk bleven."
)


def by_person(values):
    return lambda n, item: 6 - values[n] if item.reverse else values[n]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def history(make_round, add_responses, make_user):
    today = clock.today()
    t1 = make_round("T1 voorjaar", opens_on=today - timedelta(days=200), closes_on=today - timedelta(days=180))
    t2 = make_round(
        "T2 najaar",
        opens_on=today - timedelta(days=20),
        closes_on=today - timedelta(days=5),
        partnership=t1.partnership,
        instrument_version=2,
    )
    assert (t1.instrument_version, t2.instrument_version) == (1, 2)
    add_responses(t1, 5, by_person(T1_VALUES))
    add_responses(t2, 5, by_person(T2_VALUES))
    make_user("leider@historie.example", t1.partnership)
    return {"slug": t1.partnership.slug, "t1": t1, "t2": t2}


@pytest.fixture
def leader(client, history):
    login(client, "leider@historie.example")
    return client


def test_the_dashboard_compares_the_two_versions_per_dimension(leader, history):
    page = leader.get(f"/dashboard/{history['slug']}/").text
    radar = figure(page, "rounds-radar")
    assert [trace["name"] for trace in radar["data"]] == ["T1 voorjaar", "T2 najaar"]
    assert radar["data"][0]["r"][:6] == pytest.approx([3.0] * 6)
    assert radar["data"][1]["r"][:6] == pytest.approx([4.6] * 6)
    for dimension in V2.dimensions:
        trend = figure(page, f"trend-{dimension.key}")["data"][0]
        assert trend["y"] == pytest.approx([3.0, 4.6]), dimension.key
        assert trend["text"] == ["n=5", "n=5<br><b>+1,6</b>"], dimension.key  # larger than chance: bold
    rounds = page.split('id="rounds-title"')[1].split("</section>")[0]
    assert text_of(rounds).count("+1,6") == 6


def test_the_dashboard_says_which_version_each_round_used_and_that_the_comparison_spans_two(leader, history):
    page = leader.get(f"/dashboard/{history['slug']}/").text
    summary = text_of(page.split('id="summary"')[1].split("</section>")[0])
    assert "Kerncijfers: T2 najaar Vragenlijst versie 2" in summary
    assert BOTH in summary  # the change cards compare T2 with T1
    assert "Grootste stijging +1,6" in summary
    rounds = text_of(page.split('id="rounds-title"')[1].split("</section>")[0])
    assert BOTH in rounds  # the table, the radar and the trends span both
    # The first round, on its own: its version, and no change to compare.
    first = leader.get(f"/dashboard/{history['slug']}/?round={history['t1'].id}").text
    summary = text_of(first.split('id="summary"')[1].split("</section>")[0])
    assert "Kerncijfers: T1 voorjaar Vragenlijst versie 1" in summary and "gebruikte versie" not in summary
    assert BOTH in text_of(first)  # the rounds table still spans both


def test_the_statements_of_a_round_are_its_own_versions(leader, history):
    page = text_of(leader.get(f"/dashboard/{history['slug']}/").text)
    v1_only = [item for item in V1.items if item.key not in {i.key for i in V2.items}]
    v2_only = [item for item in V2.items if item.key not in {i.key for i in V1.items}]
    assert all(item.text.nl in page for item in V2.items)
    assert not [item.key for item in v1_only if item.text.nl in page]
    first = text_of(leader.get(f"/dashboard/{history['slug']}/?round={history['t1'].id}").text)
    assert all(item.text.nl in first for item in V1.items)
    assert not [item.key for item in v2_only if item.text.nl in first]
    api = leader.get(f"/api/partnerships/{history['slug']}/rounds/{history['t2'].id}").get_json()
    assert set(api["statements"]) == {item.key for item in V2.items}


def test_the_report_says_the_version_and_that_the_comparison_spans_two(leader, history):
    report = text_of(leader.get(f"/dashboard/{history['slug']}/rounds/{history['t2'].id}/report").text)
    assert "T2 najaar vergeleken met T1 voorjaar" in report
    assert "· vragenlijst versie 2 " in report
    assert report.count(BOTH) == 1


def test_the_guide_of_a_version_two_round_names_its_changes_across_versions(leader, history):
    page = leader.get(f"/dashboard/{history['slug']}/rounds/{history['t2'].id}/gespreksleidraad")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Gestegen:" in text and "Van 3,0 in T1 voorjaar naar 4,6" in text
    assert text.count(BOTH) == 1
    assert 'class="questions"' in page.text and "rode draad" in text


def test_rounds_on_one_version_get_no_sentence_about_versions(client, make_round, add_responses, make_user):
    today = clock.today()
    t1 = make_round("T1 voorjaar", opens_on=today - timedelta(days=200), closes_on=today - timedelta(days=180))
    t2 = make_round("T2 najaar", partnership=t1.partnership)
    add_responses(t1, 5, by_person(T1_VALUES))
    add_responses(t2, 5, by_person(T2_VALUES))
    make_user("leider@een.example", t1.partnership)
    login(client, "leider@een.example")
    slug = t1.partnership.slug
    for url in (f"/dashboard/{slug}/", f"/dashboard/{slug}/rounds/{t2.id}/report"):
        page = text_of(client.get(url).text)
        assert "vragenlijst versie 1" in page.lower() and "van de vragenlijst" not in page, url


def test_the_programme_view_puts_statements_side_by_side_only_where_the_key_is_shared(
    client, session, make_round, add_responses, make_user
):
    programme = Programme(slug="prog", name="Programma")
    session.add(programme)
    session.commit()
    closed = {"opens_on": clock.today() - timedelta(days=30), "closes_on": clock.today() - timedelta(days=1)}
    for slug, version, value in (("een", 1, 2), ("twee", 2, 4)):
        partnership = Partnership(slug=slug, name=f"Regio {slug}", programme_id=programme.id)
        round_ = make_round(f"Ronde {slug}", partnership=partnership, instrument_version=version, **closed)
        add_responses(round_, 5, by_person([value] * 5))
    make_user("coord@prog.example")
    user = session.scalars(select(User).where(User.email == "coord@prog.example")).one()
    session.add(Coordinatorship(user_id=user.id, programme_id=programme.id))
    session.commit()
    login(client, "coord@prog.example")
    page = client.get("/dashboard/programma/prog/?p=een&p=twee").text
    body = page.split('id="programme-statements"')[1].split("</table>")[0]
    rows = {
        html.unescape(re.sub(r"<[^>]+>", "", text)).strip(): [
            re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
        for text, cells in re.findall(r'<th scope="row" class="statement">(.*?)</th>(.*?)</tr>', body, re.S)
    }
    v2_keys = {item.key for item in V2.items}
    for item in V1.items:  # the first chosen round's statements, as answered
        row = next(cells for text, cells in rows.items() if text.startswith(item.text.nl))
        given = "4,0" if item.reverse else "2,0"
        if item.key in v2_keys:  # the same statement in both: side by side
            assert row[:2] == [given, "2,0" if item.reverse else "4,0"], item.key
        else:
            assert row[:2] == [given, "niet gevraagd"], item.key


def test_a_new_round_gets_version_two_and_an_existing_round_keeps_its_own(leader, history):
    new = leader.get(f"/beheer/{history['slug']}/metingen/nieuw").text
    options = {value: bool(chosen) for chosen, value in re.findall(r'<option( selected)? value="(\d+)">', new)}
    assert options == {"1": False, "2": True}  # both versions offered, the latest chosen
    existing = leader.get(f"/beheer/{history['slug']}/metingen/{history['t1'].id}/").text
    assert re.search(r'<option selected value="1">Versie 1</option>', existing)
