"""What departments really send: codes Excel mangled, dates in every form, bad counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines import normalise


def test_codes_survive_excel():
    raw = pd.Series(
        [
            "3.30103001051E+11",
            "330103001051.0",
            "３３０１０３００１０５１",
            " 330103 001051 ",
            "330103002",
        ]
    )
    assert normalise.parse_code(raw).tolist() == ["330103001051"] * 4 + ["330103002000"]


def test_dates_in_every_form_departments_use():
    raw = pd.Series(
        [
            "2024年3月1日",
            "2024/3/1",
            "20240301",
            "45352",
            "2024-03-01 00:00:00",
            "2024年3月",
            "202403",
        ]
    )
    months, reasons = normalise.parse_month(raw, today=dt.date(2025, 1, 1))
    assert reasons.isna().all(), reasons.tolist()
    assert months.tolist() == ["2024-03"] * 7


def test_future_and_nonsense_dates_are_rejected_with_a_reason():
    _, reasons = normalise.parse_date(
        pd.Series(["2030-01-01", "下个月", ""]), today=dt.date(2025, 1, 1)
    )
    assert reasons.tolist() == [
        "date in the future: 2030-01-01",
        "not a date: 下个月",
        "missing date",
    ]


def test_counts():
    values, reasons = normalise.parse_count(
        pd.Series(["1,234", "12.0", "-3", "abc", "1.5", "４２"])
    )
    assert values.tolist()[:2] == [1234, 12] and values.tolist()[5] == 42
    assert reasons.tolist()[2:5] == [
        "negative count: -3",
        "not a number: abc",
        "not a whole number: 1.5",
    ]
