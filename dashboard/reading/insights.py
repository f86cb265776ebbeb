"""Read-only queries for what a cockpit says about an area beyond its cards: the months
published, history (sparklines and trends), freshness of the sources behind a page, map
points and a park's sections. What needs attention is ``dashboard.reading.attention``. Same
rules as ``dashboard.reading.data``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from cockpit.freshness import CHINA, china_time, freshness_of
from dashboard.reading.data import VISIBLE, guard, visible_codes
from dashboard.reading.tree import walk_down
from dashboard.reading.warehouse import first_row, frame, warehouse_version

# The area and everything under it (streets, communities, parks) that the caller may see.
SUBTREE = (
    "WITH RECURSIVE "
    + walk_down("code = $code")
    + ", tree AS (SELECT code FROM walk WHERE "
    + VISIBLE.format(code="code")
    + ")\n"
)


@dataclass(frozen=True)
class Period:
    """The month a view shows, and the latest published."""

    period: str
    latest: str

    @property
    def shown(self) -> str | None:
        """The period as the URL names it: none for the latest month."""
        return None if self.period == self.latest else self.period


def which_period(asked: object) -> Period | None:
    """The one rule for "which period": the month the URL asks for when it is published,
    else the latest. None when nothing is published yet."""
    known = periods()
    if not known:
        return None
    return Period(asked if asked in known else known[0], known[0])


def periods() -> list[str]:
    """Every reporting month with published values, newest first."""
    return list(_periods(warehouse_version()))


@lru_cache(maxsize=4)
def _periods(version: str) -> tuple[str, ...]:
    # Every callback derives its period from the URL against this list: a scan of every
    # published value, the same for a whole data version, so it is read once per version.
    rows = frame("SELECT DISTINCT period FROM ind.indicator_value ORDER BY period DESC")
    return tuple(rows["period"])


def history(code: str, period: str, months: int = 12) -> pd.DataFrame:
    """Every indicator's value for ``code`` in the ``months`` months up to ``period``."""
    return frame(
        """
        SELECT indicator_id, period, value, status FROM ind.indicator_value
        WHERE area_code = $code AND period <= $period
          AND period > strftime(strptime($period, '%Y-%m') - to_months($months), '%Y-%m')
        ORDER BY indicator_id, period
        """,
        {"code": guard(code), "period": period, "months": months},
    )


def trend(code: str, indicator_id: str) -> pd.DataFrame:
    """One indicator of one area over every published month."""
    return frame(
        "SELECT period, value, status, target, suppressed, suppressed_kind "
        "FROM ind.indicator_value "
        "WHERE area_code = ? AND indicator_id = ? ORDER BY period",
        [guard(code), indicator_id],
    )


def forecast(code: str, indicator_id: str) -> pd.DataFrame:
    """The months ahead of one indicator of one area (``ind.forecast``): the forecast,
    its 80% and 95% intervals, the model, and the chance of red."""
    return frame(
        "SELECT period, value, lo80, hi80, lo95, hi95, method, p_red FROM ind.forecast "
        "WHERE area_code = ? AND indicator_id = ? ORDER BY period",
        [guard(code), indicator_id],
    )


def forecasts(code: str) -> pd.DataFrame:
    """Every indicator's forecast of one area, for its brief and the wall."""
    return frame(
        "SELECT indicator_id, period, value, lo80, hi80 FROM ind.forecast "
        "WHERE area_code = ? ORDER BY indicator_id, period",
        [guard(code)],
    )


def stale_sources(level: str, now_utc: dt.datetime) -> pd.DataFrame:
    """The sources behind the indicators of a ``level`` page that are older than their
    cadence allows, or never loaded (``cockpit.freshness``: the rule status and the
    catalog use)."""
    return _stale_sources(warehouse_version(), level, china_time(now_utc).date()).copy()


@lru_cache(maxsize=16)
def _stale_sources(version: str, level: str, china_day: dt.date) -> pd.DataFrame:
    # Every page's header asks, and the answer is the same for a whole data version and
    # China calendar day (the freshness rule counts those days): read and judged once per
    # (version, level, day) in each process, it took 3.7 ms of a cached page's 9 before.
    noon = dt.datetime.combine(china_day, dt.time(12), tzinfo=CHINA)
    now_utc = noon.astimezone(dt.UTC).replace(tzinfo=None)
    rows = frame(
        """
        WITH behind AS (
            SELECT DISTINCT replace(unnest(sources), 'stg.', '') AS table_name
            FROM ind.indicator WHERE list_contains(levels, $level)
        )
        SELECT s.source, s.title_zh, s.title_en, s.last_success, s.max_age_days
        FROM meta.source s JOIN behind b ON s.table_name = 'stg.' || b.table_name
        ORDER BY s.source
        """,
        {"level": level},
    )
    states = freshness_of(rows["last_success"], rows["max_age_days"], now_utc)
    return rows[[state != "fresh" for state in states]].reset_index(drop=True)


def points(
    parent_code: str, level: str, layer: str, period: str, limit: int = 5000
) -> pd.DataFrame:
    """One point layer on the map of ``parent_code``'s ``level`` areas, in ``period`` or,
    for a layer not reported that month, its latest month before it. ``shown_in`` is the
    map area each point belongs under (its area or an ancestor of it), whose polygon it
    must fall in to be drawn. Flagged points first, so a cap keeps them."""
    return frame(
        """
        WITH RECURSIVE """
        + walk_down("parent_code = $code AND level = $level")
        + """,
        under AS (SELECT code, root AS shown_in FROM walk),
        month AS (
            SELECT max(period) AS period FROM ind.map_point
            WHERE layer = $layer AND period <= $period
        )
        SELECT p.area_code, u.shown_in, p.period, p.lon, p.lat, p.label, p.value, p.flag,
               coalesce(p.withheld, false) AS withheld
        FROM ind.map_point p JOIN under u ON u.code = p.area_code
        WHERE p.layer = $layer AND p.period = (SELECT period FROM month)
          AND """
        + VISIBLE.format(code="p.area_code")
        + """
        ORDER BY p.flag DESC NULLS LAST, p.area_code, p.label
        LIMIT $limit
        """,
        {
            "code": parent_code,
            "level": level,
            "layer": layer,
            "period": period,
            "limit": limit,
            "visible": visible_codes(),
        },  # fmt: skip
    )


def park_sections(code: str, period: str, months: int = 12) -> pd.DataFrame:
    """A park's footfall by section for the ``months`` months up to ``period``."""
    return frame(
        """
        SELECT period, section, visitors, peak_day_visitors, days FROM ind.park_section
        WHERE area_code = $code AND period <= $period
          AND period > strftime(strptime($period, '%Y-%m') - to_months($months), '%Y-%m')
        ORDER BY period, section
        """,
        {"code": guard(code), "period": period, "months": months},
    )


def value_range(parent_code: str, level: str, indicator_id: str) -> tuple[float, float] | None:
    """The lowest and highest value of ``indicator_id`` among ``parent_code``'s ``level``
    children in any month: a map's colour range that stays put as the months change."""
    row = first_row(
        "SELECT min(v.value) AS lo, max(v.value) AS hi FROM ind.indicator_value v "
        "JOIN ind.area a ON a.code = v.area_code "
        "WHERE v.indicator_id = $indicator AND a.parent_code = $parent AND a.level = $level "
        "AND " + VISIBLE.format(code="a.code"),
        {
            "indicator": indicator_id,
            "parent": parent_code,
            "level": level,
            "visible": visible_codes(),
        },  # fmt: skip
    )
    if row is None or row["lo"] is None:
        return None
    return float(row["lo"]), float(row["hi"])
