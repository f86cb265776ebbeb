"""Read-only queries for what needs attention (需关注) besides the list of problems
(``problems``): the red and amber counts, the areas the wall visits, the indicator a page
opens on and the street scorecard. Same rules as ``dashboard.reading.data``: every area
the caller may not see is left out."""

from __future__ import annotations

import pandas as pd

from cockpit.levels import child_level
from dashboard.reading.data import VISIBLE, guard, visible_codes
from dashboard.reading.insights import SUBTREE
from dashboard.reading.tree import walk_down
from dashboard.reading.warehouse import frame


def status_counts(code: str, period: str) -> dict[str, int]:
    """How many values of ``code`` and every area under it are red, amber or too few to
    judge in ``period``: the colours behind the short list of alerts."""
    counts = frame(
        SUBTREE
        + """
        SELECT count(*) FILTER (WHERE v.status = 'red') AS red,
               count(*) FILTER (WHERE v.status = 'amber') AS amber,
               count(*) FILTER (WHERE v.status = 'few') AS few
        FROM ind.indicator_value v JOIN tree t ON t.code = v.area_code
        WHERE v.period = $period
        """,
        {"code": code, "period": period, "visible": visible_codes()},
    )
    return {k: int(counts[k].iloc[0]) for k in ("red", "amber", "few")}


def alert_totals(counts: dict[str, int], alerts: pd.DataFrame) -> dict[str, int]:
    """A page's counts (``status_counts``) with how many alerts there are (from an
    ``alerts`` answer: its ``total`` counts them all, not only the rows returned)."""
    shown = int(alerts["total"].iloc[0]) if not alerts.empty else 0
    return {**counts, "alerts": shown}


def alert_counts(parent_code: str, level: str, period: str) -> pd.DataFrame:
    """Each ``level`` child of ``parent_code``, counting its whole subtree: red and amber
    values, alerts, and the alerts' summed priority; most urgent first."""
    return frame(
        "WITH RECURSIVE "
        + walk_down("parent_code = $parent AND level = $level AND " + VISIBLE.format(code="code"))
        + """,
        kids AS (SELECT root, code FROM walk),
        colours AS (
            SELECT k.root,
                   count(*) FILTER (WHERE v.status = 'red') AS red,
                   count(*) FILTER (WHERE v.status = 'amber') AS amber
            FROM kids k LEFT JOIN ind.indicator_value v
              ON v.area_code = k.code AND v.period = $period
            GROUP BY k.root
        ),
        urgent AS (
            SELECT k.root, count(al.priority) AS alerts, coalesce(sum(al.priority), 0) AS priority
            FROM kids k LEFT JOIN ind.alert al ON al.area_code = k.code AND al.period = $period
            GROUP BY k.root
        )
        SELECT a.code, a.name_zh, a.name_en, c.red, c.amber, u.alerts, u.priority
        FROM ind.area a
        JOIN colours c ON c.root = a.code
        JOIN urgent u ON u.root = a.code
        ORDER BY u.priority DESC, c.red DESC, c.amber DESC, a.code
        """,
        {"parent": parent_code, "level": level, "period": period, "visible": visible_codes()},
    )


def wall_playlist(top: dict, period: str, children: int, grandchildren: int) -> list[str]:
    """Exception-driven: the ``top`` area (the screen's scope), then its children whose
    alerts weigh most, each followed by its own most urgent children; then again."""
    order = [top["code"]]
    child = child_level(top["level"])
    if child is None:
        return order
    ranked = alert_counts(top["code"], child, period)
    for row in ranked[ranked["alerts"] > 0].head(children).itertuples():
        order.append(row.code)
        grandchild = child_level(child)
        if grandchild:
            worst = alert_counts(row.code, grandchild, period)
            order += worst[worst["alerts"] > 0].head(grandchildren)["code"].tolist()
    return order


def most_urgent(code: str, parent_code: str, level: str, period: str) -> str | None:
    """The indicator a page's map opens on: the one most wrong here. First by this area's
    own status (red before amber), then by how many areas on the map are red, then amber;
    only indicators with a value for the area and on the map, never one without data."""
    row = frame(
        """
        WITH own AS (
            SELECT indicator_id, status FROM ind.indicator_value
            WHERE area_code = $code AND period = $period AND value IS NOT NULL
        )
        SELECT v.indicator_id
        FROM ind.indicator_value v
        JOIN ind.area a ON a.code = v.area_code
        JOIN ind.indicator i USING (indicator_id)
        JOIN own USING (indicator_id)
        WHERE a.parent_code = $parent AND a.level = $level AND v.period = $period
          AND v.value IS NOT NULL AND """
        + VISIBLE.format(code="a.code")
        + """
        GROUP BY v.indicator_id, own.status, i.domain
        ORDER BY CASE own.status WHEN 'red' THEN 2 WHEN 'amber' THEN 1 ELSE 0 END DESC,
                 count(*) FILTER (WHERE v.status = 'red') DESC,
                 count(*) FILTER (WHERE v.status = 'amber') DESC,
                 count(*) FILTER (WHERE v.status IN ('green', 'amber', 'red')) DESC,
                 v.indicator_id
        LIMIT 1
        """,
        {
            "code": code,
            "parent": parent_code,
            "level": level,
            "period": period,
            "visible": visible_codes(),
        },  # fmt: skip
    )
    return None if row.empty else str(row["indicator_id"].iloc[0])


def scorecard(code: str, period: str) -> pd.DataFrame:
    """街道考核排名: ``code``'s streets ranked across the assessed indicators in ``period``.
    On each, a street scores 100 × (streets ranked below it) / (streets ranked − 1), so
    first is 100 and last 0; its score is the mean over those it has a value for. With
    each street's place last month (``prev_position``) and its red values among them."""
    return frame(
        """
        WITH scored AS (
            SELECT v.period, v.area_code,
                   avg(CASE WHEN v.rank_of > 1
                            THEN (v.rank_of - v.rank) * 100.0 / (v.rank_of - 1) END) AS score,
                   count(v.rank) AS counted,
                   count(*) FILTER (WHERE v.status = 'red') AS red
            FROM ind.indicator_value v JOIN ind.indicator i USING (indicator_id)
            WHERE i.assessed AND v.level = 'street' AND v.parent_code = $code
              AND v.rank IS NOT NULL
              AND v.period IN ($period, strftime(strptime($period, '%Y-%m')
                                                 - INTERVAL 1 MONTH, '%Y-%m'))
            GROUP BY v.period, v.area_code
        ),
        placed AS (
            SELECT *, rank() OVER (PARTITION BY period ORDER BY score DESC) AS position
            FROM scored WHERE score IS NOT NULL
        )
        SELECT a.code, a.name_zh, a.name_en, now.score, now.position, now.counted, now.red,
               before.position AS prev_position
        FROM placed now
        JOIN ind.area a ON a.code = now.area_code
        LEFT JOIN placed before ON before.area_code = now.area_code AND before.period <> now.period
        WHERE now.period = $period AND """
        + VISIBLE.format(code="a.code")
        + """
        ORDER BY now.position, a.code
        """,
        {"code": guard(code), "period": period, "visible": visible_codes()},
    )
