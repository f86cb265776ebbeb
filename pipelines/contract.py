"""Source contracts: what a department extract must contain, and how a file is checked
against it. A source module declares a ``TabularSource``; this module does the rest."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import orjson
import pandas as pd

from pipelines import normalise
from pipelines.readers import ExtractError, Table, header_key, read_table

FieldKind = Literal["area", "month", "date", "count", "number", "text"]
_SQL_TYPES = {
    "area": "VARCHAR",
    "month": "VARCHAR",
    "date": "TIMESTAMP",
    "count": "BIGINT",
    "number": "DOUBLE",
    "text": "VARCHAR",
}
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


def ident(name: str) -> str:
    """A table or column name from a source declaration, checked before it enters SQL."""
    if not _IDENT.fullmatch(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


@dataclass(frozen=True)
class Field:
    """One canonical column. ``aliases`` are the headers departments use for it."""

    name: str
    kind: FieldKind
    aliases: tuple[str, ...]
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    # For an area: headers of a column naming the area instead of giving its code.
    name_aliases: tuple[str, ...] = ()
    levels: tuple[str, ...] = ("community",)

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]


@dataclass(frozen=True)
class AreaIndex:
    """Resolves codes and names (with or without the 社区 suffix) to area codes."""

    level_of: dict[str, str]
    by_name: dict[str, str]
    ambiguous: frozenset[str]

    @classmethod
    def from_areas(cls, areas: pd.DataFrame) -> AreaIndex:
        names: dict[str, list[str]] = {}
        for row in areas.itertuples():
            short = re.sub(r"(社区|街道|园区)$", "", row.name_zh)
            for key in {row.name_zh, short}:
                names.setdefault(key, []).append(row.code)
        return cls(
            level_of=dict(zip(areas["code"], areas["level"], strict=True)),
            by_name={k: v[0] for k, v in names.items() if len(v) == 1},
            ambiguous=frozenset(k for k, v in names.items() if len(v) > 1),
        )

    def resolve(self, raw: pd.Series, levels: tuple[str, ...]) -> normalise.Parsed:
        text = normalise.parse_code(raw)
        missing = normalise.is_missing(text)
        codes = text.where(text.isin(self.level_of.keys()))
        by_name = text.map(self.by_name)
        codes = codes.fillna(by_name.where(codes.isna()))
        level = codes.map(self.level_of)
        reasons = pd.Series(None, index=raw.index, dtype="object")
        reasons[missing] = "missing area"
        ambiguous = reasons.isna() & codes.isna() & text.isin(self.ambiguous)
        reasons[ambiguous] = "ambiguous area name: " + text[ambiguous]
        unknown = reasons.isna() & codes.isna()
        reasons[unknown] = "unknown area: " + text[unknown]
        wrong = reasons.isna() & ~level.isin(levels)
        reasons[wrong] = "area " + text[wrong] + " is a " + level[wrong].astype(str) + ", expected "
        reasons[wrong] += "/".join(levels)
        return codes.where(reasons.isna()), reasons


@dataclass(frozen=True)
class Batch:
    """One extract after validation: the good rows, and the bad ones kept aside."""

    file: Path
    rows: pd.DataFrame
    rejected: pd.DataFrame  # row_number, record (JSON text), reasons (list of text)
    rows_in: int
    periods: tuple[str, ...]
    raw: pd.DataFrame
    notes: tuple[str, ...] = ()


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
    period_field: str = "period"
    description_zh: str = ""
    description_en: str = ""
    extra: dict = field(default_factory=dict)

    def known_headers(self) -> list[str]:
        return [h for f in self.fields for h in (f.name, *f.aliases, *f.name_aliases)]

    def files(self, inbox: Path) -> list[Path]:
        folder = inbox / self.id
        found = {p for pattern in self.patterns for p in folder.glob(pattern) if p.is_file()}
        return sorted(found)

    def read(self, path: Path, areas: AreaIndex, today: dt.date | None = None) -> Batch:
        table = read_table(path, self.known_headers())
        return validate(self, path, table, areas, today)

    def write(self, con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str) -> int:
        return write_batch(con, self, batch, run_id)


def _column_for(table: Table, headers: tuple[str, ...]) -> str | None:
    wanted = {header_key(h) for h in headers}
    for column in table.frame.columns:
        if header_key(column) in wanted:
            return column
    return None


def _map_columns(source: TabularSource, path: Path, table: Table) -> dict[str, str]:
    mapping: dict[str, str] = {}
    missing = []
    for f in source.fields:
        column = _column_for(table, (f.name, *f.aliases)) or _column_for(table, f.name_aliases)
        if column is not None:
            mapping[f.name] = column
        elif f.required:
            missing.append(f"{f.aliases[0] if f.aliases else f.name} ({f.name})")
    if missing:
        found = ", ".join(map(str, table.frame.columns))
        raise ExtractError(path, f"missing column(s) {', '.join(missing)}; found: {found}")
    return mapping


def _parse(f: Field, raw: pd.Series, areas: AreaIndex, today: dt.date) -> normalise.Parsed:
    if f.kind == "area":
        return areas.resolve(raw, f.levels)
    if f.kind == "month":
        return normalise.parse_month(raw, today)
    if f.kind == "date":
        return normalise.parse_date(raw, today)
    if f.kind == "count":
        return normalise.parse_count(raw)
    if f.kind == "number":
        return normalise.parse_number(raw, f.minimum, f.maximum)
    text = raw.astype("string").str.strip()
    return text, pd.Series(None, index=raw.index, dtype="object")


def validate(
    source: TabularSource, path: Path, table: Table, areas: AreaIndex, today: dt.date | None
) -> Batch:
    today = today or dt.date.today()
    mapping = _map_columns(source, path, table)
    frame = table.frame
    parsed = pd.DataFrame(index=frame.index)
    problems: list[pd.Series] = []
    for f in source.fields:
        if f.name not in mapping:
            parsed[f.name] = pd.Series(pd.NA, index=frame.index)
            continue
        header = mapping[f.name]
        values, reasons = _parse(f, frame[header], areas, today)
        if not f.required:
            reasons = reasons.where(~normalise.is_missing(normalise.clean_text(frame[header])))
        parsed[f.name] = values
        problems.append(header + ": " + reasons.dropna().astype(str))
    reasons = (
        pd.concat(problems).groupby(level=0).agg(list) if problems else pd.Series(dtype=object)
    )
    reasons = reasons.reindex(frame.index)
    good = reasons.isna()

    # Duplicates among otherwise good rows: keep the first, reject the rest, naming it.
    keyed = parsed[good]
    dup = keyed.duplicated(list(source.key), keep="first")
    if dup.any():
        first_row = keyed.groupby(list(source.key), dropna=False).ngroup()
        first_of = table.row_number[keyed.index].groupby(first_row.values).transform("first")
        same = keyed.duplicated(keep="first")
        for idx in keyed.index[dup]:
            kind = "duplicate of row" if same[idx] else "same key as row"
            reasons[idx] = [f"{'/'.join(source.key)}: {kind} {first_of[idx]}"]
        good = reasons.isna()

    personal = {header_key(h) for h in source.personal_headers}
    kept_headers = [c for c in frame.columns if header_key(c) not in personal]
    bad_index = frame.index[~good]
    rejected = pd.DataFrame(
        {
            "row_number": table.row_number[bad_index].astype("int64"),
            "record": [
                orjson.dumps(r).decode()
                for r in frame.loc[bad_index, kept_headers].to_dict("records")
            ],
            "reasons": reasons[bad_index],
        }
    )
    rows = parsed[good].reset_index(drop=True)
    raw = frame.rename(columns={v: k for k, v in mapping.items()})[list(mapping)]
    raw = raw.reindex(columns=[f.name for f in source.fields]).astype("string")
    raw.insert(0, "_row", table.row_number.astype("int64"))
    notes = []
    if table.encoding:
        notes.append(f"encoding {table.encoding}")
    extra = [c for c in frame.columns if c not in mapping.values()]
    if extra:
        notes.append(f"ignored column(s): {', '.join(map(str, extra))}")
    periods = tuple(sorted(rows[source.period_field].dropna().unique())) if len(rows) else ()
    return Batch(path, rows, rejected, len(frame), periods, raw, tuple(notes))


def write_batch(
    con: duckdb.DuckDBPyConnection, source: TabularSource, batch: Batch, run_id: str
) -> int:
    """Replace exactly the periods this extract covers; returns the rows loaded."""
    table = ident(source.table)
    columns = ", ".join(f"{ident(f.name)} {f.sql_type}" for f in source.fields)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS stg.{table} ({columns}, _run_id VARCHAR, _file VARCHAR)"
    )
    raw_cols = ", ".join(f"{ident(f.name)} VARCHAR" for f in source.fields)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{ident(source.id)} "
        f"(_run_id VARCHAR, _file VARCHAR, _row BIGINT, {raw_cols})"
    )
    names = ", ".join(ident(f.name) for f in source.fields)
    period = ident(source.period_field)
    con.register("_batch_rows", batch.rows[[f.name for f in source.fields]])
    con.register("_batch_raw", batch.raw)
    try:
        con.execute(
            f"DELETE FROM stg.{table} WHERE {period} IN (SELECT DISTINCT {period} FROM _batch_rows)"
        )
        con.execute(
            f"INSERT INTO stg.{table} ({names}, _run_id, _file) "
            f"SELECT {names}, ?, ? FROM _batch_rows",
            [run_id, batch.file.name],
        )
        raw_names = ", ".join(ident(c) for c in batch.raw.columns)
        con.execute(
            f"INSERT INTO raw.{ident(source.id)} (_run_id, _file, {raw_names}) "
            f"SELECT ?, ?, {raw_names} FROM _batch_raw",
            [run_id, batch.file.name],
        )
    finally:
        con.unregister("_batch_rows")
        con.unregister("_batch_raw")
    return len(batch.rows)
