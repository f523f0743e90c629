"""Anonymity, attacked: random partnerships (random group sizes, "weet ik niet", comments)
and every view of them: no page, export or API response reveals a group below the
threshold, neither directly nor by subtracting the shown groups from the total."""
import csv
import io
import secrets
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from extensions import db
from models import Partnership
from surveys.instrument import get_instrument
from surveys.scoring import flip

from .conftest import login

INSTRUMENT = get_instrument(1)
LEVELS = [o.key for o in INSTRUMENT.profile_question("level").options]
DOMAINS = [o.key for o in INSTRUMENT.profile_question("domain").options]
MIN = 5
EXAMPLES = 25

respondents = st.lists(
    st.tuples(
        st.sampled_from(LEVELS), st.sampled_from(DOMAINS[:4]),
        st.integers(min_value=1, max_value=5),  # the score they give everything
        st.booleans(),  # answers "weet ik niet" to all of momentum
        st.booleans(),  # writes a comment
    ),
    min_size=0, max_size=24,
)


def check_partition(body: dict, name: str, total: dict) -> None:
    groups = body[name]
    for group in groups.values():
        assert group["respondents"] >= MIN
        for aggregate in group["scores"].values():
            assert aggregate["n"] >= MIN
    for dimension, round_aggregate in total.items():
        shown = sum(g["scores"][dimension]["n"] for g in groups.values() if dimension in g["scores"])
        remainder = round_aggregate["n"] - shown
        assert remainder == 0 or remainder >= MIN, (name, dimension, remainder)
    hidden_respondents = body["respondents"] - sum(g["respondents"] for g in groups.values())
    assert hidden_respondents == 0 or hidden_respondents >= MIN


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=respondents)
def test_no_view_reveals_a_small_group(app, session, make_round, add_responses, make_user, people):
    round_ = make_round("T1", opens_on=date.today() - timedelta(days=20), closes_on=date.today() - timedelta(days=1))
    momentum = {item.key for item in INSTRUMENT.dimension("momentum").items}
    for n, (level, domain, value, skip_momentum, comment) in enumerate(people):
        def answer(_, item, value=value, skip=skip_momentum):
            if skip and item.key in momentum:
                return None
            return flip(value) if item.reverse else value
        add_responses(round_, 1, answer, level=level, domain=domain, comments={"youth": f"opmerking-{n}"} if comment else None)
    email = f"leider-{secrets.token_hex(4)}@a.example"
    make_user(email, round_.partnership)
    client = app.test_client()
    login(client, email)
    slug = round_.partnership.slug
    try:
        body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
        page = client.get(f"/dashboard/{slug}/?round={round_.id}").text
        report = client.get(f"/dashboard/{slug}/rounds/{round_.id}/report").text
        if len(people) < MIN:
            assert body["shown"] is False and body["total"] is None and body["levels"] == body["domains"] == {}
            for html in (page, report):
                assert "opmerking-" not in html and 'data-chart-for="levels-radar"' not in html
            assert client.get(f"/dashboard/{slug}/rounds/{round_.id}/export/answers.csv").status_code == 404
            return
        for aggregate in body["total"].values():
            assert aggregate["n"] >= MIN
        check_partition(body, "levels", body["total"])
        check_partition(body, "domains", body["total"])
        assert all(f"opmerking-{n}" in page for n, person in enumerate(people) if person[4])
        rows = list(csv.DictReader(io.StringIO(client.get(f"/dashboard/{slug}/export/scores.csv").data.decode("utf-8-sig"))))
        for row in rows:
            assert int(row["respondents"]) >= MIN
            assert row["n_scored"] == "" or int(row["n_scored"]) >= MIN
        answers = list(csv.DictReader(io.StringIO(client.get(f"/dashboard/{slug}/rounds/{round_.id}/export/answers.csv").data.decode("utf-8-sig"))))
        shown_levels = {}
        for row in answers:
            shown_levels[row["level"]] = shown_levels.get(row["level"], 0) + 1
            assert set(row) == {"level", *[item.key for item in INSTRUMENT.items]}  # no email, token, date or id
        assert all(n >= MIN for level, n in shown_levels.items())  # the blank group too, when there is one
    finally:
        with app.app_context():  # each example its own partnership; clean up
            db.session.execute(delete(Partnership).where(Partnership.id == round_.partnership_id))
            db.session.commit()
        session.expunge_all()
