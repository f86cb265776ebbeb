"""Data quality as data: every department's deliveries, published to ``stg`` so that
indicator layers (timeliness, rejected share) are written like any other layer."""

from __future__ import annotations

import duckdb

DELIVERIES_SQL = """
CREATE OR REPLACE TABLE stg.data_delivery AS
WITH runs AS (
    SELECT l.source, s.department, list_max(l.periods) AS period, l.received, l.finished,
           l.rows_in, l.rows_rejected, s.max_age_days
    FROM meta.load_run l JOIN meta.source s USING (source)
    WHERE l.status = 'ok' AND len(l.periods) > 0
),
per_period AS (
    SELECT source, department, period,
           last_day(strptime(period, '%Y-%m')) + to_days(max_age_days) AS due,
           -- A late first delivery stays late, whatever corrections follow it.
           min(coalesce(received, finished)) AS received,
           -- Quality is that of the extract now in force: the newest one.
           arg_max(rows_in, finished) AS rows_in,
           arg_max(rows_rejected, finished) AS rows_rejected
    FROM runs GROUP BY ALL
)
SELECT source, department, period, received, due,
       received < due + INTERVAL 1 DAY AS on_time,  -- any time on the due day itself
       rows_in, rows_rejected
FROM per_period
"""


def publish_deliveries(con: duckdb.DuckDBPyConnection) -> None:
    """``stg.data_delivery``: one row per source and reporting period (the latest month an
    extract covers): when it arrived, when it was due, and how many of its rows were bad.
    Due means within the source's allowed age (``max_age_days``) of the period's end."""
    con.execute(DELIVERIES_SQL)
    # The dashboard reads ``ind`` and ``meta`` only: the deliveries are catalog data too.
    con.execute("CREATE OR REPLACE VIEW meta.data_delivery AS SELECT * FROM stg.data_delivery")
