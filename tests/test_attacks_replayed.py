"""Issue 8's attacks, replayed end to end over HTTP as a suspicious leader would, on SQLite
and PostgreSQL: respondents fill in the questionnaire page by page, the leader closes,
reopens and downloads through the management pages, and tries to recover one person."""

import csv
import io
import re
from datetime import timedelta

import pytest

import clock
from surveys.instrument import get_instrument
from surveys.scoring import flip

from .conftest import Respondent, csrf_from, login

INSTRUMENT = get_instrument(1)


def answers_scoring(value: int) -> dict:
    """Answers that give every dimension `value` (reverse statements mirrored)."""
    return {item.key: str(flip(value) if item.reverse else value) for item in INSTRUMENT.items}


def post(client, page_url: str, action_url: str, data: dict | None = None):
    page = client.get(page_url)
    return client.post(action_url, data={**(data or {}), "csrf_token": csrf_from(page.text)})


def respond(app, round_, value: int, level: str, domain: str, comment: str = "") -> None:
    person = Respondent(app.test_client(), round_.public_code)
    assert (
        person.complete(
            answers_scoring(value), {"youth": comment} if comment else {}, {"level": level, "domain": domain}
        ).status_code
        == 302
    )


def snapshot(client, slug: str, round_id: int) -> dict:
    """Everything the leader can take away about one round."""

    def text(url):
        return re.sub(r'value="[^"]*"|nonce="[^"]*"', "", client.get(url).get_data(as_text=True))

    return {
        "api": client.get(f"/api/partnerships/{slug}/rounds/{round_id}").get_json(),
        "dashboard": text(f"/dashboard/{slug}/?round={round_id}"),
        "report": text(f"/dashboard/{slug}/rounds/{round_id}/report"),
        "scores": client.get(f"/dashboard/{slug}/export/scores.csv").get_data(),
        "statements": client.get(f"/dashboard/{slug}/rounds/{round_id}/export/statements.csv").get_data(),
        "round page": re.sub(
            r'value="[^"]*"', "", client.get(f"/beheer/{slug}/metingen/{round_id}/").get_data(as_text=True)
        ),
    }


@pytest.fixture
def leader(app, client, make_round, make_user):
    round_ = make_round(
        "T1",
        opens_on=clock.today() - timedelta(days=2),
        closes_on=clock.today() + timedelta(days=14),
        hide_results_while_open=True,
    )
    make_user("leider@aanval.example", round_.partnership)
    login(client, "leider@aanval.example")
    return client, round_


@pytest.mark.parametrize("hidden_while_open", [True, False])
def test_reopen_and_compare_recovers_nothing(app, leader, session, hidden_while_open):
    client, round_ = leader
    slug, round_url = round_.partnership.slug, f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    stored = session.get(type(round_), round_.id)
    stored.hide_results_while_open = hidden_while_open
    session.commit()
    for _ in range(6):
        respond(app, round_, 4, "werkvloer", "onderwijs", "Goed overleg")
    assert post(client, round_url, round_url + "sluiten").status_code == 302
    before = snapshot(client, slug, round_.id)
    assert before["api"]["shown"] and before["api"]["respondents"] == 5  # one waits for four more
    assert post(client, round_url, round_url + "openen").status_code == 302
    respond(app, round_, 1, "beleid", "gemeente", "Alleen ik denk er zo over")
    assert post(client, round_url, round_url + "sluiten").status_code == 302
    after = snapshot(client, slug, round_.id)
    # n_B * mean_B - n_A * mean_A, per dimension: nothing to subtract, nothing new to read.
    for dimension, figure in after["api"]["total"].items():
        old = before["api"]["total"][dimension]
        assert figure["n"] * figure["mean"] - old["n"] * old["mean"] == pytest.approx(0)
    assert after == before
    assert "Alleen ik" not in after["dashboard"] + after["report"]


def test_exports_hold_no_rows_to_match_against_group_means(app, leader, session):
    """Attack 2: ten people, levels 5/5, domains 5/5, one the only "onderwijs" at "beleid".
    No export has a row per person, so there is nothing to pick five rows from."""
    client, round_ = leader
    slug, round_url = round_.partnership.slug, f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    people = (
        [("werkvloer", "onderwijs", 2)] * 4
        + [("werkvloer", "gemeente", 3)]
        + [("beleid", "onderwijs", 5)]
        + [("beleid", "gemeente", 4)] * 4
    )
    for level, domain, value in people:
        respond(app, round_, value, level, domain)
    post(client, round_url, round_url + "sluiten")
    taken = snapshot(client, slug, round_.id)
    assert taken["api"]["respondents"] == 10
    statements = list(csv.reader(io.StringIO(taken["statements"].decode("utf-8-sig"))))
    assert len(statements) == 1 + len(INSTRUMENT.items)
    scores = list(csv.DictReader(io.StringIO(taken["scores"].decode("utf-8-sig"))))
    assert {row["Soort groep"] for row in scores} <= {"Hele meting", "Per niveau", "Per domein"}
    assert len(scores) <= len(INSTRUMENT.dimensions) * (1 + 2 + 2)
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/dashboard/{slug}/rounds/{round_.id}/export/answers.{fmt}").status_code == 404
    # What remains are group figures, and levels against domains form a 2 x 2 table whose
    # margins leave every cell free (tests/test_release_audit.py checks such spans in general).
    onderwijs = taken["api"]["domains"].get("onderwijs")
    if onderwijs is not None:
        assert onderwijs["scores"]["urgency"]["mean"] == pytest.approx((2 * 4 + 5) / 5)
