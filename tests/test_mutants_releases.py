"""Release arithmetic worked by hand (dashboard/releases.py): written to kill the mutants
mutmut found alive (`.venv/bin/python -m mutation`). No database: the helpers are pure."""
import math
import statistics

import pytest

from dashboard.releases import _aggregate, _contains, _item_aggregate, _members, needed


def test_a_release_waits_for_the_threshold_or_a_tenth_more():
    assert needed(0, 5) == 5  # the first release: the threshold
    assert needed(49, 5) == 5  # a tenth of 49 is 4.9, below the threshold
    assert needed(50, 5) == 5  # exactly a tenth: 5
    assert needed(51, 5) == 6  # 5.1 rounds up: never fewer than a tenth
    assert needed(200, 5) == 20
    assert needed(30, 7) == 7


# Cells are (release, level, domain) with a count of people.
CELLS = {(1, "werkvloer", "gemeente"): 3, (1, "bestuur", "school"): 2, (2, "werkvloer", "school"): 4, (2, "bestuur", "gemeente"): 0}


def test_a_description_takes_the_cells_of_its_group_up_to_its_release():
    assert _contains((None, None, 1), (1, "bestuur", "school"))
    assert not _contains((None, None, 1), (2, "bestuur", "school"))  # a later release
    assert _contains(("level", "werkvloer", 2), (2, "werkvloer", "school"))
    assert not _contains(("level", "werkvloer", 2), (2, "bestuur", "school"))
    assert _contains(("domain", "school", 2), (1, "bestuur", "school"))
    assert not _contains(("domain", "school", 2), (1, "werkvloer", "gemeente"))


def test_members_are_the_non_empty_cells_described():
    assert _members(CELLS, (None, None, 2)) == {(1, "werkvloer", "gemeente"), (1, "bestuur", "school"), (2, "werkvloer", "school")}
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
