"""The problems to act on (需关注): ``ind.alert``'s alerts in an area and under it, one row
per problem, with their filters. Same rules as ``dashboard.reading.data``: every area the
caller may not see is left out, and so is every alert of it."""

from __future__ import annotations

import pandas as pd

from dashboard.reading.data import DOMAIN_ORDER, visible_codes
from dashboard.reading.insights import SUBTREE
from dashboard.reading.warehouse import frame

ALERT_FILTERS = ("street", "domain", "department")


# The alerts in the caller's view of ``$code``'s subtree in ``$period`` that pass the
# filters, with whose they are: the list (``alerts``) and its filters (``alert_choices``)
# both start here.
_CHOSEN = (
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
        chosen AS MATERIALIZED (
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
        )
"""
)


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
        _CHOSEN
        + """,
        rooted AS MATERIALIZED (
            -- Each alert's problem: its top alerted ancestor of the same indicator, up
            -- through alerted parents (a tree is at most four levels deep).
            SELECT c.*, coalesce(p3.area_code, p2.area_code, p1.area_code, c.area_code)
                        AS group_root
            FROM chosen c
            LEFT JOIN chosen p1 ON p1.indicator_id = c.indicator_id AND p1.area_code = c.up
            LEFT JOIN chosen p2 ON p2.indicator_id = c.indicator_id AND p2.area_code = p1.up
            LEFT JOIN chosen p3 ON p3.indicator_id = c.indicator_id AND p3.area_code = p2.up
        ),
        problems AS (
            SELECT indicator_id, group_root, count(*) AS group_size,
                   max(priority) AS group_priority,
                   list({'area_code': area_code, 'level': level, 'area_zh': area_zh,
                         'area_en': area_en, 'value': value, 'status': status,
                         'reasons_zh': reasons_zh, 'reasons_en': reasons_en}
                        ORDER BY priority DESC, area_code)
                       FILTER (WHERE area_code <> group_root) AS members
            FROM rooted GROUP BY indicator_id, group_root
        ),
        grouped AS (
            SELECT r.*, p.group_size, p.group_priority, p.members
            FROM rooted r JOIN problems p USING (indicator_id, group_root)
        )
        SELECT al.indicator_id, al.area_code, al.level, al.area_zh, al.area_en,
               al.parent_zh, al.parent_en, al.street_code, al.street_zh, al.street_en,
               al.name_zh, al.name_en, al.unit_zh, al.unit_en, al.decimals, al.direction,
               al.domain, al.department, al.department_zh, al.department_en,
               al.value, al.status, al.target, al.prev_value, al.months_red,
               al.priority, al.reasons_zh, al.reasons_en, al.forecast_months,
               al.forecast_probability,
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
    per problem (``alerts``: a problem is led by the alert whose parent has none of the
    same indicator within what the caller sees), not coloured values."""
    rows = frame(
        SUBTREE
        + """
        , listed AS (
            SELECT al.indicator_id, al.area_code, a.parent_code
            FROM ind.alert al JOIN tree t ON t.code = al.area_code
            JOIN ind.area a ON a.code = al.area_code
            WHERE al.period = $period
        )
        SELECT count(*) AS problems FROM listed c
        WHERE NOT EXISTS (SELECT 1 FROM listed p WHERE p.area_code = c.parent_code
                                                    AND p.indicator_id = c.indicator_id)
        """,
        {"code": code, "period": period, "visible": visible_codes()},
    )
    return int(rows["problems"].iloc[0])


def alert_choices(code: str, period: str) -> dict[str, list[dict]]:
    """What the alert filters offer for ``code``'s alerts in ``period``: the streets,
    domains and departments they fall in, each as ``value`` with names in both languages."""
    rows = frame(
        _CHOSEN
        + """
        SELECT DISTINCT street_code, street_zh, street_en, domain, department,
                        department_zh, department_en FROM chosen
        """,
        {"code": code, "period": period, "visible": visible_codes(),
         **dict.fromkeys(ALERT_FILTERS)},
    )  # fmt: skip
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
