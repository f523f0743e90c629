"""Release rules worked by hand (dashboard/releases.py): written to kill the mutants mutmut
found alive (`.venv/bin/python -m mutation`). The helpers are pure; the last tests make
releases in a database, as submissions do."""

import dataclasses
import logging
import math
import statistics

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from dashboard import releases
from dashboard.releases import _aggregate, _contains, _item_aggregate, _members, needed
from models import Release, Response, Round
from surveys.instrument import get_instrument

from .conftest import login


def test_a_release_waits_for_the_threshold_or_a_tenth_more():
    assert needed(0, 5) == 5  # the first release: the threshold
    assert needed(49, 5) == 5  # a tenth of 49 is 4.9, below the threshold
    assert needed(50, 5) == 5  # exactly a tenth: 5
    assert needed(51, 5) == 6  # 5.1 rounds up: never fewer than a tenth
    assert needed(200, 5) == 20
    assert needed(30, 7) == 7


# Cells are (release, level, domain) with a count of people.
CELLS = {
    (1, "werkvloer", "gemeente"): 3,
    (1, "bestuur", "school"): 2,
    (2, "werkvloer", "school"): 4,
    (2, "bestuur", "gemeente"): 0,
}


def test_a_description_takes_the_cells_of_its_group_up_to_its_release():
    assert _contains((None, None, 1), (1, "bestuur", "school"))
    assert not _contains((None, None, 1), (2, "bestuur", "school"))  # a later release
    assert _contains(("level", "werkvloer", 2), (2, "werkvloer", "school"))
    assert not _contains(("level", "werkvloer", 2), (2, "bestuur", "school"))
    assert _contains(("domain", "school", 2), (1, "bestuur", "school"))
    assert not _contains(("domain", "school", 2), (1, "werkvloer", "gemeente"))


def test_members_are_the_non_empty_cells_described():
    assert _members(CELLS, (None, None, 2)) == {
        (1, "werkvloer", "gemeente"),
        (1, "bestuur", "school"),
        (2, "werkvloer", "school"),
    }
    assert _members(CELLS, (None, None, 1)) == {(1, "werkvloer", "gemeente"), (1, "bestuur", "school")}
    assert _members(CELLS, ("level", "bestuur", 2)) == {(1, "bestuur", "school")}  # the empty cell is no member


def test_a_group_aggregate_sums_its_cells_up_to_the_release():
    # cell sums: (n, total, total of squares, distribution of 1..5)
    sums = {
        (1, "werkvloer", "gemeente"): (2, 7.0, 25.0, (0, 0, 1, 1, 0)),  # scores 3 and 4
        (1, "bestuur", "school"): (1, 5.0, 25.0, (0, 0, 0, 0, 1)),  # 5
        (2, "werkvloer", "school"): (2, 3.0, 5.0, (1, 1, 0, 0, 0)),  # 1 and 2
    }
    werkvloer = _aggregate(sums, lambda cell: cell[1] == "werkvloer", 2)
    assert werkvloer["release"] == 2 and werkvloer["n"] == 4
    assert werkvloer["mean"] == pytest.approx(statistics.fmean([3, 4, 1, 2]))
    assert werkvloer["sd"] == pytest.approx(statistics.stdev([3, 4, 1, 2]))
    assert werkvloer["distribution"] == [1, 1, 1, 1, 0]
    first = _aggregate(sums, lambda cell: True, 1)  # release 2 is not in release 1
    assert first["n"] == 3 and first["mean"] == pytest.approx(4.0) and first["distribution"] == [0, 0, 1, 1, 1]
    assert first["sd"] == pytest.approx(statistics.stdev([3, 4, 5]))


def test_an_item_aggregate_counts_the_answers_of_every_release_up_to_it():
    by_release = {1: {1: 2, 4: 1, None: 3}, 2: {5: 2, 2: 1}, 3: {3: 9}}
    figure = _item_aggregate(by_release, 2)
    answers = [1, 1, 4, 5, 5, 2]  # "weet ik niet" and release 3 left out
    assert figure["release"] == 2 and figure["n"] == 6
    assert figure["distribution"] == [2, 1, 0, 1, 2]
    assert figure["mean"] == pytest.approx(statistics.fmean(answers))
    assert figure["sd"] == pytest.approx(statistics.stdev(answers))
    assert math.isclose(_item_aggregate(by_release, 3)["mean"], statistics.fmean(answers + [3] * 9))


