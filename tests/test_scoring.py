"""Scoring rules, with worked examples and properties (no Flask, no database)."""

import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.instrument import Dimension, get_instrument
from surveys.scoring import (
    Aggregate,
    aggregate,
    aggregate_from_sums,
    band,
    bucket,
    dimension_score,
    dimension_scores,
    flip,
    item_value,
)

INSTRUMENT = get_instrument(1)
URGENCY = INSTRUMENT.dimension("urgency")
REVERSE = next(item for item in URGENCY.items if item.reverse)
PLAIN = [item for item in URGENCY.items if not item.reverse]


def test_worked_example_with_a_reverse_item_and_a_dont_know():
    # Plain items 5, 4, 4 and "weet ik niet"; the reverse item answered 2 counts as 4.
    answers = {PLAIN[0].key: 5, PLAIN[1].key: 4, PLAIN[2].key: 4, PLAIN[3].key: None, REVERSE.key: 2}
    assert dimension_score(URGENCY, answers) == pytest.approx((5 + 4 + 4 + 4) / 4)


def test_reverse_item_is_flipped():
    assert item_value(REVERSE, 1) == 5 and item_value(REVERSE, 3) == 3 and item_value(PLAIN[0], 1) == 1
    assert item_value(REVERSE, None) is None


def test_fewer_than_half_answered_gives_no_score():
    two_of_five = {PLAIN[0].key: 5, PLAIN[1].key: 5}
    assert dimension_score(URGENCY, two_of_five) is None
    three_of_five = {**two_of_five, PLAIN[2].key: 2}
    assert dimension_score(URGENCY, three_of_five) == pytest.approx(4.0)
    assert dimension_score(URGENCY, {item.key: None for item in URGENCY.items}) is None


def test_answer_outside_the_scale_is_an_error():
    with pytest.raises(ValueError):
        item_value(PLAIN[0], 6)


def test_scores_for_every_dimension_in_order():
    scores = dimension_scores(INSTRUMENT, {item.key: 3 for item in INSTRUMENT.items})
    assert list(scores) == [d.key for d in INSTRUMENT.dimensions]
    assert set(scores.values()) == {3.0}


def test_aggregate_worked_example():
    result = aggregate([4.0, 2.0, None, 3.5, 5.0])
    assert result.n == 4
    assert result.mean == pytest.approx(3.625)
    assert result.sd == pytest.approx(statistics.stdev([4.0, 2.0, 3.5, 5.0]))
    assert result.distribution == (0, 1, 0, 2, 1)  # 3.5 rounds up to 4


def test_aggregate_of_nothing_and_of_one():
    assert aggregate([]).n == 0 and aggregate([]).mean is None and aggregate([]).sd is None
    single = aggregate([2.5])
    assert single.mean == 2.5 and single.sd is None and single.distribution == (0, 0, 1, 0, 0)


def test_bucket_rounds_halves_up():
    assert [bucket(v) for v in (1.0, 1.49, 1.5, 2.5, 4.5, 5.0)] == [1, 1, 2, 3, 5, 5]


# --- properties ------------------------------------------------------------------------

answer = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
answer_sets = st.fixed_dictionaries({item.key: answer for item in INSTRUMENT.items})


@given(answer_sets)
def test_scores_stay_on_the_scale(answers):
    for score in dimension_scores(INSTRUMENT, answers).values():
        assert score is None or 1 <= score <= 5


@given(answer_sets, st.randoms())
def test_order_of_answers_does_not_matter(answers, rnd):
    items = list(answers.items())
    rnd.shuffle(items)
    assert dimension_scores(INSTRUMENT, dict(items)) == dimension_scores(INSTRUMENT, answers)


@given(st.integers(min_value=1, max_value=5))
def test_flipping_twice_is_the_identity(value):
    assert flip(flip(value)) == value


@given(answer_sets, st.sampled_from([d.key for d in INSTRUMENT.dimensions]))
def test_adding_a_dont_know_never_changes_a_score(answers, dimension_key):
    """Turning an unanswered statement into "weet ik niet" changes nothing."""
    dimension = INSTRUMENT.dimension(dimension_key)
    missing_item = dimension.items[0].key
    without = {k: v for k, v in answers.items() if k != missing_item}
    with_dont_know = {**without, missing_item: None}
    assert dimension_score(dimension, with_dont_know) == dimension_score(dimension, without)


@given(st.lists(st.one_of(st.none(), st.floats(min_value=1, max_value=5)), max_size=60))
def test_aggregate_counts_only_numbers_and_stays_on_the_scale(values):
    result = aggregate(values)
    numbers = [v for v in values if v is not None]
    assert result.n == len(numbers) == sum(result.distribution)
    if numbers:
        assert 1 - 1e-9 <= result.mean <= 5 + 1e-9
        assert math.isclose(result.mean, statistics.fmean(numbers))
    shuffled = list(values)
    random.Random(1).shuffle(shuffled)
    assert aggregate(shuffled).distribution == result.distribution


@given(st.lists(st.floats(min_value=1, max_value=5), max_size=50))
def test_aggregate_from_database_sums_equals_aggregate(values):
    expected = aggregate(values)
    got = aggregate_from_sums(len(values), sum(values), sum(v * v for v in values), expected.distribution)
    assert got.n == expected.n
    assert (got.mean is None) == (expected.mean is None) and (got.mean is None or math.isclose(got.mean, expected.mean))
    assert (got.sd is None) == (expected.sd is None) and (
        got.sd is None or math.isclose(got.sd, expected.sd, abs_tol=1e-6)
    )


def test_score_bands():
    shown_as = (None, 1.0, 2.94, 2.96, 3.0, 3.94, 3.96, 4.0, 5.0)  # 2.96 reads 3,0: borderline
    assert [band(v) for v in shown_as] == [
        None,
        "concern",
        "concern",
        "borderline",
        "borderline",
        "borderline",
        "strength",
        "strength",
        "strength",
    ]


def test_exactly_half_answered_gives_a_score():
    """ "Fewer than half": with an even number of statements, half is enough (the instrument
    has five per dimension today, where half cannot happen)."""
    four = Dimension(URGENCY.key, URGENCY.thread, URGENCY.title, URGENCY.description, tuple(PLAIN[:4]))
    assert dimension_score(four, {PLAIN[0].key: 2, PLAIN[1].key: 5}) == pytest.approx(3.5)
    assert dimension_score(four, {PLAIN[0].key: 2, PLAIN[1].key: None, PLAIN[2].key: None}) is None


def test_an_answer_outside_the_scale_is_named_in_the_error():
    for outside in (0, 6, -1):
        with pytest.raises(ValueError, match=rf"answer {outside} to {PLAIN[0].key} is outside 1\.\.5"):
            item_value(PLAIN[0], outside)
    assert item_value(PLAIN[0], 5) == 5 and item_value(REVERSE, 5) == 1


def test_aggregate_from_sums_of_nobody_keeps_its_empty_distribution():
    empty = aggregate_from_sums(0, 0.0, 0.0, (0, 0, 0, 0, 0))
    assert empty == Aggregate(0, None, None, (0, 0, 0, 0, 0))
    assert aggregate_from_sums(2, 7.0, 25.0, [0, 0, 1, 1, 0]).distribution == (0, 0, 1, 1, 0)  # a tuple, as from values
