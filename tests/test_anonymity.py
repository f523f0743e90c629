"""The anonymity rule, on its own and as properties over random groups."""
from hypothesis import given
from hypothesis import strategies as st

from dashboard.anonymity import large_enough, shown_groups


def test_worked_examples():
    assert shown_groups({"werkvloer": 6, "bestuur": 5, "beleid": 2}, 13, 5) == {"werkvloer"}
    assert shown_groups({"werkvloer": 6, "bestuur": 6}, 12, 5) == {"werkvloer", "bestuur"}
    assert shown_groups({"a": 5, "b": 5, "c": 5}, 15, 5) == {"a", "b", "c"}
    assert shown_groups({"a": 20, "b": 1, "c": 5, "d": 1}, 27, 5) == {"a"}  # b+d=2: hide c too
    assert shown_groups({"a": 9, "b": 9}, 18, 10) == set()
    assert shown_groups({"a": 4}, 4, 5) == set()
    assert large_enough(5, 5) and not large_enough(4, 5)


partitions = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=1, max_value=40), min_size=1)


@given(partitions, st.integers(min_value=3, max_value=10))
def test_no_shown_group_is_small_and_the_hidden_remainder_cannot_be_subtracted_out(counts, min_size):
    total = sum(counts.values())
    shown = shown_groups(counts, total, min_size)
    assert all(counts[key] >= min_size for key in shown)
    remainder = total - sum(counts[key] for key in shown)
    if shown:
        assert remainder == 0 or remainder >= min_size
        assert large_enough(total, min_size)


@given(partitions, st.integers(min_value=3, max_value=10))
def test_only_what_must_be_hidden_is_hidden(counts, min_size):
    """Hiding goes no further than needed: showing one more hidden group that is large
    enough would leave a small remainder."""
    total = sum(counts.values())
    shown = shown_groups(counts, total, min_size)
    if not large_enough(total, min_size):
        return
    for key in set(counts) - shown:
        if counts[key] >= min_size:
            more = total - sum(counts[k] for k in shown | {key})
            assert 0 < more < min_size