# --- what leaders see of a release (dashboard/results.py), on releases made by hand ---------

from types import SimpleNamespace  # noqa: E402

from dashboard.results import TOTAL, GroupResult, RoundResult, comparison, item_results  # noqa: E402
from surveys.instrument import get_instrument  # noqa: E402
from surveys.scoring import Aggregate  # noqa: E402


def figure(n, mean, release=1):
    return {"release": release, "n": n, "mean": mean, "sd": 0.5, "distribution": [0, 0, n, 0, 0]}


def shown_result(figures, n=12):
    release = SimpleNamespace(n=n, number=2, figures=figures, released_on="2025-03-01")
    total = GroupResult(TOTAL, n, {"urgency": Aggregate(n, 3.0, 0.5, (0, 0, n, 0, 0))}, 2)
    return RoundResult(SimpleNamespace(results_hidden=lambda: False), release, total)


def test_a_group_result_gives_its_means_and_none_for_a_dimension_it_lacks():
    group = GroupResult(
        "werkvloer",
        6,
        {"urgency": Aggregate(6, 3.5, 1.0, (0, 0, 3, 3, 0)), "youth": Aggregate(6, 2.0, None, (0, 6, 0, 0, 0))},
    )
    assert group.mean("urgency") == 3.5 and group.mean("daring") is None
    assert group.means() == {"urgency": 3.5, "youth": 2.0}


def test_a_round_without_a_release_counts_nobody_and_shows_nothing():
    empty = RoundResult(SimpleNamespace(results_hidden=lambda: True), None, None)
    assert empty.n == 0 and not empty.shown and empty.released_on is None and empty.hidden_until_closed
    shown = shown_result({})
    assert shown.n == 12 and shown.shown and shown.released_on == "2025-03-01" and not shown.hidden_until_closed


def test_a_comparison_shows_published_groups_in_the_given_order_and_names_every_other():
    groups = {
        "werkvloer": {"release": 2, "n": 7, "scores": {"urgency": figure(7, 3.2, 2)}},
        "bestuur": {"release": 1, "n": 5, "scores": {"urgency": figure(5, 4.0)}},
    }
    result = shown_result({"groups": {"level": groups, "domain": {}}})
    shown = comparison(result, "level", ("bestuur", "beleid", "werkvloer"))
    assert [g.key for g in shown.groups] == ["bestuur", "werkvloer"] and shown.hidden == ("beleid",)
    assert [(g.n, g.release, g.mean("urgency")) for g in shown.groups] == [(5, 1, 4.0), (7, 2, 3.2)]
    assert shown.groups[1].scores["urgency"] == Aggregate(7, 3.2, 0.5, (0, 0, 7, 0, 0))
    assert shown.by == "level"
    nothing = comparison(
        RoundResult(SimpleNamespace(results_hidden=lambda: True), result.release, None), "level", ("bestuur", "beleid")
    )
    assert nothing.groups == () and nothing.hidden == ("bestuur", "beleid")


def test_item_results_show_a_statement_only_with_its_figure_and_count_dont_knows():
    instrument = get_instrument(1)
    first, second = instrument.items[0].key, instrument.items[1].key
    result = shown_result({"items": {first: figure(6, 3.0, 2)}, "unknown": {first: 2, second: 4}})
    items = {i.item.key: i for i in item_results(result, instrument)}
    assert len(items) == len(instrument.items)
    assert items[first].shown and items[first].counts == (0, 0, 6, 0, 0) and items[first].release == 2
    assert items[first].aggregate == Aggregate(6, 3.0, 0.5, (0, 0, 6, 0, 0)) and items[first].unknown == 2
    assert (
        not items[second].shown
        and items[second].counts is None
        and items[second].unknown == 4
        and items[second].release is None
    )
    assert items[instrument.items[2].key].unknown == 0
    assert items[first].unknown_share(8) == 0.25 and items[first].unknown_share(0) == 0.0
    assert item_results(RoundResult(result.round, result.release, None), instrument) is None


# --- releases in a database --------------------------------------------------------------------


def waiting(session, round_id: int) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).where(Response.round_id == round_id, Response.release_number.is_(None)))


