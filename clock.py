"""Today's date where the partnerships are: Europe/Amsterdam, whatever zone the server runs in.
A round "open tot en met 20 december" takes answers until midnight Dutch time, also on a
UTC server (where date.today() would close it at 01:00, or 02:00 in summer). Every date
rule asks today() from here; moments in time (timestamps) stay in UTC."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Amsterdam")  # the tzdata package supplies it where the OS has no zoneinfo


def today() -> date:
    return datetime.now(ZONE).date()
