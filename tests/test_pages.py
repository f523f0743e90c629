"""The pages of the questionnaire (surveys/pages.py), on their own: two dimensions a page in the
instrument's order, the last dimension page holding one when their number is odd, then the
profile page. The expected pages are written out by hand."""

import dataclasses

import pytest

from surveys.instrument import get_instrument
from surveys.pages import group_dimensions, page_of, pages


def keys(page) -> tuple[str, ...]:
    return tuple(dimension.key for dimension in page.dimensions)


@pytest.mark.parametrize("version", [1, 2])
def test_six_dimensions_make_three_pages_of_two_and_the_profile(version):
    result = pages(get_instrument(version))
    assert [keys(page) for page in result] == [
        ("urgency", "investment"),
        ("momentum", "youth"),
        ("levels", "daring"),
        (),
    ]
    assert [page.number for page in result] == [1, 2, 3, 4]
    assert [page.is_profile for page in result] == [False, False, False, True]


def test_an_odd_number_of_dimensions_leaves_one_on_the_last_dimension_page():
    six = get_instrument(1)
    five = dataclasses.replace(six, dimensions=six.dimensions[:5])
    assert [keys(page) for page in pages(five)] == [("urgency", "investment"), ("momentum", "youth"), ("levels",), ()]
    assert pages(five)[-1].is_profile and pages(five)[-1].number == 4
    one = dataclasses.replace(six, dimensions=six.dimensions[:1])
    assert [keys(page) for page in pages(one)] == [("urgency",), ()]
    seven = dataclasses.replace(six, dimensions=six.dimensions + six.dimensions[:1])
    assert [len(page.dimensions) for page in pages(seven)] == [2, 2, 2, 1, 0]


def test_grouping_keeps_the_order_and_every_dimension_once():
    assert group_dimensions(("a", "b", "c", "d", "e")) == (("a", "b"), ("c", "d"), ("e",))
    assert group_dimensions(("a", "b", "c", "d")) == (("a", "b"), ("c", "d"))
    assert group_dimensions(()) == ()


def test_pages_are_worked_out_once_per_instrument_and_anew_for_a_new_one():
    six = get_instrument(1)
    assert pages(six) is pages(six)
    five = dataclasses.replace(six, dimensions=six.dimensions[:5])
    assert len(pages(five)) == 4 and len(pages(six)) == 4 and keys(pages(six)[2]) == ("levels", "daring")


def test_the_page_of_a_dimension():
    instrument = get_instrument(1)
    assert page_of(instrument, "urgency").number == 1 and page_of(instrument, "investment").number == 1
    assert page_of(instrument, "youth").number == 2 and page_of(instrument, "daring").number == 3