def test_a_release_takes_the_waiting_responses_of_its_own_round_only(app, session, make_round, add_responses):
    mine, other = make_round("T1"), make_round("T1")
    add_responses(other, 3, release=False)  # waiting in another partnership's round
    add_responses(mine, 5)  # the fifth makes a release
    assert [r.n for r in session.scalars(select(Release).where(Release.round_id == mine.id))] == [5]
    assert waiting(session, mine.id) == 0
    assert waiting(session, other.id) == 3  # untouched: still waiting for their own release


def test_a_postponed_release_is_logged_with_its_round_and_cause(app, make_round, add_responses, monkeypatch, caplog):
    round_ = make_round("T1")
    add_responses(round_, 4)

    def locked(*args):
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr(releases, "PROFESSIONALS", dataclasses.replace(releases.PROFESSIONALS, figures=locked))
    with caplog.at_level(logging.WARNING, logger="dashboard.releases"):
        add_responses(round_, 1)  # due now, but the database refuses
    [entry] = [r for r in caplog.records if r.name == "dashboard.releases"]
    assert entry.getMessage() == f"release of round {round_.id} postponed"
    assert entry.exc_info is not None and "database is locked" in str(entry.exc_info[1])


def test_a_statement_nobody_gave_an_opinion_on_is_never_published(app, client, make_round, make_user, add_responses):
    round_ = make_round("T1", hide_results_while_open=False)
    unknown = get_instrument(1).items[0].key
    add_responses(round_, 5, lambda n, item: None if item.key == unknown else 4)
    make_user("leider@niemand.example", round_.partnership)
    login(client, "leider@niemand.example")
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["shown"] and body["statements"][unknown] == {"unknown": 5}  # a count, no figure of nobody


def statement_figure(client, round_) -> dict:
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    return body["statements"][FIRST]


FIRST = get_instrument(1).items[0].key


def answering_first(count: int):
    """The first `count` respondents of a batch answer the first statement, the rest "weet ik niet"."""
    return lambda n, item: (4 if n < count else None) if item.key == FIRST else 4


def test_what_leaders_saw_of_another_round_never_holds_a_figure_back(app, client, make_round, make_user, add_responses):
    """Round B's first release, seen by its leaders, showed the first statement. In round A
    three people answer it in release 1 (too few: not shown) and two more in release 2: five
    people, first shown now. Had B's sets counted for A, B's "release 1" would take A's three
    and A's release 2 would reveal the two newcomers: it would stay hidden."""
    other = make_round("B", hide_results_while_open=False)
    add_responses(other, 5)
    add_responses(other, 5)  # release 2 marks release 1 as seen
    mine = make_round("A", hide_results_while_open=False)
    add_responses(mine, 5, answering_first(3))
    add_responses(mine, 5, answering_first(2))
    make_user("leider@a.example", mine.partnership)
    login(client, "leider@a.example")
    figure = statement_figure(client, mine)
    assert (figure["n"], figure["release"]) == (5, 2)


def test_a_release_nobody_saw_holds_no_figure_back(app, client, session, make_round, make_user, add_responses):
    """Results hidden while the round is open: release 1 shows the first statement for its
    five people, but nobody sees it; release 2 adds two who answered it. Once closed, the
    statement shows release 2's seven: release 1 was replaced unseen, so the two newcomers
    cannot be told apart by comparing."""
    round_ = make_round("T1", hide_results_while_open=True)
    add_responses(round_, 5, answering_first(5))
    add_responses(round_, 5, answering_first(2))
    stored = session.get(Round, round_.id)
    stored.closed_early = True
    session.commit()
    make_user("leider@t1.example", round_.partnership)
    login(client, "leider@t1.example")
    figure = statement_figure(client, round_)
    assert (figure["n"], figure["release"]) == (7, 2)


def test_a_statement_nobody_new_answered_keeps_its_release(app, client, make_round, make_user, add_responses):
    """Release 2's five all say "weet ik niet" on the first statement: its figure rests on the
    same five people as in release 1, so it stays release 1's figure; the count grows."""
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5, answering_first(5))
    add_responses(round_, 5, answering_first(0))
    make_user("leider@zelfde.example", round_.partnership)
    login(client, "leider@zelfde.example")
    figure = statement_figure(client, round_)
    assert (figure["n"], figure["release"], figure["unknown"]) == (5, 1, 5)


