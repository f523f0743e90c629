"""Which opening and closing days a round may have: one rule for the management form and for
`flask round create`.

The window catches typing errors (year 1, 0202, 2207, 9999) without getting in anyone's way:

- no day before 2000-01-01: no round of this monitor is older, and rounds from the past must
  stay editable, so the limit cannot be "today";
- opening at most 5 years from today: a programme plans its rounds (T0, T1, ...) a few years
  ahead at most;
- closing on or after the opening day and at most 366 days after it: a round is a survey window
  of weeks (new rounds get 28 days, reopening adds 14); a year leaves room for a slow one.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

import clock

EARLIEST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 5
LONGEST_ROUND = timedelta(days=366)


def latest_opening_day(today: date) -> date:
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def opening_day_problem(opens_on: date, today: date | None = None):
    """What is wrong with an opening day (a lazy, translated message), or None."""
    today = today or clock.today()
    if opens_on < EARLIEST_DAY:
        return _l("Kies een openingsdatum vanaf %(day)s.", day=EARLIEST_DAY.isoformat())
    if opens_on > latest_opening_day(today):
        return _l(
            "Kies een openingsdatum binnen %(years)d jaar vanaf vandaag (uiterlijk %(day)s).",
            years=YEARS_AHEAD,
            day=latest_opening_day(today).isoformat(),
        )
    return None


def closing_day_problem(opens_on: date, closes_on: date):
    """What is wrong with a closing day given the opening day, or None."""
    if closes_on < opens_on:
        return _l("De sluitingsdatum ligt vóór de openingsdatum.")
    if closes_on - opens_on > LONGEST_ROUND:
        return _l(
            "Een meting duurt hoogstens een jaar: kies een sluitingsdatum uiterlijk %(day)s.",
            day=(opens_on + LONGEST_ROUND).isoformat(),
        )
    return None


def round_dates_problem(opens_on: date, closes_on: date, today: date | None = None):
    # `is None`, not `or`: the truth of a lazy text would translate it here and now.
    problem = opening_day_problem(opens_on, today)
    return problem if problem is not None else closing_day_problem(opens_on, closes_on)
