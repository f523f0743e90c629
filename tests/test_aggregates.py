"""Aggregates computed by the database equal the scoring rules worked out again in the test
(tests/by_hand.py: reverse items 6 - x, at least half answered), per cell (release, level,
domain), and a release's figures are those of exactly its responses."""

import random
from collections import Counter

import pytest

from dashboard import queries
from dashboard.releases import latest_release, waiting
from surveys.instrument import get_instrument
from surveys.scoring import aggregate_from_sums

from .by_hand import aggregate_by_hand, scores_by_hand

INSTRUMENT = get_instrument(1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_aggregates_match_python_scoring(app, make_round, add_responses, seed):
    """23 responses submitted one by one: releases after the 5th, 10th, 15th and 20th
    (MIN_GROUP_SIZE = 5, a tenth of 20 is less), so response k is in release k // 5 + 1
    and the last three wait."""
    rng = random.Random(seed)
    round_ = make_round()
    answers = [{item.key: rng.choice([None, 1, 2, 3, 4, 5, 5]) for item in INSTRUMENT.items} for _ in range(23)]
    levels = [rng.choice(["werkvloer", "beleid", "bestuur"]) for _ in answers]
    for given, level in zip(answers, levels):
        add_responses(round_, 1, lambda _, item, given=given: given[item.key], level=level)
    release_of = [k // 5 + 1 if k < 20 else None for k in range(23)]
    scores = [scores_by_hand(given) for given in answers]  # a dimension left out: fewer than half answered

    with app.app_context():
        assert waiting(round_.id) == 3
        latest = latest_release(round_.id)
        assert (latest.number, latest.n) == (4, 20)
        members = queries.members(round_.id, 4)
        sums = queries.score_sums(round_.id, 4)
        counts = queries.answer_counts(round_.id, 4)
        figures = latest.figures
    assert members == Counter((release_of[k], levels[k], "gemeente") for k in range(20))
    for dimension in INSTRUMENT.dimensions:
        for cell, (n, total, squares, distribution) in sums[dimension.key].items():
            in_cell = [k for k in range(23) if (release_of[k], levels[k], "gemeente") == cell]
            values = [scores[k][dimension.key] for k in in_cell if dimension.key in scores[k]]
            e_n, e_mean, e_sd, e_distribution = aggregate_by_hand(values)
            got = aggregate_from_sums(n, total, squares, distribution)
            assert got.n == e_n and got.distribution == e_distribution
            assert got.mean == pytest.approx(e_mean)
            assert got.sd == pytest.approx(e_sd) if e_n > 1 else got.sd is None
        released = aggregate_by_hand([s[dimension.key] for s in scores[:20] if dimension.key in s])
        if dimension.key in figures["total"]:  # a total the rule kept back stays at an earlier release
            shown = figures["total"][dimension.key]
            people = scores[: 5 * shown["release"]]
            values = [s[dimension.key] for s in people if dimension.key in s]
            e_n, e_mean, e_sd, e_distribution = aggregate_by_hand(values)
            assert shown["n"] == e_n and tuple(shown["distribution"]) == e_distribution
            assert shown["mean"] == pytest.approx(e_mean) and shown["sd"] == pytest.approx(e_sd)
            if shown["release"] == 4:
                assert shown["mean"] == pytest.approx(released[1])
    for item in INSTRUMENT.items:
        expected = Counter((release_of[k], given[item.key]) for k, given in enumerate(answers) if k < 20)
        got = Counter(
            {(number, value): n for number, by_value in counts[item.key].items() for value, n in by_value.items()}
        )
        assert got == expected, item.key
        assert figures["unknown"][item.key] == sum(1 for given in answers[:20] if given[item.key] is None)