def test_a_release_stored_before_displayed_was_named_so_still_counts(app, session, make_round, add_responses):
    """Releases stored by an earlier version call the sets behind their figures "published".
    The next release takes them over under "displayed", and a seen release of that form is
    read under its old name, so they keep counting for the rule."""
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5)
    first = session.scalar(select(Release).where(Release.round_id == round_.id))
    old = dict(first.figures)
    old["published"] = old.pop("displayed")
    first.figures = old
    session.commit()
    add_responses(round_, 5)
    session.expire_all()
    second = session.scalar(select(Release).where(Release.round_id == round_.id, Release.number == 2))
    assert "published" not in second.figures
    assert [None, None, 1] in second.figures["displayed"]["members"]  # release 1's count, taken over
    assert [None, None, 2] in second.figures["displayed"]["members"]
    # Release 1, seen since release 2 replaced it, still counts for the rule in its old form:
    # its count of everyone, of the work floor and of the municipality (all five are both).
    with app.app_context():
        seen = releases.seen_sets(round_.id)["members"]
    assert sorted(seen, key=str) == sorted(
        [[None, None, 1], ["level", "werkvloer", 1], ["domain", "gemeente", 1]], key=str
    )


def momentum_unknown(n, item):
    return None if item.dimension == "momentum" else 4


def test_a_dimension_nobody_scored_is_left_out_and_the_rest_released(app, client, make_round, make_user, add_responses):
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5, momentum_unknown)
    make_user("leider@m.example", round_.partnership)
    login(client, "leider@m.example")
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["shown"] and "momentum" not in body["total"] and body["total"]["urgency"]["n"] == 5


def test_a_total_whose_people_did_not_change_keeps_its_release(app, client, make_round, make_user, add_responses):
    """Release 2 brings five people who all answered "weet ik niet" on momentum: its total rests
    on the same five as in release 1, so it stays the figure of release 1; urgency moves."""
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5)
    add_responses(round_, 5, momentum_unknown)
    make_user("leider@m2.example", round_.partnership)
    login(client, "leider@m2.example")
    total = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()["total"]
    assert (total["momentum"]["n"], total["momentum"]["release"]) == (5, 1)
    assert (total["urgency"]["n"], total["urgency"]["release"]) == (10, 2)


def test_a_total_that_would_single_out_the_few_new_people_who_scored_it_keeps_its_release(
    app, client, make_round, make_user, add_responses
):
    """Release 2 brings five people, of whom only three score momentum (two answer "weet ik
    niet" on all its statements). Momentum's total at release 2 (eight) beside the one leaders
    saw at release 1 (five) would single out those three: it stays the figure of release 1,
    while urgency (ten, five new) moves. Weighing the cells by score sums instead of people
    (three scores of 4 make 12) would let momentum move."""
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5)
    add_responses(round_, 5, lambda n, item: None if n >= 3 and item.dimension == "momentum" else 4)
    make_user("leider@m3.example", round_.partnership)
    login(client, "leider@m3.example")
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["respondents"] == 10
    assert (body["total"]["momentum"]["n"], body["total"]["momentum"]["release"]) == (5, 1)
    assert (body["total"]["urgency"]["n"], body["total"]["urgency"]["release"]) == (10, 2)


def test_a_group_moves_alone_when_one_of_its_dimensions_rests_on_the_same_people(
    app, client, make_round, make_user, add_responses
):
    """Release 1: five on the work floor, five in the board. Release 2 brings five more on
    the work floor (all "weet ik niet" on momentum), five more in the board and two in
    policy. Moving both levels at once would leave policy's two as the rest of the total, so
    the levels move one by one, largest first: the work floor moves (its momentum figure rests
    on the same five people as before, nothing new to learn), then the board cannot."""
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5, level="werkvloer", release=False)
    add_responses(round_, 4, level="bestuur", release=False)
    add_responses(round_, 1, level="bestuur")  # release 1
    add_responses(round_, 5, momentum_unknown, level="werkvloer", release=False)
    add_responses(round_, 2, level="beleid", release=False)
    add_responses(round_, 4, level="bestuur", release=False)
    add_responses(round_, 1, level="bestuur")  # release 2
    make_user("leider@levels.example", round_.partnership)
    login(client, "leider@levels.example")
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["release"]["number"] == 2 and body["respondents"] == 22
    werkvloer, bestuur = body["levels"]["werkvloer"], body["levels"]["bestuur"]
    assert (werkvloer["respondents"], werkvloer["release"]) == (10, 2)
    assert werkvloer["scores"]["momentum"]["n"] == 5 and werkvloer["scores"]["urgency"]["n"] == 10
    assert (bestuur["respondents"], bestuur["release"]) == (5, 1)  # would single out policy's two
    assert "beleid" not in body["levels"]  # two people: too small on its own


