"""`flask` commands: demo data, partnerships and rounds."""

import re
import statistics
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

import clock
from models import Draft, Partnership, Response, ResponseScore, Round, RoundState, YouthResponse
from surveys.youth import get_youth_instrument

from .by_hand import REVERSE_WORDED, scores_by_hand
from .conftest import csrf_from, login

LINK = re.compile(r"http://127\.0\.0\.1:5000/s/([a-z0-9]+)")


def mean_score(session, round_id, dimension, level=None):
    query = (
        select(ResponseScore.score)
        .join(Response)
        .where(Response.round_id == round_id, ResponseScore.dimension == dimension)
    )
    if level:
        query = query.where(Response.level == level)
    return statistics.fmean(session.scalars(query))


def test_demo_creates_three_closed_rounds_and_one_open_round_once(runner, session, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    code = LINK.search(first.output).group(1)
    assert client.get(f"/s/{code}").status_code == 200  # the printed link works

    second = runner.invoke(args=["demo"])
    assert LINK.search(second.output).group(1) == code
    assert session.scalar(select(func.count()).select_from(Partnership)) == 4  # the demo and its programme's three

    demo = session.scalars(select(Partnership).where(Partnership.slug == "demo")).one()
    rounds = session.scalars(select(Round).where(Round.partnership_id == demo.id).order_by(Round.opens_on)).all()
    assert [r.state() for r in rounds] == [RoundState.CLOSED] * 3 + [RoundState.OPEN]
    assert rounds[-1].public_code == code
    # A history across two versions: the closed rounds on version 1, the open one on the latest (2).
    assert [r.instrument_version for r in rounds] == [1, 1, 1, 2]
    for round_ in rounds[:3]:
        responses = session.scalars(select(Response).where(Response.round_id == round_.id)).all()
        assert 30 <= len(responses) <= 60
        assert {r.level for r in responses} == {"werkvloer", "beleid", "bestuur"}
        assert len({r.domain for r in responses}) >= 6
        assert all(round_.opens_on <= r.submitted_on <= round_.closes_on for r in responses)

    # Governance sees more momentum than the work floor; investment grows over the rounds.
    t0, t2 = rounds[0].id, rounds[2].id
    assert mean_score(session, t0, "momentum", "bestuur") > mean_score(session, t0, "momentum", "werkvloer") + 0.4
    assert mean_score(session, t2, "investment") > mean_score(session, t0, "investment") + 0.3


def test_the_demo_coordinator_signs_in_with_the_printed_password_and_compares_four(runner, client):
    """Zuid's second round has 4 responses, under the threshold: its first one is compared."""
    output = runner.invoke(args=["demo"]).output
    email, password = re.search(r"email: (coordinator@\S+)  password: (\S+)", output).groups()
    page = client.get("/inloggen")
    client.post("/inloggen", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)})
    page = client.get(re.search(r"http://\S+(/dashboard/programma/\S+/)", output).group(1))
    assert page.status_code == 200
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td>', page.text)
    assert [title for _name, title in rows] == [
        "T1 tweede meting",
        "T1 tweede meting",
        "T3 vierde meting",
        "T0 nulmeting",
    ]
    assert "Niet opgenomen" not in page.text


def test_the_demo_dashboard_and_guide_show_what_young_people_say(runner, client, session):
    """The demo's rounds have youth answers (through the youth questionnaire's own code): the
    latest round's dashboard shows "Wat jongeren zeggen" and its guide names where young
    people and professionals differ."""
    output = runner.invoke(args=["demo"]).output
    email, password = re.search(r"email: (leider@\S+)  password: (\S+)", output).groups()
    assert login(client, email, password).status_code == 302
    demo = session.scalars(select(Partnership).where(Partnership.slug == "demo")).one()
    rounds = session.scalars(select(Round).where(Round.partnership_id == demo.id).order_by(Round.opens_on)).all()
    counts = [
        session.scalar(select(func.count()).select_from(YouthResponse).where(YouthResponse.round_id == r.id))
        for r in rounds
    ]
    assert counts[0] == 0 and all(n >= 5 for n in counts[1:]), counts
    assert all(
        len(response.answers) == len(get_youth_instrument().statements)
        for response in session.scalars(select(YouthResponse))
    )
    page = client.get("/dashboard/demo/").text
    section = re.search(r'<section id="youth".*?</section>', page, flags=re.S).group(0)
    assert 'id="youth-table"' in section and "jongeren vulden de jongerenvragenlijst in" in section
    guide = client.get(f"/dashboard/demo/rounds/{rounds[-1].id}/gespreksleidraad").text
    points = re.findall(r'<li class="guide-point youth-point" id="youth-([a-z_]+)"', guide)
    assert points and "none" not in points and len(points) <= 3, points
    assert "Jongeren minder positief" in guide


