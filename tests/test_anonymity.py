"""The anonymity rule, on its own: worked examples by hand and a property against brute force.
(The rule as the dashboard and API apply it is tested in test_dashboard.py.)"""

from itertools import combinations, product

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.anonymity import large_enough, reveals_small_group


def test_worked_examples():
    assert large_enough(5, 5) and not large_enough(4, 5)
    # One set on its own: small or not.
    assert reveals_small_group([4], [[0]], 5)
    assert not reveals_small_group([5], [[0]], 5)
    # Within one partition: werkvloer 6, bestuur 5, beleid 2. The total with werkvloer is
    # safe (the rest is 7); adding bestuur gives away beleid (13 - 6 - 5 = 2).
    levels = [6, 5, 2]
    assert not reveals_small_group(levels, [[0, 1, 2], [0]], 5)
    assert reveals_small_group(levels, [[0, 1, 2], [0], [1]], 5)
    assert not reveals_small_group([6, 6], [[0, 1], [0], [1]], 5)
    # Over time: release 1 of 5 people, release 2 adds 3 to a group of 5: that group's
    # new figure minus its old one is 3 people.
    cells = [5, 5, 3, 2]  # (r1 werkvloer), (r2 bestuur), (r3 werkvloer), (r3 beleid)
    published = [[0], [0, 1], [0, 1, 2, 3]]
    assert not reveals_small_group(cells, published, 5)
    assert reveals_small_group(cells, [*published, [0, 2]], 5)  # werkvloer updated by 3
    assert reveals_small_group(cells, [*published, [1, 3]], 5)  # gemeente updated by beleid's 2
    # Across groupings: levels and domains that each look fine, but intersect in one person.
    # Cells: (werkvloer, onderwijs) 4, (werkvloer, gemeente) 1, (bestuur, gemeente) 5.
    assert reveals_small_group([4, 1, 5], [[0, 1, 2], [0, 1], [1, 2]], 5)  # werkvloer 5 + gemeente 6 - total 10 = 1
    # Empty cells count for nothing.
    assert not reveals_small_group([0, 5], [[0], [0, 1]], 5)
    assert not reveals_small_group([3], [], 5)


def brute_force(sizes: list[int], sets: list[list[int]], min_size: int) -> bool:
    """Some 0/1 combination of cells of 1 to min_size - 1 people is in the span of the sets."""
    cells = [c for c in range(len(sizes)) if sizes[c] > 0]
    if not sets or not cells:
        return False
    matrix = np.array([[1.0 if c in s else 0.0 for c in cells] for s in sets])
    rank = np.linalg.matrix_rank(matrix)
    for pick in product([0, 1], repeat=len(cells)):
        people = sum(sizes[c] for c, p in zip(cells, pick) if p)
        if 0 < people < min_size and np.linalg.matrix_rank(np.vstack([matrix, pick])) == rank:
            return True
    return False


cell_sizes = st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(cell_sizes, st.data(), st.integers(min_value=3, max_value=6))
def test_the_rule_agrees_with_brute_force(sizes, data, min_size):
    subsets = [list(s) for r in range(1, len(sizes) + 1) for s in combinations(range(len(sizes)), r)]
    sets = data.draw(st.lists(st.sampled_from(subsets), max_size=5))
    assert reveals_small_group(sizes, sets, min_size) == brute_force(sizes, sets, min_size)
