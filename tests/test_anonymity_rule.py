"""The anonymity rule (dashboard/anonymity.py) against a reference: for random families of
sets over cells of random sizes, `reveals_small_group` must say exactly what a brute-force
rank test over every person (scipy's null space, every small subset tried) says."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.anonymity import large_enough, reveals_small_group

from .test_release_audit import small_sets_in_span

families = st.integers(min_value=1, max_value=7).flatmap(
    lambda cells: st.tuples(
        st.lists(st.integers(min_value=0, max_value=6), min_size=cells, max_size=cells),
        st.lists(st.sets(st.integers(min_value=0, max_value=cells - 1), min_size=1), min_size=1, max_size=6),
    )
)


def people_of(sizes: list[int], sets) -> set[frozenset[int]]:
    """The same sets spelled out per person: cell c holds sizes[c] people."""
    start = [sum(sizes[:c]) for c in range(len(sizes))]
    return {frozenset(p for c in cells for p in range(start[c], start[c] + sizes[c])) for cells in sets} - {frozenset()}


@settings(max_examples=300, deadline=None)
@given(families, st.sampled_from([3, 5]))
def test_the_rule_agrees_with_a_brute_force_rank_test(family, min_size):
    sizes, sets = family
    expected = bool(small_sets_in_span(people_of(sizes, sets), min_size)) if people_of(sizes, sets) else False
    assert reveals_small_group(sizes, sets, min_size) is expected


def test_worked_examples():
    # a round of 8 with a shown level of 5: the other 3 are the total minus that level
    assert reveals_small_group([5, 3], [[0, 1], [0]], 5)
    # a round of 10 with levels 5 and 5: nobody stands out
    assert not reveals_small_group([5, 5], [[0, 1], [0]], 5)
    # over time: a release of 6 and one of 7 differ by one person
    assert reveals_small_group([6, 1], [[0], [0, 1]], 5)
    # levels against domains, with hidden groups that differ by one person (cells: W&O, W&hidden-domain, B&O, hidden level&hidden domain)  # noqa: E501
    assert reveals_small_group([5, 1, 5, 5], [[0, 1, 2, 3], [0, 1], [2], [0, 2]], 5)
    assert large_enough(5, 5) and not large_enough(4, 5)


def test_the_search_gives_up_only_beyond_its_bound_and_then_calls_the_figure_unsafe():
    """Random directions: no two of them cancel, so the honest answer is "no small group";
    with exactly MAX_HALVES candidate halves the search still runs, one more and it gives up
    and says unsafe (keeping a figure as it was is the safe mistake)."""
    from dashboard.anonymity import MAX_HALVES, _zero_sum_subset

    vectors = np.random.default_rng(1).standard_normal((MAX_HALVES + 1, 8))
    budget = 2  # halves of one row each: MAX_HALVES or MAX_HALVES + 1 candidates
    assert not _zero_sum_subset(vectors[:MAX_HALVES], np.ones(MAX_HALVES, dtype=int), budget)
    assert _zero_sum_subset(vectors, np.ones(MAX_HALVES + 1, dtype=int), budget)


def test_a_zero_sum_needs_weights_within_the_budget_and_no_row_twice():
    rows = np.array([[1.0, 2.0], [-1.0, -2.0], [3.0, 1.0]])
    assert _zero_sum_subset_of(rows, [2, 2, 1], budget=4)  # rows 0 and 1 cancel, 4 people
    assert not _zero_sum_subset_of(rows, [2, 3, 1], budget=4)  # the same, but 5 people
    assert _zero_sum_subset_of(np.array([[0.0, 0.0], [5.0, 1.0]]), [4, 1], budget=4)  # one row on its own
    assert not _zero_sum_subset_of(np.array([[0.0, 0.0], [5.0, 1.0]]), [5, 1], budget=4)
    # a row and its own negation would be a row taken twice: only a real pair counts
    assert not _zero_sum_subset_of(np.array([[1.0, 1.0], [2.0, 3.0]]), [1, 1], budget=4)
    # row 0 on one side and rows 0 and 1 on the other sum to zero (1 + 1 - 2), but that takes
    # row 0 twice: no set of rows sums to zero, whichever side row 0 is on
    assert not _zero_sum_subset_of(np.array([[1.0, 1.0], [-2.0, -2.0]]), [1, 1], budget=4)
    assert not _zero_sum_subset_of(np.array([[-2.0, -2.0], [1.0, 1.0]]), [1, 1], budget=4)


def _zero_sum_subset_of(rows, weights, budget):
    from dashboard.anonymity import _zero_sum_subset

    return _zero_sum_subset(rows, np.array(weights), budget)


def test_twice_a_small_cell_plus_another_is_no_small_group():
    """Sets S1 = {0, 1, 2}, S2 = {0, 3} and S3 = {2, 3}: S1 + S2 - S3 is 2 x cell 0 plus
    cell 1, which takes cell 0 twice. Worked by hand, the only 0/1 vectors in their span are
    the three sets themselves (7, 6 and 10 people), so nothing small is revealed."""
    sizes, sets = [1, 1, 5, 5], [[0, 1, 2], [0, 3], [2, 3]]
    assert small_sets_in_span(people_of(sizes, sets), 5) == []  # the brute force agrees
    assert not reveals_small_group(sizes, sets, 5)


def test_a_small_group_of_three_cells_that_no_pair_reveals():
    """The total minus a big cell leaves three single people, each in other sets of their
    own: only all three together are in the span, so the search must combine halves of
    two rows (a search of single rows misses it)."""
    sizes, sets = [1, 1, 1, 5, 5, 5], [[0, 1, 2, 3], [3], [0, 4], [1, 5]]
    assert small_sets_in_span(people_of(sizes, sets), 5) == [(0, 1, 2)]  # the brute force agrees
    assert reveals_small_group(sizes, sets, 5)