def test_demo_scores_are_the_scoring_of_the_stored_answers(runner, session):
    """Every stored score is the mean of its dimension's answers with reverse items as 6 - x
    (worked out again in tests/by_hand.py), for every response of the demo."""
    runner.invoke(args=["demo"])
    responses = session.scalars(select(Response)).all()
    flipped = 0
    for response in responses:
        answers = {a.item_key: a.value for a in response.answers}
        stored = {s.dimension: s.score for s in response.scores}
        assert stored == pytest.approx(scores_by_hand(answers))
        flipped += any(answers.get(key) not in (None, 3) for key in REVERSE_WORDED)
    assert flipped > len(responses) / 2  # the demo answers reverse items other than 3, so flipping shows


def test_create_partnership_and_round_prints_a_working_link(runner, session, client):
    created = runner.invoke(args=["partnership", "create", "twente", "Samen Twente", "--region", "Twente"])
    assert created.exit_code == 0 and "twente" in created.output
    duplicate = runner.invoke(args=["partnership", "create", "twente", "Nog eens"])
    assert duplicate.exit_code != 0 and "exists already" in duplicate.output

    today, closes = clock.today().isoformat(), (clock.today() + timedelta(days=28)).isoformat()
    made = runner.invoke(args=["round", "create", "twente", "T0 nulmeting", "--opens", today, "--closes", closes])
    assert made.exit_code == 0, made.output
    code = LINK.search(made.output).group(1)
    round_ = session.scalars(select(Round)).one()
    # A new round uses the latest instrument version.
    assert (round_.title, round_.instrument_version, round_.public_code) == ("T0 nulmeting", 2, code)
    assert client.get(f"/s/{code}").status_code == 200

    listed = runner.invoke(args=["round", "list", "twente"])
    assert "T0 nulmeting" in listed.output and "open" in listed.output and code in listed.output


def test_a_round_hides_its_results_while_open_however_it_is_made(runner, client, session, make_user):
    """One default: a round made on the command line hides its results until it closes, as
    one made in the management pages does; `--show-results-while-open` is the choice not to."""
    runner.invoke(args=["partnership", "create", "twente", "Samen Twente"])
    closes = (clock.today() + timedelta(days=28)).isoformat()
    assert runner.invoke(args=["round", "create", "twente", "T0", "--closes", closes]).exit_code == 0
    flag = ["round", "create", "twente", "T1", "--closes", closes, "--show-results-while-open"]
    assert runner.invoke(args=flag).exit_code == 0
    make_user("leider@twente.example", session.scalars(select(Partnership)).one())
    login(client, "leider@twente.example")
    new_round = client.get("/beheer/twente/metingen/nieuw").text
    assert re.search(r'<input checked[^>]*id="hide_results_while_open"', new_round)
    page = client.get("/beheer/twente/metingen/nieuw")
    made = client.post(
        "/beheer/twente/metingen/nieuw",
        data={
            "csrf_token": csrf_from(page.text),
            "title": "T2",
            "instrument_version": "1",
            "opens_on": clock.today().isoformat(),
            "closes_on": closes,
            "hide_results_while_open": "y",
        },
    )
    assert made.status_code == 302
    session.expire_all()
    hidden = {r.title: r.hide_results_while_open for r in session.scalars(select(Round))}
    assert hidden == {"T0": True, "T1": False, "T2": True}
    with session.bind.connect() as connection:  # an insert that leaves the column out gets the same
        connection.execute(
            text(
                "INSERT INTO round (partnership_id, title, instrument_version, opens_on, closes_on,"
                " public_code, youth_code, closed_early)"
                " SELECT id, 'T3', 1, :day, :day, 'rauw', 'rauwjong', :no FROM partnership"
            ),
            {"day": clock.today(), "no": False},
        )
        connection.commit()
    assert session.scalar(select(Round.hide_results_while_open).where(Round.title == "T3")) is True


