"""Read-only queries for what a cockpit says about an area beyond its cards: alerts,
history (sparklines and trends), rankings, freshness of the sources behind a page, map
points and the wall's playlist. Same rules as ``dashboard.data``."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from cockpit.freshness import freshness_of
from dashboard.data import CHILD_LEVEL, VISIBLE, frame, guard, visible_codes, warehouse_version

# The area and everything under it (streets, communities, parks) that the caller may see.
_SUBTREE = (
    """
    WITH RECURSIVE tree_all(code) AS (
        SELECT code FROM ind.area WHERE code = $code
        UNION ALL
        SELECT a.code FROM ind.area a JOIN tree_all t ON a.parent_code = t.code
    ),
    tree AS (SELECT code FROM tree_all WHERE """
    + VISIBLE.format(code="code")
    + """)
"""
)

# How far a value misses its green boundary, relative to it: what "worst" means.
_MISS = """
    CASE WHEN b.green IS NULL OR v.value IS NULL THEN 0
         WHEN i.direction = 'higher_better' THEN (b.green - v.value) / greatest(abs(b.green), 1e-9)
         ELSE (v.value - b.green) / greatest(abs(b.green), 1e-9) END
"""


def periods() -> list[str]:
    """Every reporting month with published values, newest first."""
    return list(_periods(warehouse_version()))


@lru_cache(maxsize=4)
def _periods(version: str) -> tuple[str, ...]:
    # Every callback derives its period from the URL against this list: a scan of every
    # published value, the same for a whole data version, so it is read once per version.
    rows = frame("SELECT DISTINCT period FROM ind.indicator_value ORDER BY period DESC")
    return tuple(rows["period"])


def alerts(code: str, period: str, limit: int = 50) -> pd.DataFrame:
    """Red and amber indicators of ``code`` and every area under it in ``period``, worst
    first: red before amber, then by how far the value misses green. ``since`` is the first
    month of the unbroken run of red or amber that leads to ``period``."""
    return frame(
        _SUBTREE
        + f"""
        , hit AS (
            SELECT v.indicator_id, v.area_code, v.level, v.value, v.status, v.target,
                   {_MISS} AS miss
            FROM ind.indicator_value v
            JOIN tree t ON t.code = v.area_code
            JOIN ind.indicator i USING (indicator_id)
            LEFT JOIN (SELECT indicator_id, unnest(bounds, recursive := true)
                       FROM ind.indicator) b
              ON b.indicator_id = v.indicator_id AND b.level = v.level
            WHERE v.period = $period AND v.status IN ('red', 'amber')
        ),
        calm AS (
            SELECT h.indicator_id, h.area_code, max(v.period) AS last_calm
            FROM hit h JOIN ind.indicator_value v
              ON v.indicator_id = h.indicator_id AND v.area_code = h.area_code
            WHERE v.period < $period AND (v.status = 'green' OR v.status IS NULL)
            GROUP BY ALL
        ),
        since AS (
            SELECT h.indicator_id, h.area_code, min(v.period) AS since
            FROM hit h LEFT JOIN calm c USING (indicator_id, area_code)
            JOIN ind.indicator_value v
              ON v.indicator_id = h.indicator_id AND v.area_code = h.area_code
            WHERE v.period <= $period AND v.period > coalesce(c.last_calm, '')
            GROUP BY ALL
        )
        SELECT h.indicator_id, h.area_code, h.level, a.name_zh AS area_zh,
               a.name_en AS area_en, i.name_zh, i.name_en, i.unit AS unit_zh, i.unit_en,
               i.decimals, i.direction, h.value, h.status, h.target, h.miss, s.since,
               count(*) OVER () AS total,
               sum(CAST(h.status = 'red' AS INTEGER)) OVER () AS red_total
        FROM hit h
        JOIN ind.area a ON a.code = h.area_code
        JOIN ind.indicator i USING (indicator_id)
        LEFT JOIN since s USING (indicator_id, area_code)
        ORDER BY h.status = 'red' DESC, h.miss DESC, a.code, h.indicator_id
        LIMIT $limit
        """,
        {"code": code, "period": period, "limit": limit, "visible": visible_codes()},
    )


def alert_totals(alerts: pd.DataFrame) -> dict[str, int]:
    """How many red and amber values the subtree has, from an ``alerts`` answer with a
    limit of at least one (its totals count every alert, not only the rows returned)."""
    if alerts.empty:
        return {"red": 0, "amber": 0}
    total, red = int(alerts["total"].iloc[0]), int(alerts["red_total"].iloc[0])
    return {"red": red, "amber": total - red}


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
        "SELECT period, value, status, target, suppressed FROM ind.indicator_value "
        "WHERE area_code = ? AND indicator_id = ? ORDER BY period",
        [guard(code), indicator_id],
    )


def stale_sources(level: str, now_utc: dt.datetime) -> pd.DataFrame:
    """The sources behind the indicators of a ``level`` page that are older than their
    cadence allows, or never loaded (``cockpit.freshness``: the rule status and the
    catalog use)."""
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


POINT_LAYERS = ("hotline", "elevators", "parking", "kitchens")


def points(parent_code: str, layer: str, period: str, limit: int = 5000) -> pd.DataFrame:
    """One point layer under ``parent_code``, in ``period`` or, for a layer not reported
    that month, its latest month before it. Flagged points first, so a cap keeps them."""
    return frame(
        _SUBTREE
        + """
        , month AS (
            SELECT max(period) AS period FROM ind.map_point
            WHERE layer = $layer AND period <= $period
        )
        SELECT p.area_code, p.period, p.lon, p.lat, p.label, p.value, p.flag
        FROM ind.map_point p JOIN tree t ON t.code = p.area_code
        WHERE p.layer = $layer AND p.period = (SELECT period FROM month)
        ORDER BY p.flag DESC, p.area_code, p.label
        LIMIT $limit
        """,
        {
            "code": parent_code,
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


def alert_counts(parent_code: str, level: str, period: str) -> pd.DataFrame:
    """Red and amber values of each ``level`` child of ``parent_code``, counting the whole
    subtree of each child, worst first."""
    return frame(
        """
        WITH RECURSIVE kids AS (
            SELECT code AS root, code FROM ind.area
            WHERE parent_code = $parent AND level = $level AND """
        + VISIBLE.format(code="code")
        + """
            UNION ALL
            SELECT k.root, a.code FROM ind.area a JOIN kids k ON a.parent_code = k.code
        )
        SELECT a.code, a.name_zh, a.name_en,
               count(*) FILTER (WHERE v.status = 'red') AS red,
               count(*) FILTER (WHERE v.status = 'amber') AS amber
        FROM ind.area a
        JOIN kids k ON k.root = a.code
        LEFT JOIN ind.indicator_value v ON v.area_code = k.code AND v.period = $period
        GROUP BY ALL
        ORDER BY red DESC, amber DESC, a.code
        """,
        {"parent": parent_code, "level": level, "period": period, "visible": visible_codes()},
    )


def wall_playlist(top: dict, period: str, children: int, grandchildren: int) -> list[str]:
    """Exception-driven: the ``top`` area (the screen's scope), then its children with the
    most red, each followed by its own worst children; the wall then starts again."""
    order = [top["code"]]
    child = CHILD_LEVEL.get(top["level"])
    if child is None:
        return order
    ranked = alert_counts(top["code"], child, period)
    for row in ranked[ranked["red"] + ranked["amber"] > 0].head(children).itertuples():
        order.append(row.code)
        grandchild = CHILD_LEVEL.get(child)
        if grandchild:
            worst = alert_counts(row.code, grandchild, period)
            order += worst[worst["red"] + worst["amber"] > 0].head(grandchildren)["code"].tolist()
    return order