# --- sets replaced before anyone saw them -------------------------------------------------------

from .conftest import post_round_settings  # noqa: E402


def set_hidden(client, round_, hidden: bool):
    """The leader's settings form: results hidden while the round is open, or shown."""
    assert (
        post_round_settings(client, round_, **({"hide_results_while_open": "y"} if hidden else {})).status_code == 302
    )


def closed_and_read(session, client, make_user, round_, email: str) -> dict:
    """Close the round (results hidden while open show now), sign its leader in, and read
    what the API shows."""
    stored = session.get(Round, round_.id)
    stored.closed_early = True
    session.commit()
    make_user(email, round_.partnership)
    login(client, email)
    return client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()


def answering_first_and_momentum(count: int):
    """The first `count` respondents of a batch answer the first statement and the momentum
    statements; the rest say "weet ik niet" on those (so they score no momentum)."""
    return lambda n, item: (4 if n < count else None) if item.key == FIRST or item.dimension == "momentum" else 4


LEVELS = [o.key for o in get_instrument(1).profile_question("level").options]
DOMAINS = [o.key for o in get_instrument(1).profile_question("domain").options]


def test_a_set_replaced_unseen_never_holds_a_later_figure_back(app, client, make_round, make_user, add_responses):
    """Leaders see release 1 (five answered the first statement and momentum), then hide the
    results. Release 2 brings five more who answered, release 3 and 4 two each. Leaders saw
    only the five of release 1, so release 4's fourteen may replace it: 14 - 5 = 9 newcomers,
    no small group. Release 2's ten and release 3's twelve were replaced unseen; counted as
    seen, they would single out release 4's two (14 - 12) or four (14 - 10) and keep release 3.
    Respondents are spread over the levels and domains so that no group has five momentum
    scores (no group figure of momentum stands beside the total)."""
    round_ = make_round("T1", hide_results_while_open=False)
    make_user("leider@verborgen.example", round_.partnership)
    login(client, "leider@verborgen.example")
    person = iter(range(100))

    def release(answering: int):
        for n in range(5):
            i = next(person)
            add_responses(
                round_,
                1,
                answering_first_and_momentum(1 if n < answering else 0),
                level=LEVELS[i % len(LEVELS)],
                domain=DOMAINS[i % (len(DOMAINS) - 1)],
                release=n == 4,
            )

    release(5)  # release 1, on the leaders' pages
    set_hidden(client, round_, True)  # release 1 is seen
    release(5)  # release 2: 10 answered
    release(2)  # release 3: 12
    release(2)  # release 4: 14
    set_hidden(client, round_, False)
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["release"]["number"] == 4 and body["respondents"] == 20
    assert (body["statements"][FIRST]["n"], body["statements"][FIRST]["release"]) == (14, 4)
    assert (body["total"]["momentum"]["n"], body["total"]["momentum"]["release"]) == (14, 4)
    assert (body["total"]["urgency"]["n"], body["total"]["urgency"]["release"]) == (20, 4)


def test_a_group_figure_leaves_out_a_dimension_too_few_of_its_members_scored(
    app, client, make_round, make_user, add_responses
):
    """Five on the work floor score every dimension; of five in the board only two score
    momentum. The board is shown without momentum (two scores: too few). The work floor
    cannot be shown: its momentum figure (five) beside the total (seven) singles out the
    board's two. Counting score sums instead of people (two scores of 4 make 8) would let
    both pass."""
    round_ = make_round("T1", hide_results_while_open=False)
    add_responses(round_, 5, level="werkvloer", release=False)
    add_responses(round_, 4, answering_first_and_momentum(2), level="bestuur", release=False)
    add_responses(round_, 1, lambda n, item: None if item.dimension == "momentum" else 4, level="bestuur")
    make_user("leider@twee.example", round_.partnership)
    login(client, "leider@twee.example")
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["respondents"] == 10 and body["total"]["momentum"]["n"] == 7
    assert "werkvloer" not in body["levels"]
    bestuur = body["levels"]["bestuur"]
    assert bestuur["respondents"] == 5 and "momentum" not in bestuur["scores"]
    assert bestuur["scores"]["urgency"]["n"] == 5


