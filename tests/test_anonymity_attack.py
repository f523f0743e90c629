"""Anonymity, attacked through every view: random partnerships (random group sizes, "weet ik
niet", comments) read through the API, dashboard, report, round page and every export (CSV
and XLSX, every cell).
Only released responses appear anywhere (a comment of a waiting response is on no page and
in no file), every group figure rests on at least 5 people, and no file carries an email or
a response's id (the only date in a file is a round's opening day). The rule itself is
audited in test_release_audit.py."""

import csv
import io
import secrets
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import delete, select

import clock
from extensions import db
from models import Partnership, Response
from surveys.instrument import get_instrument
from surveys.scoring import flip

from .conftest import login

INSTRUMENT = get_instrument(1)
LEVELS = [o.key for o in INSTRUMENT.profile_question("level").options]
DOMAINS = [o.key for o in INSTRUMENT.profile_question("domain").options]
MIN = 5
EXAMPLES = 15

respondents = st.lists(
    st.tuples(
        st.sampled_from(LEVELS),
        st.sampled_from(DOMAINS[:4]),
        st.integers(min_value=1, max_value=5),  # the score they give everything
        st.booleans(),  # answers "weet ik niet" to all of momentum
        st.booleans(),  # writes a comment
    ),
    min_size=0,
    max_size=24,
)


def comment_marker(n: int) -> str:
    """Respondent n's comment: fixed width with an end mark, so one never contains another
    (opmerking-1 would match opmerking-12)."""
    return f"opmerking-{n:03d}-eind"


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet."""
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    )


def stored_order(session, round_id: int) -> list[bool]:
    """Per response in order of arrival (the comment numbers), whether it is released.
    Arrival order is the order of add_responses calls: releases take everyone waiting."""
    session.expire_all()
    numbers = sorted(
        (r.release_number is None, r.release_number or 0)
        for r in session.scalars(select(Response).where(Response.round_id == round_id))
    )
    return [not waiting for waiting, _ in numbers]


def response_ids(session, round_id: int) -> list[int]:
    return list(session.scalars(select(Response.id).where(Response.round_id == round_id)))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=respondents)
def test_no_view_reveals_a_small_group(app, session, make_round, add_responses, make_user, people):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=20), closes_on=clock.today() - timedelta(days=1))
    momentum = {item.key for item in INSTRUMENT.dimension("momentum").items}
    for n, (level, domain, value, skip_momentum, comment) in enumerate(people):

        def answer(_, item, value=value, skip=skip_momentum):
            if skip and item.key in momentum:
                return None
            return flip(value) if item.reverse else value

        comments = {"youth": comment_marker(n)} if comment else None
        add_responses(round_, 1, answer, level=level, domain=domain, comments=comments)
    email = f"leider-{secrets.token_hex(4)}@a.example"
    make_user(email, round_.partnership)
    client = app.test_client()
    login(client, email)
    slug = round_.partnership.slug
    try:
        released = {n for n, stored in enumerate(stored_order(session, round_.id)) if stored}
        views = {
            "api": client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_data(as_text=True),
            "dashboard": client.get(f"/dashboard/{slug}/?round={round_.id}").get_data(as_text=True),
            "report": client.get(f"/dashboard/{slug}/rounds/{round_.id}/report").get_data(as_text=True),
            "round page": client.get(f"/beheer/{slug}/metingen/{round_.id}/").get_data(as_text=True),
        }
        for name in ("scores", f"rounds/{round_.id}/statements"):
            path = (
                f"/dashboard/{slug}/export/{name}"
                if name == "scores"
                else f"/dashboard/{slug}/{name.replace('/statements', '/export/statements')}"
            )
            csv_file = client.get(f"{path}.csv")
            xlsx_file = client.get(f"{path}.xlsx")
            if csv_file.status_code == 200:
                views[name + ".csv"] = csv_file.data.decode("utf-8-sig")
                views[name + ".xlsx"] = xlsx_text(xlsx_file.data)
        body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
        if len(people) < MIN:
            assert body["shown"] is False and body["total"] is None and body["levels"] == body["domains"] == {}
        for n, person in enumerate(people):
            if not person[4]:
                continue
            marker = comment_marker(n)
            assert (marker in views["dashboard"]) is (n in released), n
            assert (marker in views["report"]) is (n in released), n
            for name in (v for v in views if v not in ("dashboard", "report")):
                assert marker not in views[name], name  # comments travel in no export and not in the API
        if body["shown"]:
            assert body["respondents"] == len(released)
            for group in [*body["levels"].values(), *body["domains"].values()]:
                assert group["respondents"] >= MIN and all(a["n"] >= MIN for a in group["scores"].values())
            assert all(a["n"] >= MIN for a in body["total"].values())
            rows = list(csv.DictReader(io.StringIO(views["scores.csv"])))
            assert all(
                int(row["Respondenten"]) >= MIN
                and (row["Aantal met een score"] == "" or int(row["Aantal met een score"]) >= MIN)
                for row in rows
            )
        for name, text in views.items():
            assert "@" not in text.replace("leider-", "") or name in ("dashboard", "report", "round page"), name
            assert not any(str(stored_id) in text for stored_id in response_ids(session, round_.id)), name
    finally:
        with app.app_context():  # each example its own partnership; clean up
            db.session.execute(delete(Partnership).where(Partnership.id == round_.partnership_id))
            db.session.commit()
        session.expunge_all()
