"""How numbers, periods and changes read on screen, in either language. Pure functions."""

from __future__ import annotations

import datetime as dt
import math

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: object, decimals: int = 0) -> str:
    if missing(value):
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


def with_unit(value: object, decimals: int, unit: str) -> str:
    text = number(value, decimals)
    if text == "—":
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def period(value: str | None, lang: str) -> str:
    if not value:
        return "—"
    year, month = value.split("-")
    if lang == "en":
        return f"{_MONTHS_EN[int(month) - 1]} {year}"
    return f"{year}年{int(month)}月"


def timestamp(value: dt.datetime | None) -> str:
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
