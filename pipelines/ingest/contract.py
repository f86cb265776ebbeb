"""Source contracts: what a department extract must contain, and how a file is checked
against it, inside DuckDB. A source module declares a ``TabularSource``; this module does
the rest: headers matched through aliases, every cell checked (``pipelines.ingest.checks``),
duplicate keys caught, bad rows kept aside with their reasons, good rows loaded.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ingest import checks
from pipelines.ingest.area_index import former_codes_note
from pipelines.ingest.checks import ident
from pipelines.ingest.extract import EXTRACT_SLOW, ExtractError, Staged, header_key
from pipelines.ingest.fields import Batch, Field
from pipelines.ingest.readers import stage_extract
from pipelines.ingest.validation import (
    CHECKED,
    check_sql,
    flag_duplicates,
    keep_bad_records,
)


@dataclass(frozen=True)
class TabularSource:
    """A department source whose extracts are tables (xlsx, csv, json)."""

    id: str
    department_id: str
    department_zh: str
    department_en: str
    title_zh: str
    title_en: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    cadence: str  # cron expression, e.g. "0 6 2 * *"
    max_age_days: int
    # Headers whose values must never be stored, not even in rejected records.
    personal_headers: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ("*.xlsx", "*.csv", "*.json")
    # The month a row belongs to: a month field, or a datetime field it is derived from;
    # None for a source whose rows have no month.
    period_field: str | None = "period"
    description_zh: str = ""
    description_en: str = ""

    def schema(self) -> list[dict]:
        """The contract as the data catalog shows it."""
        return [
            {
                "name": f.name,
                "type": f.kind,
                "headers": list(f.aliases + f.name_aliases),
                "required": f.required,
            }
            for f in self.fields
        ]

    def known_headers(self) -> list[str]:
        return [h for f in self.fields for h in (f.name, *f.aliases, *f.name_aliases)]

    def files(self, inbox: Path) -> list[Path]:
        folder = inbox / self.id
        found = {p for pattern in self.patterns for p in folder.glob(pattern) if p.is_file()}
        return sorted(found)

    def read(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        today: dt.date | None = None,
        scratch: Path | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Batch:
        started = time.perf_counter()

        def read_types(headers: tuple[str, ...]) -> dict[str, str]:
            mapping = _map_columns(self, path, headers)
            return {
                mapping[f.name]: checks.READ_TYPES[f.kind]
                for f in self.fields
                if f.name in mapping and f.kind in checks.READ_TYPES
            }

        staged = stage_extract(con, path, self.known_headers(), scratch or path.parent, read_types)
        _progress(progress, f"{self.id}: read {path.name}", staged.rows, started)
        started = time.perf_counter()
        batch = validate(con, self, path, staged, today or dt.date.today())
        _progress(progress, f"{self.id}: checked", batch.rows_in, started)
        return batch

    def write(
        self, con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str, partial: bool = False
    ) -> int:
        return write_batch(con, self, batch, run_id, partial)

    def period_sql(self) -> str:
        """The month of a row, as SQL over the checked columns ('' without a month)."""
        if self.period_field is None:
            return "''"
        field = next(f for f in self.fields if f.name == self.period_field)
        if field.kind == "month":
            return ident(field.name)
        return f"strftime({ident(field.name)}, '%Y-%m')"


# Loads at least this long report each stage as it finishes.
PROGRESS_ROWS = 100_000


def _progress(echo: Callable[[str], None] | None, what: str, rows: int, started: float) -> None:
    if echo is None or rows < PROGRESS_ROWS:
        return
    seconds = time.perf_counter() - started
    echo(f"  {what}: {rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)")


def _map_columns(source: TabularSource, path: Path, headers: tuple[str, ...]) -> dict[str, str]:
    by_key = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    mapping: dict[str, str] = {}
    missing = []
    for f in source.fields:
        found = next(
            (by_key[k] for k in map(header_key, (f.name, *f.aliases)) if k in by_key), None
        )
        found = found or next(
            (by_key[k] for k in map(header_key, f.name_aliases) if k in by_key), None
        )
        if found is not None:
            mapping[f.name] = found
        elif f.required:
            missing.append(f"{f.aliases[0] if f.aliases else f.name} ({f.name})")
    if missing:
        raise ExtractError(
            path, f"missing column(s) {', '.join(missing)}; found: {', '.join(headers)}"
        )
    return mapping


def validate(
    con: duckdb.DuckDBPyConnection,
    source: TabularSource,
    path: Path,
    staged: Staged,
    today: dt.date,
) -> Batch:
    mapping = _map_columns(source, path, staged.headers)
    base = checks.base_params(today)
    sql, params = check_sql(source, mapping, typed=staged.typed)
    con.execute(sql, checks.bind(sql, {**base, **params}))
    if staged.slow_rows:
        # The lines the typed reader set aside get every check, as text.
        sql, params = check_sql(source, mapping, EXTRACT_SLOW, "_checked_slow")
        con.execute(sql, checks.bind(sql, {**base, **params}))
        con.execute(f"INSERT INTO {CHECKED} SELECT * FROM _checked_slow")
    flag_duplicates(con, source)
    keep_bad_records(con, source, staged)
    rows_in, rejected, periods = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE len(reasons) > 0), "
        f"list_sort(list(DISTINCT {source.period_sql()}) FILTER (WHERE len(reasons) = 0)) "
        f"FROM {CHECKED}"
    ).fetchall()[0]
    notes = []
    if staged.encoding:
        notes.append(f"encoding {staged.encoding}")
    extra = [h for h in staged.headers if h not in mapping.values()]
    if extra:
        notes.append(f"ignored column(s): {', '.join(extra)}")
    former = former_codes_note(con, source.fields, mapping, bool(staged.slow_rows))
    if former:
        notes.append(former)
    periods = tuple(p for p in periods or () if p)
    return Batch(path, rows_in, rejected, periods, mapping, tuple(notes))


def write_batch(
    con: duckdb.DuckDBPyConnection,
    source: TabularSource,
    batch: Batch,
    run_id: str,
    partial: bool = False,
) -> int:
    """Replace exactly the months this extract covers, or, for a ``partial`` delivery (an
    incremental pull's), exactly the rows with its rows' keys; returns the rows loaded."""
    table = ident(source.table)
    columns = ", ".join(f"{ident(f.name)} {f.sql_type}" for f in source.fields)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS stg.{table} "
        f"({columns}, period VARCHAR, _run_id VARCHAR, _file VARCHAR)"
        if source.period_field != "period"
        else f"CREATE TABLE IF NOT EXISTS stg.{table} ({columns}, _run_id VARCHAR, _file VARCHAR)"
    )
    names = ", ".join(ident(f.name) for f in source.fields)
    derived = source.period_field != "period"
    period = source.period_sql()
    target = f"{names}, period" if derived else names
    select = f"{names}, {period}" if derived else names
    args = {"run_id": run_id, "file": batch.file.name}
    if partial:
        keys = ", ".join(ident(k) for k in source.key)
        key_select = ", ".join(
            period if k == "period" and derived else ident(k) for k in source.key
        )
        con.execute(
            f"DELETE FROM stg.{table} WHERE ({keys}) IN "
            f"(SELECT ({key_select}) FROM {CHECKED} WHERE len(reasons) = 0)"
        )
    else:
        con.execute(
            f"DELETE FROM stg.{table} WHERE list_contains($periods, period)",
            # A source without a month replaces its one unnamed period, ''.
            {"periods": list(batch.periods) if source.period_field else [""]},
        )
    con.execute(
        f"INSERT INTO stg.{table} ({target}, _run_id, _file) "
        f"SELECT {select}, $run_id, $file FROM {CHECKED} WHERE len(reasons) = 0",
        args,
    )
    con.execute(
        f"""
        INSERT INTO meta.rejected_row
        SELECT $run_id, $source, $file, c._row, b.record, c.reasons
        FROM {CHECKED} c JOIN _bad_record b USING (_row)
        WHERE len(c.reasons) > 0
        """,
        {**args, "source": source.id},
    )
    return batch.rows_in - batch.rows_rejected
