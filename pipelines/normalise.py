"""Vectorised parsers for what departments actually send.

Each parser takes a Series of raw strings and returns ``(values, reasons)``: the parsed
values, and per row either ``None`` (fine) or a short reason why the cell is unusable.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

Parsed = tuple[pd.Series, pd.Series]

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MISSING = {"", "nan", "none", "null", "na", "n/a", "-", "—", "/"}


def clean_text(raw: pd.Series) -> pd.Series:
    """NFKC (full-width digits and letters to ASCII), trimmed, inner spaces removed."""
    text = raw.astype("string").fillna("")
    text = text.map(lambda v: unicodedata.normalize("NFKC", v), na_action="ignore")
    return text.str.replace(r"\s+", "", regex=True)


def is_missing(text: pd.Series) -> pd.Series:
    return text.str.lower().isin(_MISSING)


def _reasons(mask: pd.Series, message: str | pd.Series) -> pd.Series:
    out = pd.Series(None, index=mask.index, dtype="object")
    if isinstance(message, pd.Series):
        out[mask] = message[mask]
    else:
        out[mask] = message
    return out


def parse_code(raw: pd.Series) -> pd.Series:
    """Area codes as 12-digit strings, whatever Excel did to them (floats, 3.3E+11).

    Returns the normalised text; non-numeric text (a name) is passed through unchanged.
    """
    text = clean_text(raw)
    numeric = text.str.fullmatch(r"\d+(\.0+)?|\d(\.\d+)?[eE]\+?\d+")
    out = text.copy()
    if numeric.any():
        # Decimal-free exact conversion: 3.30103001051E+11 has all 12 digits.
        out[numeric] = text[numeric].map(lambda v: str(int(float(v))) if "e" in v.lower() else v)
        out[numeric] = out[numeric].str.replace(r"\.0+$", "", regex=True)
        street = numeric & out.str.fullmatch(r"\d{9}")
        out[street] = out[street] + "000"
    return out


def parse_count(raw: pd.Series) -> Parsed:
    """Non-negative whole numbers; thousands separators and a trailing .0 are fine."""
    text = clean_text(raw).str.replace(",", "", regex=False)
    missing = is_missing(text)
    number = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = ~missing & number.isna()
    negative = number < 0
    fractional = number.notna() & (number != np.floor(number.fillna(0)))
    reasons = _reasons(missing, "missing value")
    reasons = reasons.fillna(_reasons(bad, "not a number: " + text))
    reasons = reasons.fillna(_reasons(negative.fillna(False), "negative count: " + text))
    reasons = reasons.fillna(_reasons(fractional.fillna(False), "not a whole number: " + text))
    values = number.where(reasons.isna()).astype("Int64")
    return values, reasons


def parse_number(raw: pd.Series, minimum: float | None, maximum: float | None) -> Parsed:
    text = clean_text(raw).str.replace(",", "", regex=False)
    missing = is_missing(text)
    number = pd.to_numeric(text.where(~missing), errors="coerce")
    reasons = _reasons(missing, "missing value")
    reasons = reasons.fillna(_reasons(~missing & number.isna(), "not a number: " + text))
    if minimum is not None:
        reasons = reasons.fillna(_reasons((number < minimum).fillna(False), f"below {minimum}"))
    if maximum is not None:
        reasons = reasons.fillna(_reasons((number > maximum).fillna(False), f"above {maximum}"))
    return number.where(reasons.isna()).astype("Float64"), reasons


_DATE_PATTERNS = [
    # 2024-03-01, 2024/3/1, 2024.3.1 (optionally with a time after it)
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?:[T ]?\d{1,2}:\d{2}.*)?"),
    # 2024年3月1日, 2024年3月
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?"),
    # 20240301, 202403
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?"),
]


def parse_date(raw: pd.Series, today: dt.date | None = None) -> Parsed:
    """Dates in the forms departments use, Excel serial numbers included. Future dates fail."""
    today = today or dt.date.today()
    text = clean_text(raw)
    missing = is_missing(text)
    years = pd.Series(np.nan, index=text.index)
    months = years.copy()
    days = years.copy()
    for pattern in _DATE_PATTERNS:
        todo = years.isna() & ~missing
        if not todo.any():
            break
        found = text[todo].str.extract(pattern, expand=True)
        full = text[todo].str.fullmatch(pattern.pattern)
        found = found[full.fillna(False)]
        years.loc[found.index] = pd.to_numeric(found["y"])
        months.loc[found.index] = pd.to_numeric(found["m"])
        days.loc[found.index] = pd.to_numeric(found["d"]).fillna(1)
    serial = years.isna() & ~missing & text.str.fullmatch(r"\d{5}(\.\d+)?")
    if serial.any():
        stamps = pd.to_datetime(_EXCEL_EPOCH) + pd.to_timedelta(
            pd.to_numeric(text[serial]).astype(float).map(np.floor), unit="D"
        )
        years[serial], months[serial], days[serial] = (
            stamps.dt.year,
            stamps.dt.month,
            stamps.dt.day,
        )
    frame = pd.DataFrame({"year": years, "month": months, "day": days})
    dates = pd.to_datetime(frame.where(years.notna()), errors="coerce")
    unparsed = ~missing & dates.isna()
    future = dates.dt.date > today
    reasons = _reasons(missing, "missing date")
    reasons = reasons.fillna(_reasons(unparsed, "not a date: " + text))
    reasons = reasons.fillna(_reasons(future.fillna(False), "date in the future: " + text))
    return dates.where(reasons.isna()), reasons


def parse_month(raw: pd.Series, today: dt.date | None = None) -> Parsed:
    """A reporting month as ``YYYY-MM`` text, from any date form."""
    dates, reasons = parse_date(raw, today)
    months = dates.dt.strftime("%Y-%m").astype("string")
    return months.where(reasons.isna()), reasons
