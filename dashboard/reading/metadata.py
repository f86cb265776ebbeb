"""Read-only queries about the data rather than the areas: the data catalog, the indicator
dictionary and the department cockpits. Same rules as ``dashboard.reading.data``: one cursor per
call on the published version, parameters bound, nothing written."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cockpit.freshness import freshness_of
from dashboard.reading.data import DOMAIN_ORDER, VISIBLE, visible_codes
from dashboard.reading.warehouse import first_row, frame

# Departments that own indicators but deliver no extract of their own (the data office
# owns the data-quality indicators) are named here; the rest are named by their sources.
_DEPARTMENTS_SQL = """
    WITH named AS (
        SELECT department, any_value(department_zh ORDER BY source) AS department_zh,
               any_value(department_en ORDER BY source) AS department_en
        FROM meta.source GROUP BY department
    ),
    owners AS (
        SELECT department FROM named
        UNION SELECT department FROM ind.indicator
    )
    SELECT o.department, n.department_zh, n.department_en,
           (SELECT count(*) FROM ind.indicator i WHERE i.department = o.department)
               AS indicators,
           (SELECT count(*) FROM meta.source s WHERE s.department = o.department) AS sources
    FROM owners o LEFT JOIN named n USING (department)
"""


def catalog(now_utc: dt.datetime) -> pd.DataFrame:
    """Every source with its owner, schema, cadence, freshness and the quality of its
    latest load: rows in, loaded and rejected, and which checks the rejected rows failed."""
    rows = frame(
        r"""
        WITH latest AS (
            SELECT source, run_id, file, rows_in, rows_loaded, rows_rejected,
                   row_number() OVER (PARTITION BY source ORDER BY finished DESC) AS n
            FROM meta.load_run WHERE status = 'ok'
        ),
        failed AS (
            -- "社区: unknown area: 新华社区" counts as the check "社区: unknown area", and
            -- "ticket_id: duplicate of row 12" as "ticket_id: duplicate of row"
            SELECT r.source,
                   regexp_replace(
                       regexp_extract(t.reason, '^([^:]+: [^:]+)', 1), ' row \d+$', ' row'
                   ) AS name,
                   count(*) AS rows
            FROM meta.rejected_row r
            JOIN latest l ON l.run_id = r.run_id AND l.n = 1,
                 unnest(r.reasons) AS t(reason)
            GROUP BY ALL
        ),
        checks AS (
            SELECT source, list({'name': name, 'rows': rows} ORDER BY rows DESC, name) AS checks
            FROM failed GROUP BY source
        )
        SELECT s.source, s.department, s.department_zh, s.department_en, s.title_zh,
               s.title_en, s.description_zh, s.description_en, s.table_name, s.cadence,
               s.max_age_days, s.last_success, s.last_status, s.last_message, s.schema_json,
               coalesce(s.synthetic, false) AS synthetic,
               l.file AS last_file, l.rows_in, l.rows_loaded, l.rows_rejected, c.checks,
               -- Boundaries are real or synthetic area by area, whatever file they came in.
               CASE WHEN s.source = 'boundaries' THEN b.real_shapes END AS real_shapes,
               CASE WHEN s.source = 'boundaries' THEN b.synthetic_shapes END AS synthetic_shapes
        FROM meta.source s
        CROSS JOIN (SELECT count(*) FILTER (WHERE NOT coalesce(synthetic, true)) AS real_shapes,
                           count(*) FILTER (WHERE coalesce(synthetic, true)) AS synthetic_shapes
                    FROM ind.area_shape) b
        LEFT JOIN latest l ON l.source = s.source AND l.n = 1
        LEFT JOIN checks c ON c.source = s.source
        ORDER BY s.department, s.source
        """
    )
    return with_freshness(rows, now_utc)


def with_freshness(rows: pd.DataFrame, now_utc: dt.datetime) -> pd.DataFrame:
    """The ``freshness`` column, by the one rule (``cockpit.freshness``)."""
    rows["freshness"] = freshness_of(rows["last_success"], rows["max_age_days"], now_utc)
    return rows


def departments() -> pd.DataFrame:
    """Every department that owns a source or an indicator; names may be missing for an
    owner without sources (the caller names those from the UI catalog)."""
    return frame(_DEPARTMENTS_SQL + " ORDER BY indicators DESC, o.department")


def department(department_id: str) -> dict | None:
    return first_row(f"SELECT * FROM ({_DEPARTMENTS_SQL}) WHERE department = ?", [department_id])


def dictionary() -> pd.DataFrame:
    """Every materialised indicator with its whole definition and its forecasts'
    backtest accuracy, in the domains' order."""
    return frame(
        """
        SELECT i.* RENAME (unit AS unit_zh), v.first_period, v.last_period,
               f.mase, f.naive_mase, f.coverage80, f.beats_naive, f.warns, f.forecasts AS backtested
        FROM ind.indicator i
        LEFT JOIN (
            SELECT indicator_id, min(period) AS first_period, max(period) AS last_period
            FROM ind.indicator_value GROUP BY indicator_id
        ) v USING (indicator_id)
        -- How well its forecasts did in the rolling-origin backtest.
        LEFT JOIN ind.forecast_accuracy f USING (indicator_id)
        ORDER BY list_position(?, i.domain), i.indicator_id
        """,
        [list(DOMAIN_ORDER)],
    )


def source_tables() -> dict[str, dict]:
    """Staging table → the source that loads it (id, title, owner), for lineage."""
    rows = frame(
        "SELECT table_name, source, title_zh, title_en, department FROM meta.source ORDER BY source"
    )
    return {r["table_name"]: r for r in rows.to_dict("records")}


def department_matrix(department_id: str, period: str) -> pd.DataFrame:
    """The department's indicators for the district, every street and every park in one
    period: one row per (indicator, area), areas in tree order."""
    return frame(
        """
        SELECT i.indicator_id, i.name_zh, i.name_en, i.unit AS unit_zh, i.unit_en,
               i.decimals, i.direction, i.domain, i.suppress_below, a.code, a.level,
               a.name_zh AS area_zh,
               a.name_en AS area_en, v.value, v.status, v.suppressed, v.suppressed_kind,
               v.target
        FROM ind.indicator i
        CROSS JOIN ind.area a
        LEFT JOIN ind.indicator_value v
          ON v.indicator_id = i.indicator_id AND v.area_code = a.code AND v.period = $period
        -- The top of the tree, the level below it, and the parks.
        WHERE i.department = $department AND (a.depth <= 1 OR a.level = 'park')
          AND """
        + VISIBLE.format(code="a.code")
        + """
        ORDER BY list_position($domains, i.domain), i.indicator_id,
                 a.depth, a.level = 'park', a.code
        """,
        {
            "period": period,
            "department": department_id,
            "visible": visible_codes(),
            "domains": list(DOMAIN_ORDER),
        },  # fmt: skip
    )


def department_deliveries(department_id: str, now_utc: dt.datetime) -> pd.DataFrame:
    """How the department's own sources are doing: freshness, the latest load's rejected
    share, and whether its latest delivery came on time."""
    rows = frame(
        """
        SELECT s.source, s.title_zh, s.title_en, s.last_success, s.max_age_days,
               d.period, d.received, d.due, d.on_time, d.rows_in, d.rows_rejected
        FROM meta.source s
        LEFT JOIN (
            SELECT * FROM meta.data_delivery
            QUALIFY row_number() OVER (PARTITION BY source ORDER BY period DESC) = 1
        ) d USING (source)
        WHERE s.department = $department
        ORDER BY s.source
        """,
        {"department": department_id},
    )
    return with_freshness(rows, now_utc)
