"""Usage from the audit log: views per week by level and page, silent streets and
departments, indicators nobody looked at."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.reading import usage

MONDAY = dt.datetime(2026, 11, 23, 9)


def events(*rows) -> pd.DataFrame:
    cols = ["at", "kind", "actor", "scope", "area", "path", "detail"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols)


LOG = events(
    (MONDAY, "page_view", "a", "330103000000", None, "/", {}),
    (MONDAY, "page_view", "b", "330103001051", "330103001051", "/community/330103001051",
     {"indicator": "hotline_tickets"}),
    (MONDAY + dt.timedelta(days=2), "page_view", "c", "330103000000", None, "/dept/health",
     {"department": "health"}),
    (MONDAY - dt.timedelta(days=7), "page_view", "d", "330103002000", "330103002000",
     "/street/330103002000", {}),
    (MONDAY, "indicator_view", "a", "330103000000", "330103000000", "/", {"indicator": "gov_cases"}),
)  # fmt: skip
LEVELS = {"330103000000": "district", "330103001051": "community", "330103002000": "street"}
PARENTS = {"330103000000": None, "330103001000": "330103000000", "330103002000": "330103000000",
           "330103001051": "330103001000"}  # fmt: skip


def test_views_are_counted_per_week_level_and_page():
    table = usage.views_by_week(LOG, LEVELS)
    week = table[table["week"] == "2026-11-23"].set_index(["level", "page"])["views"].to_dict()
    assert week == {("district", "district"): 1, ("community", "community"): 1,
                    ("—", "dept"): 1}  # fmt: skip
    assert table[table["week"] == "2026-11-16"]["views"].sum() == 1


def test_streets_whose_people_opened_nothing_this_week_are_named():
    streets = pd.DataFrame({"code": ["330103001000", "330103002000"], "name_zh": ["长庆", "武林"]})
    silent = usage.silent_streets(LOG, streets, PARENTS, "2026-11-23")
    # 长庆's community official looked this week; 武林's street official only last week.
    assert silent["code"].tolist() == ["330103002000"]


def test_departments_whose_cockpit_nobody_opened_are_named():
    owners = pd.DataFrame({"department": ["health", "hotline"]})
    assert usage.silent_departments(LOG, owners, "2026-11-23")["department"].tolist() == ["hotline"]


def test_indicators_nobody_looked_at_in_30_days():
    indicators = pd.DataFrame({"indicator_id": ["hotline_tickets", "gov_cases", "pm25_latest"]})
    unseen = usage.unseen_indicators(LOG, indicators, now=MONDAY + dt.timedelta(days=3))
    assert unseen["indicator_id"].tolist() == ["pm25_latest"]
    later = usage.unseen_indicators(LOG, indicators, now=MONDAY + dt.timedelta(days=40))
    assert later["indicator_id"].tolist() == ["hotline_tickets", "gov_cases", "pm25_latest"]
