"""Read-only queries for what needs attention (需关注): alerts and their filters, the
red and amber counts, the areas the wall visits, the indicator a page opens on and the
street scorecard. Same rules as ``dashboard.reading.data``: every area the caller may not see is
left out."""

from __future__ import annotations

import pandas as pd

from cockpit.levels import child_level
from dashboard.reading.data import DOMAIN_ORDER, VISIBLE, guard, visible_codes
from dashboard.reading.insights import SUBTREE
from dashboard.reading.tree import walk_down
from dashboard.reading.warehouse import frame

ALERT_FILTERS = ("street", "domain", "department")


def alerts(
    code: str,
    period: str,
    limit: int = 50,
    filters: dict[str, str | None] | None = None,
    grouped: bool = True,
) -> pd.DataFrame:
    """What needs attention (需关注) in ``code`` and every area under it in ``period``:
    the alerts of ``ind.alert``, each with whose it is (its parent area, its street and
    the indicator's responsible department), last month's value, its reasons in both
    languages and ``since``, the first month of its run of red. ``filters`` keeps those of
    one street, domain or department.

    One problem, one row: alerts of one indicator in an area and in the areas under it
    (as far as alerted parents reach, within what the caller sees) are one problem, led by
    its top area (``group_root``), ranked by its worst member (``group_priority``), with
    the others in ``members`` (highest priority first). ``grouped=False`` gives every
    alert its own row with its problem's ``group_root`` (the CSV). ``total`` counts the
    problems (or, ungrouped, the alerts) that pass the filters, not only those returned."""
    chosen = {key: (filters or {}).get(key) for key in ALERT_FILTERS}
    rows = "al.area_code = al.group_root" if grouped else "true"
    return frame(
        SUBTREE
        + """
        , departments AS (
            SELECT department, any_value(department_zh ORDER BY source) AS department_zh,
                   any_value(department_en ORDER BY source) AS department_en
            FROM meta.source GROUP BY department
        ),
        listed AS (
            SELECT al.*, a.name_zh AS area_zh, a.name_en AS area_en, a.parent_code AS up,
                   p.name_zh AS parent_zh, p.name_en AS parent_en,
                   CASE a.level WHEN 'street' THEN a.code WHEN 'district' THEN NULL
                        ELSE p.code END AS street_code,
                   CASE a.level WHEN 'street' THEN a.name_zh WHEN 'district' THEN NULL
                        ELSE p.name_zh END AS street_zh,
                   CASE a.level WHEN 'street' THEN a.name_en WHEN 'district' THEN NULL
                        ELSE p.name_en END AS street_en
            FROM ind.alert al
            JOIN tree t ON t.code = al.area_code
            JOIN ind.area a ON a.code = al.area_code
            LEFT JOIN ind.area p ON p.code = a.parent_code
            WHERE al.period = $period
        ),
        chosen AS (
            SELECT al.*, i.name_zh, i.name_en, i.unit AS unit_zh, i.unit_en, i.decimals,
                   i.direction, i.domain, i.department,
                   coalesce(d.department_zh, i.department) AS department_zh,
                   coalesce(d.department_en, i.department) AS department_en,
                   v.target, v.prev_value
            FROM listed al
            JOIN ind.indicator i USING (indicator_id)
            LEFT JOIN departments d ON d.department = i.department
            JOIN ind.indicator_value v USING (indicator_id, area_code, period)
            WHERE ($street IS NULL OR al.street_code = $street)
              AND ($domain IS NULL OR i.domain = $domain)
              AND ($department IS NULL OR i.department = $department)
        ),
        climb AS (
            -- Each alert up through the alerted parents of the same indicator.
            SELECT indicator_id, area_code, area_code AS root, up, 0 AS depth FROM chosen
            UNION ALL
            SELECT c.indicator_id, c.area_code, p.area_code, p.up, c.depth + 1
            FROM climb c JOIN chosen p
              ON p.indicator_id = c.indicator_id AND p.area_code = c.up
        ),
        rooted AS (
            SELECT indicator_id, area_code, arg_max(root, depth) AS group_root
            FROM climb GROUP BY ALL
        ),
        grouped AS (
            SELECT c.*, r.group_root,
                   count(*) OVER g AS group_size,
                   max(c.priority) OVER g AS group_priority,
                   list({'area_code': c.area_code, 'level': c.level, 'area_zh': c.area_zh,
                         'area_en': c.area_en, 'value': c.value, 'status': c.status,
                         'reasons_zh': c.reasons_zh, 'reasons_en': c.reasons_en})
                       FILTER (WHERE c.area_code <> r.group_root)
                       OVER (g ORDER BY c.priority DESC, c.area_code
                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                       AS members
            FROM chosen c JOIN rooted r USING (indicator_id, area_code)
            WINDOW g AS (PARTITION BY c.indicator_id, r.group_root)
        )
        SELECT al.indicator_id, al.area_code, al.level, al.area_zh, al.area_en,
               al.parent_zh, al.parent_en, al.street_code, al.street_zh, al.street_en,
               al.name_zh, al.name_en, al.unit_zh, al.unit_en, al.decimals, al.direction,
               al.domain, al.department, al.department_zh, al.department_en,
               al.value, al.status, al.target, al.prev_value, al.months_red,
               al.priority, al.reasons_zh, al.reasons_en,
               CASE WHEN al.months_red > 1 THEN strftime(strptime(al.period, '%Y-%m')
                    - to_months(al.months_red - 1), '%Y-%m') ELSE al.period END AS since,
               al.group_root, al.group_size, al.group_priority, al.members,
               count(*) OVER () AS total
        FROM grouped al
        WHERE """
        + rows
        + """
        ORDER BY al.group_priority DESC, al.group_root, al.indicator_id, al.priority DESC,
                 al.area_code
        LIMIT $limit
        """,
        {"code": code, "period": period, "limit": limit, "visible": visible_codes(), **chosen},
    )


def problem_count(code: str, period: str) -> int:
    """How many problems need acting on in ``code`` and below in ``period``: alerts, one
    per problem (``alerts``), not coloured values."""
    rows = alerts(code, period, limit=1)
    return int(rows["total"].iloc[0]) if not rows.empty else 0


def alert_choices(code: str, period: str) -> dict[str, list[dict]]:
    """What the alert filters offer for ``code``'s alerts in ``period``: the streets,
    domains and departments they fall in, each as ``value`` with names in both languages."""
    rows = alerts(code, period, limit=100_000, grouped=False)
    streets = rows[["street_code", "street_zh", "street_en"]].dropna().drop_duplicates()
    departments = rows[["department", "department_zh", "department_en"]].drop_duplicates()
    return {
        "street": [
            {"value": c, "name_zh": zh, "name_en": en}
            for c, zh, en in sorted(streets.itertuples(index=False, name=None))
        ],
        "domain": [{"value": d} for d in DOMAIN_ORDER if d in set(rows["domain"])],
        "department": [
            {"value": d, "name_zh": zh, "name_en": en}
            for d, zh, en in sorted(departments.itertuples(index=False, name=None))
        ],
    }


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
