"""How numbers, periods and changes read on screen, in either language. Pure functions."""

from __future__ import annotations

import datetime as dt
import math

# China time, one conversion for the whole project (zoneinfo, not a hand-written +8).
from cockpit.freshness import china_time, utc_now  # noqa: F401 - re-exported for pages

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: object, decimals: int = 0) -> str:
    if missing(value):
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


def suppressed(k: object) -> str:
    """How a small count kept back for privacy reads: "<5"."""
    return f"<{int(k)}" if not missing(k) and k else "<5"


def with_unit(value: object, decimals: int, unit: str) -> str:
    text = number(value, decimals)
    if text == "—":
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def period(value: str | None, lang: str) -> str:
    # A layer with no values yet has no first month: pandas gives NaN, not None.
    if not isinstance(value, str) or not value:
        return "—"
    year, month = value.split("-")
    if lang == "en":
        return f"{_MONTHS_EN[int(month) - 1]} {year}"
    return f"{year}年{int(month)}月"


def timestamp(value: dt.datetime | None) -> str:
    """A time as shown everywhere: 2019-12-31 08:30."""
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M}"


def change(value: object, previous: object) -> float | None:
    """Relative change in percent; None when either side is missing or the base is 0."""
    if missing(value) or missing(previous) or float(previous) == 0:
        return None
    return (float(value) - float(previous)) / abs(float(previous)) * 100


def change_tone(delta: float | None, direction: str) -> str:
    """good / bad / flat, by whether the indicator wants to rise or fall."""
    if delta is None or abs(delta) < 0.05 or direction == "neutral":
        return "flat"
    rising = delta > 0
    return "good" if rising == (direction == "higher_better") else "bad"


def signed_percent(delta: float | None) -> str:
    if delta is None:
        return "—"
    arrow = "▲" if delta > 0.05 else ("▼" if delta < -0.05 else "■")
    return f"{arrow} {abs(delta):.1f}%"


_WEEKDAYS_ZH = "日一二三四五六"
_WEEKDAYS_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def cadence(cron: str, lang: str) -> str:
    """A source's cron cadence in words: daily, weekly, monthly or yearly at a time."""
    try:
        minute, hour, day, month, weekday = cron.split()
        at = f"{int(hour):02d}:{int(minute):02d}"
    except ValueError:
        return cron
    zh = lang != "en"
    if day == "*" and month == "*" and weekday == "*":
        return f"每天 {at}" if zh else f"daily at {at}"
    if day == "*" and month == "*" and weekday.isdigit():
        w = int(weekday) % 7
        return f"每周{_WEEKDAYS_ZH[w]} {at}" if zh else f"weekly on {_WEEKDAYS_EN[w]} at {at}"
    if day.isdigit() and month == "*" and weekday == "*":
        return f"每月{day}日 {at}" if zh else f"monthly on day {day} at {at}"
    if day.isdigit() and month.isdigit() and weekday == "*":
        if zh:
            return f"每年{month}月{day}日 {at}"
        return f"yearly on {day} {_MONTHS_EN[int(month) - 1]} at {at}"
    return cron


def months_back(period: str, count: int) -> list[str]:
    """The ``count`` months that end with ``period`` ('YYYY-MM'), oldest first."""
    year, month = (int(x) for x in period.split("-"))
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]