def test_groups_replaced_unseen_move_together(app, client, session, make_round, make_user, add_responses):
    """Results hidden while open. Release 1: five on the work floor, five in the board.
    Release 2: three more on the work floor, two in the board. Nobody saw release 1, so both
    levels move to release 2 at once: the counts 15, 8 and 7 and release 1's 10 single out
    nobody. One at a time, the board's unseen five would still stand beside the work floor's
    eight and the totals, and give away the three newcomers (and then the two). Release 3
    brings five more on the work floor: it moves to 13, as release 2's replaced sets are gone
    (kept, the board's five beside its seven would give away the two)."""
    round_ = make_round("T1", hide_results_while_open=True)
    add_responses(round_, 5, level="werkvloer", release=False)
    add_responses(round_, 4, level="bestuur", release=False)
    add_responses(round_, 1, level="bestuur")  # release 1, hidden
    add_responses(round_, 3, level="werkvloer", release=False)
    add_responses(round_, 1, level="bestuur", release=False)
    add_responses(round_, 1, level="bestuur")  # release 2
    body = closed_and_read(session, client, make_user, round_, "leider@samen.example")
    assert body["release"]["number"] == 2 and body["respondents"] == 15
    levels = body["levels"]
    assert (levels["werkvloer"]["respondents"], levels["werkvloer"]["release"]) == (8, 2)
    assert (levels["bestuur"]["respondents"], levels["bestuur"]["release"]) == (7, 2)
    stored = session.get(Round, round_.id)
    stored.closed_early = False
    session.commit()
    add_responses(round_, 5, level="werkvloer")  # release 3, hidden again
    stored.closed_early = True
    session.commit()
    body = client.get(f"/api/partnerships/{round_.partnership.slug}/rounds/{round_.id}").get_json()
    assert body["release"]["number"] == 3
    levels = body["levels"]
    assert (levels["werkvloer"]["respondents"], levels["werkvloer"]["release"]) == (13, 3)
    assert (levels["bestuur"]["respondents"], levels["bestuur"]["release"]) == (7, 2)


def test_a_group_moving_alone_drops_its_own_unseen_set(app, client, session, make_round, make_user, add_responses):
    """Results hidden while open. Release 1: five on the work floor, five in the board, two in
    policy; the work floor is shown, the board is not (with the total it would single out
    policy's two). Release 2: two more on the work floor, three in the board. Both levels at
    once would single out policy's two again, and the board alone its three newcomers beside
    the work floor's two; the work floor alone moves to seven, because its release-1 five
    were replaced unseen. Kept, its five beside its seven would give away the two newcomers."""
    round_ = make_round("T1", hide_results_while_open=True)
    add_responses(round_, 5, level="werkvloer", release=False)
    add_responses(round_, 5, level="bestuur", release=False)
    add_responses(round_, 1, level="beleid", release=False)
    add_responses(round_, 1, level="beleid")  # release 1: twelve
    add_responses(round_, 2, level="werkvloer", release=False)
    add_responses(round_, 2, level="bestuur", release=False)
    add_responses(round_, 1, level="bestuur")  # release 2: five more
    body = closed_and_read(session, client, make_user, round_, "leider@alleen.example")
    assert body["release"]["number"] == 2 and body["respondents"] == 17
    assert set(body["levels"]) == {"werkvloer"}
    werkvloer = body["levels"]["werkvloer"]
    assert (werkvloer["respondents"], werkvloer["release"]) == (7, 2)
    assert werkvloer["scores"]["urgency"]["n"] == 7


# --- the rule on sets made by hand ------------------------------------------------------------

from dashboard.releases import Rule  # noqa: E402


def test_a_set_seen_earlier_counts_though_this_release_no_longer_shows_it():
    """Leaders saw the board's five (release 1) and the total of release 2; the board's
    figure has since moved on. Release 2's work floor (1a + 2a) beside the two would give
    away the board's two newcomers: T2 - B1 - W2 = 2b."""
    cells = {(1, "a", "x"): 5, (1, "b", "x"): 5, (2, "a", "x"): 5, (2, "b", "x"): 2}
    seen = {"v": [["level", "b", 1], [None, None, 2]]}
    rule = Rule(seen, {"v": [[None, None, 2]]}, 5)
    assert not rule.allows_together("v", cells, [(None, ("level", "a", 2))])
    assert rule.allows_together("v", cells, [(None, ("level", "a", 1))])  # 1a: five, already in T2 - B1