def test_partnership_slug_must_be_url_safe(runner):
    for slug in ("Twente", 'a"b', "a\nb", "ab\n", "_x", "x" * 81):
        result = runner.invoke(args=["partnership", "create", slug, "Naam"])
        assert result.exit_code != 0 and "lowercase letters" in result.output, slug


def test_round_command_refuses_bad_input(runner):
    runner.invoke(args=["partnership", "create", "twente", "Samen Twente"])
    closes = (clock.today() + timedelta(days=28)).isoformat()
    assert (
        "No partnership 'nergens'"
        in runner.invoke(args=["round", "create", "nergens", "T0", "--closes", closes]).output
    )
    backwards = runner.invoke(
        args=["round", "create", "twente", "T0", "--opens", "2030-01-02", "--closes", "2030-01-01"]
    )
    assert backwards.exit_code != 0 and "The closing date is before the opening date." in backwards.output
    unknown = runner.invoke(args=["round", "create", "twente", "T0", "--closes", closes, "--instrument", "9"])
    assert unknown.exit_code != 0 and "No instrument version 9" in unknown.output


def test_purge_drafts_removes_abandoned_and_closed_round_drafts(runner, session, make_round, client):
    open_round = make_round()
    closed_round = make_round(opens_on=clock.today() - timedelta(days=20), closes_on=clock.today() - timedelta(days=1))
    session.add_all(
        [
            Draft(token="fresh", round_id=open_round.id, data={}, updated_on=clock.today()),
            Draft(token="old", round_id=open_round.id, data={}, updated_on=clock.today() - timedelta(days=30)),
            Draft(token="closed", round_id=closed_round.id, data={}, updated_on=clock.today()),
        ]
    )
    session.commit()
    result = runner.invoke(args=["purge-drafts"])
    assert "Deleted 2" in result.output
    assert session.scalars(select(Draft.token)).all() == ["fresh"]


def test_release_makes_every_due_release_and_no_more(runner, session, make_round, add_responses):
    """Responses stored before releases existed wait; `flask release` releases every round
    with at least MIN_GROUP_SIZE (5) waiting, all of them at once, and a round with 4 not.
    After a release of 60, the next needs max(5, a tenth of 60) = 6 responses."""
    from models import Release

    twelve, four, sixty = make_round("Twaalf"), make_round("Vier"), make_round("Zestig")
    add_responses(twelve, 12, release=False)
    add_responses(four, 4, release=False)
    add_responses(sixty, 60, release=False)

    def releases():
        session.expire_all()
        return sorted((r.round_id, r.number, r.n) for r in session.scalars(select(Release)))

    def waiting(round_):
        return session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.round_id == round_.id, Response.release_number.is_(None))
        )

    result = runner.invoke(args=["release"])
    assert result.exit_code == 0 and result.output.strip() == "2 release(s) made."
    assert releases() == [(twelve.id, 1, 12), (sixty.id, 1, 60)]
    assert (waiting(twelve), waiting(four), waiting(sixty)) == (0, 4, 0)
    assert runner.invoke(args=["release"]).output.strip() == "0 release(s) made."

    add_responses(sixty, 5, release=False)
    add_responses(four, 1, release=False)
    assert (
        runner.invoke(args=["release"]).output.strip() == "1 release(s) made."
    )  # "Vier" now has 5; 5 < 6 for "Zestig"
    assert releases() == [(twelve.id, 1, 12), (four.id, 1, 5), (sixty.id, 1, 60)]
    add_responses(sixty, 1, release=False)
    assert runner.invoke(args=["release"]).output.strip() == "1 release(s) made."
    assert releases()[-1] == (sixty.id, 2, 66) and waiting(sixty) == 0


def test_grant_never_demotes_the_last_leader(runner, session, make_round, make_user):
    """The web page refuses to remove the last leader; the command line may not demote them."""
    round_ = make_round()
    slug = round_.partnership.slug
    make_user("enige@p.example", round_.partnership)
    refused = runner.invoke(args=["user", "grant", "enige@p.example", slug, "--role", "viewer"])
    assert refused.exit_code != 0 and "last leader" in refused.output
    make_user("tweede@p.example", round_.partnership)
    assert runner.invoke(args=["user", "grant", "enige@p.example", slug, "--role", "viewer"]).exit_code == 0
    refused_again = runner.invoke(args=["user", "grant", "tweede@p.example", slug, "--role", "viewer"])
    assert refused_again.exit_code != 0
