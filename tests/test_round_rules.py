"""The rules of a round's dates, on Round objects alone (no database needed)."""
from datetime import date

from models import Round, RoundState

DAY = date(2026, 12, 20)


def round_(opens_on: date, closes_on: date, closed_early: bool = False) -> Round:
    return Round(title="T1", instrument_version=1, opens_on=opens_on, closes_on=closes_on, closed_early=closed_early)


def test_new_dates_that_open_a_closed_round_count_as_reopening():
    past = round_(date(2026, 11, 1), date(2026, 12, 1))
    assert past.state(DAY) is RoundState.CLOSED
    past.closes_on = date(2026, 12, 31)
    assert past.reopened_since(RoundState.CLOSED, DAY)
    past.opens_on = date(2027, 1, 5)  # moved to the future: not yet open, still no longer closed
    past.closes_on = date(2027, 1, 31)
    assert past.reopened_since(RoundState.CLOSED, DAY)


def test_changes_that_leave_it_closed_or_that_start_from_open_are_no_reopening():
    closed = round_(date(2026, 11, 1), date(2026, 12, 1))
    closed.closes_on = date(2026, 12, 10)  # a later closing day, still in the past
    assert not closed.reopened_since(RoundState.CLOSED, DAY)
    open_ = round_(date(2026, 12, 1), date(2026, 12, 31))
    open_.closes_on = date(2027, 1, 10)
    assert not open_.reopened_since(RoundState.OPEN, DAY)
    assert not open_.reopened_since(RoundState.NOT_YET_OPEN, DAY)


def test_reopening_a_round_past_its_closing_day_gives_it_days_from_today():
    past = round_(date(2026, 11, 1), date(2026, 12, 1), closed_early=True)
    assert past.reopen(DAY, 14) is True
    assert (past.opens_on, past.closes_on, past.closed_early) == (date(2026, 11, 1), date(2027, 1, 3), False)
    assert past.state(DAY) is RoundState.OPEN


def test_reopening_a_round_closed_early_keeps_its_closing_day_and_opens_it_from_today():
    early = round_(date(2026, 12, 1), date(2026, 12, 31), closed_early=True)
    assert early.reopen(DAY, 14) is False
    assert (early.opens_on, early.closes_on, early.state(DAY)) == (date(2026, 12, 1), date(2026, 12, 31), RoundState.OPEN)
    later = round_(date(2027, 1, 5), date(2027, 1, 31))  # not yet open: opening it now moves its opening day
    assert later.reopen(DAY, 14) is False
    assert (later.opens_on, later.state(DAY)) == (DAY, RoundState.OPEN)
    last_day = round_(date(2026, 12, 1), DAY, closed_early=True)  # its closing day is today: still today
    assert last_day.reopen(DAY, 14) is False
    assert last_day.closes_on == DAY
