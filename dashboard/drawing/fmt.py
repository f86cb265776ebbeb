"""How numbers, periods and changes read on screen, in either language. Pure functions."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

# China time, one conversion for the whole project (zoneinfo, not a hand-written +8).
from cockpit.freshness import china_time, utc_now  # noqa: F401 - re-exported for pages
from dashboard.i18n import t

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: object, decimals: int = 0) -> str:
    if missing(value):
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


def suppressed(k: object, kind: object = None, lang: str = "zh") -> str:
    """How a value kept back for privacy reads: "<5" for a small count (``kind`` 'small'),
    "已隐藏" (hidden) for one hidden so that no small count can be worked out, which may
    be of any size."""
    if kind == "complementary":
        return t("value.hidden", lang)
    return f"<{int(k)}" if not missing(k) and k else "<5"


def _scaled(scaled: float) -> str:
    """Four significant digits, at most two decimals, no trailing zeros: 42.36, 166.3,
    1663, 20."""
    digits = int(math.floor(math.log10(abs(scaled)))) if scaled else 0
    text = f"{scaled:,.{min(2, max(0, 3 - digits))}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def large(value: object, decimals: int, unit: str, lang: str) -> tuple[str, str]:
    """A value and its unit as Chinese readers count: in 万 from ten thousand, in 亿 from
    a hundred million (423,600 人 → 42.36万人; a unit already in 万, like 万元, moves to
    亿 instead). English keeps digits, with "million" from a million. Rates ("%") and
    small values are left as they are."""
    if missing(value):
        return "—", ""
    v = float(value)
    if unit == "%" or abs(v) < 1e4:
        return number(v, decimals), unit
    if lang == "en":
        if abs(v) < 1e6:
            return number(v, decimals), unit
        return f"{_scaled(v / 1e6)} million", unit
    if unit.startswith("万"):
        return _scaled(v / 1e4), "亿" + unit[1:]
    scale, word = (1e8, "亿") if abs(v) >= 1e8 else (1e4, "万")
    return _scaled(v / scale), word + unit


def with_unit(value: object, decimals: int, unit: str, lang: str = "zh") -> str:
    text, unit = large(value, decimals, unit, lang)
    if text == "—":
        return text
    if not unit:
        return text
    tight = unit == "%" or unit.startswith(("万", "亿")) or lang != "en"
    return f"{text}{unit}" if tight else f"{text} {unit}"


def axis(values: list, unit: str, lang: str, from_zero: bool = True, ticks: int = 5) -> dict:
    """A value axis in the same units as the numbers beside it: ticks at round values,
    labelled 20万 / 1.5亿 / 0.4% rather than plotly's 200k / 150M."""
    known = [float(v) for v in values if not missing(v)] or [0.0]
    top, bottom = max(known), min(known)
    if from_zero:
        top, bottom = max(top, 0.0), min(bottom, 0.0)
    raw = ((top - bottom) or abs(top) or 1.0) / max(ticks - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    decimals = 0
    while decimals < 6 and abs(round(step * 10**decimals) - step * 10**decimals) > 1e-9:
        decimals += 1
    first = math.floor(bottom / step + 1e-9) * step
    count = math.ceil((top - first) / step - 1e-9) + 1
    vals = [round(first + i * step, decimals) for i in range(max(count, 2))]
    labels = []
    for v in vals:
        text, word = large(v, decimals, "%" if is_rate(unit) else "", lang)
        labels.append(text + word)
    return {"tickmode": "array", "tickvals": vals, "ticktext": labels}


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


def is_rate(unit: str) -> bool:
    """Rates and shares change in percentage points, not in percent of themselves."""
    return unit == "%"


def change(value: object, previous: object, unit: str = "") -> float | None:
    """The change from ``previous``: in percentage points for a rate (``unit`` "%"),
    otherwise relative, in percent. None when either side is missing or the base is 0."""
    if missing(value) or missing(previous):
        return None
    if is_rate(unit):
        return float(value) - float(previous)
    if float(previous) == 0:
        return None
    return (float(value) - float(previous)) / abs(float(previous)) * 100


def change_tone(delta: float | None, direction: str) -> str:
    """good / bad / flat, by whether the indicator wants to rise or fall."""
    if delta is None or abs(delta) < 0.05 or direction == "neutral":
        return "flat"
    rising = delta > 0
    return "good" if rising == (direction == "higher_better") else "bad"


def signed_change(delta: float | None, unit: str = "", lang: str = "zh") -> str:
    """▲ 3.0% for a relative change; ▲ 1.2个百分点 (▲ 1.2 pp) for a rate's."""
    if delta is None:
        return "—"
    arrow = "▲" if delta > 0.05 else ("▼" if delta < -0.05 else "■")
    if is_rate(unit):
        return f"{arrow} {abs(delta):.1f}" + ("个百分点" if lang == "zh" else " pp")
    return f"{arrow} {abs(delta):.1f}%"


def count_change(now: int, before: int | None) -> str:
    """A count's change on last month, as a wall reads it: ↑3, ↓7, or ±0."""
    if before is None:
        return ""
    diff = int(now) - int(before)
    return f"↑{diff}" if diff > 0 else (f"↓{-diff}" if diff < 0 else "±0")


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


def shift_month(period: str, months: int) -> str:
    """``period`` ('YYYY-MM') moved by ``months`` (negative: back)."""
    year, month = (int(x) for x in period.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def place_change(position: object, before: object) -> tuple[str, str]:
    """(text, tone) of a change of place in a ranking since last month: a rise from 5th
    to 3rd reads ↑2 and is good."""
    if missing(before) or missing(position):
        return "", "flat"
    rise = int(before) - int(position)
    return count_change(rise, 0), "good" if rise > 0 else ("bad" if rise < 0 else "flat")


_CODE = re.compile(r"\d{9,}")
# What a spreadsheet reads as the start of a formula (and a tab or carriage return that
# hides one): a cell of text beginning with one is written behind a ' (OWASP's advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _excel_cell(value: object) -> object:
    if not isinstance(value, str):
        return value  # numbers stay numbers
    if value.startswith(_FORMULA_START):
        return "'" + value
    if _CODE.fullmatch(value):
        # Long digit strings (area codes) behind a tab: Excel then reads them as text and
        # keeps every digit; any CSV reader still finds the code, trimmed.
        return "\t" + value
    return value


def _excel_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell as a spreadsheet should take it: never as a formula, area codes
    whole; the header too."""
    out = frame.copy()
    out.columns = [_excel_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = pd.Series(
                [_excel_cell(v) for v in out[column]], index=out.index, dtype=object
            )
    return out


def excel_csv(frame: pd.DataFrame) -> str:
    """A table as the CSV every export writes: UTF-8 with a byte-order mark (so that Excel
    opens Chinese text right), area codes kept as text, no cell a formula; lines end in
    CRLF (RFC 4180), so that a carriage return inside a cell is quoted, not a new row."""
    return "\ufeff" + _excel_text(frame).to_csv(index=False, lineterminator="\r\n")
