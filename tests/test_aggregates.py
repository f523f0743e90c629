"""Aggregates computed by the database equal the scoring rules applied in Python."""
import random

import pytest

from dashboard import queries
from surveys.instrument import get_instrument
from surveys.scoring import aggregate, dimension_scores

INSTRUMENT = get_instrument(1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_aggregates_match_python_scoring(app, make_round, add_responses, seed):
    rng = random.Random(seed)
    round_ = make_round()
    answers = [{item.key: rng.choice([None, 1, 2, 3, 4, 5, 5]) for item in INSTRUMENT.items} for _ in range(23)]
    levels = [rng.choice(["werkvloer", "beleid", "bestuur"]) for _ in answers]
    for n, (given, level) in enumerate(zip(answers, levels)):
        add_responses(round_, 1, lambda _, item, given=given: given[item.key], level=level)

    with app.app_context():
        totals = queries.dimension_aggregates([round_.id])[(round_.id, queries.TOTAL)]
        by_level = queries.dimension_aggregates([round_.id], "level")
        counts = queries.respondent_counts([round_.id], "level")
    scores = [dimension_scores(INSTRUMENT, given) for given in answers]
    for dimension in INSTRUMENT.dimensions:
        expected = aggregate(s[dimension.key] for s in scores)
        got = totals[dimension.key]
        assert got.n == expected.n and got.distribution == expected.distribution
        assert got.mean == pytest.approx(expected.mean) and got.sd == pytest.approx(expected.sd)
        for level in set(levels):
            expected_level = aggregate(s[dimension.key] for s, lv in zip(scores, levels) if lv == level)
            assert by_level[(round_.id, level)][dimension.key].mean == pytest.approx(expected_level.mean)
    assert {key: n for (_, key), n in counts.items()} == {level: levels.count(level) for level in set(levels)}
