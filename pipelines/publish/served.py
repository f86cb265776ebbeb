"""What is served now: which received file each source's rows come from.

A load replaces exactly the months (or, for boundaries, the areas) its file covers, and
every staged row keeps the run that wrote it (``_run_id``). So a file is what is served
now exactly when every row its last load wrote is still staged; a later file for any of
its months would have replaced some of them. That, not "was this hash ever loaded", is
what decides whether a re-sent file is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from pipelines.ingest.checks import ident

_MONTH = re.compile(r"\d{4}-\d{2}")


def _staged(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'stg' AND table_name = ?",
            [table],
        ).fetchall()[0][0]
    )


def serving_run(con: duckdb.DuckDBPyConnection, source: str, table: str, digest: str) -> str | None:
    """The run that loaded this file, when all it loaded is still what is served."""
    last = con.execute(
        "SELECT run_id, rows_loaded FROM meta.load_run "
        "WHERE source = ? AND file_hash = ? AND status = 'ok' ORDER BY finished DESC LIMIT 1",
        [source, digest],
    ).fetchall()
    if not last or not _staged(con, table):
        return None
    run_id, loaded = last[0]
    kept = con.execute(
        f"SELECT count(*) FROM stg.{ident(table)} WHERE _run_id = ?", [run_id]
    ).fetchall()[0][0]
    return run_id if kept == loaded else None


@dataclass(frozen=True)
class ServedFile:
    """One file and the months (or areas) of its source it serves now."""

    source: str
    file: str
    received: dt.datetime | None
    run_id: str
    periods: tuple[str, ...]
    rows: int


def served_files(con: duckdb.DuckDBPyConnection) -> list[ServedFile]:
    """Every source's served rows, grouped by the file they came from, oldest month first."""
    out: list[ServedFile] = []
    sources = con.execute(
        "SELECT source, table_name FROM meta.source WHERE table_name IS NOT NULL ORDER BY source"
    ).fetchall()
    for source, table_name in sources:
        table = table_name.removeprefix("stg.")
        if not _staged(con, table):
            continue
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() "
                "WHERE schema_name = 'stg' AND table_name = ?",
                [table],
            ).fetchall()
        }
        period = "period" if "period" in columns else "NULL::VARCHAR"
        rows = con.execute(
            f"""
            SELECT s._run_id, l.file, l.received,
                   list_sort(list(DISTINCT s.period) FILTER (WHERE s.period <> '')), count(*)
            FROM (SELECT _run_id, {period} AS period FROM stg.{ident(table)}) s
            LEFT JOIN meta.load_run l ON l.run_id = s._run_id
            GROUP BY ALL ORDER BY min(s.period) NULLS FIRST, s._run_id
            """
        ).fetchall()
        out += [
            ServedFile(source, file or "?", received, run_id, tuple(periods or ()), count)
            for run_id, file, received, periods, count in rows
        ]
    return out


def _next_month(period: str) -> str | None:
    if not _MONTH.fullmatch(period):
        return None
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def month_ranges(periods: tuple[str, ...]) -> str:
    """'2018-01…2018-12, 2019-03' for a sorted list of months."""
    if not periods:
        return ""
    spans: list[list[str]] = [[periods[0], periods[0]]]
    for month in periods[1:]:
        if month == _next_month(spans[-1][1]):
            spans[-1][1] = month
        else:
            spans.append([month, month])
    return ", ".join(a if a == b else f"{a}…{b}" for a, b in spans)
