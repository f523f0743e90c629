"""The figures a release stores are the figures of its people: over seeded random rounds
(levels, domains, "weet ik niet", dimensions some people leave unscored, releases in steps),
every stored figure equals a plain recomputation from the rows (means, sample SDs, counts and
buckets in Python from the answers and scores of the responses released up to the figure's
release, NOT through releases.next_figures), and `flask check-figures` finds a tampered one."""

from __future__ import annotations

import math
import random
import statistics
from datetime import timedelta

import pytest
from sqlalchemy import select

import clock
from models import Answer, Release, Response, ResponseScore
from surveys.instrument import get_instrument

INSTRUMENT = get_instrument(1)
LEVELS = ["werkvloer", "beleid", "bestuur"]
DOMAINS = ["gemeente", "onderwijs", "werk_inkomen"]


def fill(make_round, add_responses, seed: int, **fields):
    """A round of 15 to 40 random people, each submitted and followed by the release check."""
    rng = random.Random(seed)
    closed = {"opens_on": clock.today() - timedelta(days=30), "closes_on": clock.today() + timedelta(days=1)}
    round_ = make_round(f"R{seed}", **{**closed, **fields})
    skipped = rng.choice(INSTRUMENT.dimensions).key  # some people answer nothing of one dimension
    for _person in range(rng.randint(15, 40)):
        values = {}
        for item in INSTRUMENT.items:
            unknown = rng.random() < 0.12 or (item.dimension == skipped and rng.random() < 0.3)
            values[item.key] = None if unknown else rng.randint(1, 5)
        comments = {"youth": f"c{rng.random()}"} if rng.random() < 0.5 else None
        add_responses(
            round_,
            1,
            lambda n, item, values=values: values[item.key],
            level=rng.choice(LEVELS[: rng.choice([1, 3])]),  # werkvloer most often
            domain=rng.choice(DOMAINS),
            comments=comments,
        )
    return round_


def expected(values: list[float], release: int) -> dict:
    """A figure recomputed by hand: n, mean, sample SD, counts per rounded scale point."""
    distribution = [0] * 5
    for value in values:
        distribution[min(5, max(1, math.floor(value + 0.5))) - 1] += 1
    return {
        "release": release,
        "n": len(values),
        "mean": statistics.fmean(values) if values else None,
        "sd": statistics.stdev(values) if len(values) > 1 else None,
        "distribution": distribution,
    }


def assert_figure(stored: dict, values: list[float], where: str) -> None:
    wanted = expected(values, stored["release"])
    assert stored["n"] == wanted["n"] and stored["distribution"] == wanted["distribution"], where
    for key in ("mean", "sd"):
        assert (stored[key] is None) is (wanted[key] is None), where
        if wanted[key] is not None:
            assert stored[key] == pytest.approx(wanted[key], abs=1e-9), where


def rows(session, round_id: int):
    responses = session.execute(
        select(Response.id, Response.release_number, Response.level, Response.domain).where(
            Response.round_id == round_id
        )
    ).all()
    ids = [r.id for r in responses]
    scores = session.execute(
        select(ResponseScore.response_id, ResponseScore.dimension, ResponseScore.score).where(
            ResponseScore.response_id.in_(ids)
        )
    ).all()
    answers = session.execute(
        select(Answer.response_id, Answer.item_key, Answer.value).where(Answer.response_id.in_(ids))
    ).all()
    return responses, scores, answers


def check_release(release: Release, responses, scores, answers) -> int:
    """Every figure of one release against the rows; returns how many figures were checked."""
    number_of = {r.id: r.release_number for r in responses}
    person = {r.id: r for r in responses}

    def upto(number):
        return {i for i, n in number_of.items() if n is not None and n <= number}

    figures, checked = release.figures, 0
    assert release.n == len(upto(release.number))
    for dimension, figure in figures["total"].items():
        people = upto(figure["release"])
        assert_figure(figure, [s for i, d, s in scores if d == dimension and i in people], f"total {dimension}")
        checked += 1
    for by, groups in figures["groups"].items():
        for key, group in groups.items():
            people = {i for i in upto(group["release"]) if getattr(person[i], by) == key}
            assert group["n"] == len(people) >= 5, (by, key)
            for dimension, figure in group["scores"].items():
                assert figure["release"] == group["release"]
                values = [s for i, d, s in scores if d == dimension and i in people]
                assert_figure(figure, values, f"{by} {key} {dimension}")
                checked += 1
    for item, figure in figures["items"].items():
        people = upto(figure["release"])
        assert_figure(figure, [v for i, k, v in answers if k == item and i in people and v is not None], item)
        checked += 1
    people = upto(release.number)
    for item in INSTRUMENT.items:
        assert figures["unknown"][item.key] == sum(
            1 for i, k, v in answers if k == item.key and v is None and i in people
        )
    return checked


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_stored_figure_equals_a_recomputation_from_the_rows(session, make_round, add_responses, seed):
    rounds = [
        fill(make_round, add_responses, seed),
        fill(make_round, add_responses, seed + 10, hide_results_while_open=True),
    ]
    checked = releases = 0
    for round_ in rounds:
        responses, scores, answers = rows(session, round_.id)
        for release in session.scalars(select(Release).where(Release.round_id == round_.id).order_by(Release.number)):
            checked += check_release(release, responses, scores, answers)
            releases += 1
    assert releases >= 4 and checked >= 50  # the data really made several releases with groups


def test_check_figures_passes_and_then_finds_a_tampered_figure(session, make_round, add_responses, runner):
    round_ = fill(make_round, add_responses, 4)
    other = fill(make_round, add_responses, 5)
    result = runner.invoke(args=["check-figures"])
    assert result.exit_code == 0, result.output
    assert "0 difference(s)" in result.output

    release = session.scalars(select(Release).where(Release.round_id == round_.id).order_by(Release.number)).first()
    figures = {**release.figures, "total": {**release.figures["total"]}}
    key = sorted(figures["total"])[0]
    figures["total"][key] = {**figures["total"][key], "mean": figures["total"][key]["mean"] + 0.1}
    release.figures = figures
    session.commit()

    result = runner.invoke(args=["check-figures"])
    assert result.exit_code == 1
    assert f"round {round_.id} (R4) release {release.number}: total.{key}.mean" in result.output
    assert f"round {other.id} " not in result.output
    # One round only: the other one checks clean.
    assert runner.invoke(args=["check-figures", "--round", str(other.id)]).exit_code == 0
    assert runner.invoke(args=["check-figures", "--round", str(round_.id)]).exit_code == 1
    missing = runner.invoke(args=["check-figures", "--round", "999999"])
    assert missing.exit_code != 0 and "No round 999999" in missing.output
