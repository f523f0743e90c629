"""The rules of a round's dates, on Round objects alone (no database needed)."""

from datetime import date

from freezegun import freeze_time

import clock
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
    assert (early.opens_on, early.closes_on, early.state(DAY)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        RoundState.OPEN,
    )
    later = round_(date(2027, 1, 5), date(2027, 1, 31))  # not yet open: opening it now moves its opening day
    assert later.reopen(DAY, 14) is False
    assert (later.opens_on, later.state(DAY)) == (DAY, RoundState.OPEN)
    last_day = round_(date(2026, 12, 1), DAY, closed_early=True)  # its closing day is today: still today
    assert last_day.reopen(DAY, 14) is False
    assert last_day.closes_on == DAY


# --- dates are Dutch dates, whatever the server's zone ----------------------------------------

CLOSES_20_DECEMBER = dict(opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 20))


@freeze_time("2026-12-20 22:30:00")  # 23:30 in Amsterdam (CET, UTC+1): still the 20th
def test_a_round_open_until_the_20th_is_open_until_midnight_dutch_time():
    assert clock.today() == date(2026, 12, 20)
    assert round_(**CLOSES_20_DECEMBER).state() is RoundState.OPEN
    assert round_(**CLOSES_20_DECEMBER).days_left() == 1


@freeze_time("2026-12-20 23:30:00")  # 00:30 on the 21st in Amsterdam, still the 20th in UTC
def test_after_midnight_dutch_time_it_is_closed_though_the_server_says_the_20th():
    assert clock.today() == date(2026, 12, 21)
    assert round_(**CLOSES_20_DECEMBER).state() is RoundState.CLOSED
    assert round_(**CLOSES_20_DECEMBER).days_left() is None
    assert round_(date(2026, 12, 21), date(2026, 12, 31)).state() is RoundState.OPEN  # opens on the 21st: open now


@freeze_time("2026-06-20 22:30:00")  # 00:30 on the 21st in summer (CEST, UTC+2)
def test_summer_time_is_dutch_time_too():
    assert clock.today() == date(2026, 6, 21)
