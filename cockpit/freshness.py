"""One freshness rule, for `cockpit status`, the catalog, the freshness badge and the
department cockpits alike.

A source's age is counted in calendar days in China time (Asia/Shanghai): a load at 23:30
on 1 January is one day old at 00:30 on 2 January, however few hours have passed, because
that is how a department's "we send it daily" is read. A source is stale once its age is
more than its ``max_age_days``; never loaded, it is "never". The warehouse keeps naive UTC.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def _missing(value: object) -> bool:
    # None, NaN, and pandas' NaT (a float NaN and NaT both compare unequal to themselves).
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


def china_time(utc: dt.datetime) -> dt.datetime:
    """A naive UTC time from the warehouse as naive China time."""
    return utc.replace(tzinfo=dt.UTC).astimezone(CHINA).replace(tzinfo=None)


def utc_now() -> dt.datetime:
    """Now, as the warehouse stores times: naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def age_days(last_success_utc: dt.datetime, now_utc: dt.datetime) -> int:
    """Calendar days between the two instants' dates in China time."""
    return (china_time(now_utc).date() - china_time(last_success_utc).date()).days


def freshness(last_success_utc: object, max_age_days: object, now_utc: dt.datetime) -> str:
    """ "fresh", "stale" or "never" for a source last loaded at ``last_success_utc``."""
    if _missing(last_success_utc):
        return "never"
    last = getattr(last_success_utc, "to_pydatetime", lambda: last_success_utc)()
    return "stale" if age_days(last, now_utc) > int(max_age_days) else "fresh"


def freshness_of(lasts, max_ages, now_utc: dt.datetime) -> list[str]:
    """``freshness`` of each (last success, max age) pair, e.g. two columns of a table."""
    return [freshness(last, age, now_utc) for last, age in zip(lasts, max_ages, strict=True)]


def months_behind(period: str, now_utc: dt.datetime, lag_months: int = 1) -> int:
    """How many months the latest period (``YYYY-MM``) is behind the one a monthly source
    should have reached by now (China time): last month, when ``lag_months`` is 1. Zero
    or less means current."""
    today = china_time(now_utc).date()
    year, month = (int(x) for x in period.split("-"))
    return (today.year * 12 + today.month - 1) - (year * 12 + month - 1) - lag_months