def test_several_sets_moving_together_are_judged_together():
    """The work floor has five people in no other set, the board two: the shortcut for one
    set with enough people of its own must not let the board's two through with it."""
    cells = {(1, "a", "x"): 5, (1, "b", "x"): 2}
    rule = Rule({}, {}, 5)
    assert not rule.allows_together("v", cells, [(None, ("level", "a", 1)), (None, ("level", "b", 1))])
    assert not rule.allows_together("v", cells, [(None, ("level", "b", 1))])
    assert rule.allows_together("v", cells, [(None, ("level", "a", 1))])


def test_exactly_the_threshold_of_people_in_no_other_set_is_enough():
    """A new set with five people (the threshold) in no other set: every combination using it
    takes all five, so it is judged by them alone, even beside a family that would fail the
    full search (here: the board's two, T1 - W1, already stand out)."""
    cells = {(1, "a", "x"): 5, (1, "b", "x"): 2, (2, "c", "x"): 5}
    rule = Rule({"v": [[None, None, 1], ["level", "a", 1]]}, {}, 5)
    assert rule.allows_together("v", cells, [(None, ("level", "c", 2))])
    cells[(2, "c", "x")] = 4
    assert not rule.allows_together("v", cells, [(None, ("level", "c", 2))])


def test_each_figure_of_groups_moving_together_is_judged_with_its_own_sets(
    app, client, session, make_round, make_user, add_responses
):
    """Results hidden while open. Release 1: five on the work floor and five in the board, all
    "weet ik niet": the levels show a count only. Release 2: five more on the work floor who
    score everything, two in the board who do not. Both levels move at once: the counts 17,
    10 and 7 beside release 1's 10 single out nobody, and the work floor's scores rest on its
    five newcomers. Judging the counts by the scores' sets (the board's count left out, the
    unseen release-1 counts kept) would single out the board's two and move neither."""
    round_ = make_round("T1", hide_results_while_open=True)
    nothing = lambda n, item: None  # noqa: E731
    add_responses(round_, 5, nothing, level="werkvloer", release=False)
    add_responses(round_, 4, nothing, level="bestuur", release=False)
    add_responses(round_, 1, nothing, level="bestuur")  # release 1
    add_responses(round_, 5, level="werkvloer", release=False)
    add_responses(round_, 1, nothing, level="bestuur", release=False)
    add_responses(round_, 1, nothing, level="bestuur")  # release 2
    body = closed_and_read(session, client, make_user, round_, "leider@tellen.example")
    assert body["release"]["number"] == 2 and body["respondents"] == 17
    werkvloer, bestuur = body["levels"]["werkvloer"], body["levels"]["bestuur"]
    assert (werkvloer["respondents"], werkvloer["release"]) == (10, 2)
    assert werkvloer["scores"]["urgency"]["n"] == 5
    assert (bestuur["respondents"], bestuur["release"], bestuur["scores"]) == (7, 2, {})


def test_the_next_release_leaves_the_previous_figures_as_they_were(app, make_round, add_responses):
    """next_figures works on a deep copy: the previous release's figures (loaded, and on the
    leaders' pages) are never changed in place, whatever the new release publishes. Kills the
    shallow-copy mutant, which rewrote the earlier release's totals in memory."""
    import copy

    from sqlalchemy import update

    from extensions import db

    round_ = make_round("T1")
    add_responses(round_, 5, lambda n, item: 2, level="werkvloer")  # release 1: everything 2
    add_responses(round_, 5, lambda n, item: 5, level="bestuur", release=False)  # waiting
    with app.app_context():
        db.session.execute(
            update(Response)
            .where(Response.round_id == round_.id, Response.release_number.is_(None))
            .values(release_number=2)
        )
        previous = releases.latest_release(round_.id).figures
        before = copy.deepcopy(previous)
        figures = releases.next_figures(db.session.get(Round, round_.id), 2, previous, releases.seen_sets(round_.id), 5)
        assert figures["total"] != before["total"]  # the new release does publish new totals
        assert previous == before
        db.session.rollback()
