"""What an operator's monitoring reads at ``/metrics`` about the data (``routes.metrics``):
each source's runs, rows and last delivery, and the refresh that made the served version.
Read from the published warehouse, kept with its version like every answer."""

from __future__ import annotations

import pandas as pd

from dashboard.reading.warehouse import first_row, frame


def sources() -> pd.DataFrame:
    """One row per source: its runs by outcome, rows loaded and rejected, its last run's
    seconds, its last good delivery and how old it may be."""
    return frame(
        """
        SELECT s.source, s.max_age_days, s.last_success,
               coalesce(r.runs_ok, 0) AS runs_ok, coalesce(r.runs_failed, 0) AS runs_failed,
               coalesce(r.rows_loaded, 0) AS rows_loaded,
               coalesce(r.rows_rejected, 0) AS rows_rejected, r.last_seconds
        FROM meta.source s
        LEFT JOIN (
            SELECT source,
                   count(*) FILTER (WHERE status = 'ok') AS runs_ok,
                   count(*) FILTER (WHERE status <> 'ok') AS runs_failed,
                   sum(rows_loaded) FILTER (WHERE status = 'ok') AS rows_loaded,
                   sum(rows_rejected) FILTER (WHERE status = 'ok') AS rows_rejected,
                   arg_max(epoch(finished) - epoch(started), finished) AS last_seconds
            FROM meta.load_run GROUP BY source
        ) r USING (source)
        ORDER BY s.source
        """
    )


def served_refresh() -> dict | None:
    """The refresh that published the served version: when it started and ended."""
    return first_row("SELECT started, finished FROM meta.refresh ORDER BY finished DESC LIMIT 1")
