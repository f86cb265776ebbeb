"""Stage a department extract in DuckDB as text cells under its own headers.

Whatever the format (xlsx, CSV in UTF-8, UTF-8 with BOM, UTF-16 or GB18030, a JSON API
dump), the result is the temp table ``_extract``: one VARCHAR column per header, found
wherever the department put it (below merged title rows), and ``_row``, the row a person
would find in the file (the spreadsheet row, the CSV line, the JSON record). Large CSV
files never pass through pandas: DuckDB reads them directly, after a streaming transcode
to UTF-8 when they are not UTF-8 already.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.ingest.csv_reader import stage_csv
from pipelines.ingest.extract import (
    EXTRACT,
    HEADER_SCAN_ROWS,
    ExtractError,
    ReadTypes,
    Staged,
    finish,
    header_index,
    header_key,
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted xlsx and legacy .xls are OLE containers


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _stage_frame(con, frame: pd.DataFrame, row_numbers: Iterable[int]) -> None:
    frame = frame.astype("string").astype(object).where(frame.notna(), None)
    frame.insert(0, "_row", list(row_numbers))
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {EXTRACT} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def _stage_xlsx(con, path: Path, known: set[str]) -> Staged:
    if path.stat().st_size == 0:
        raise ExtractError(path, "the file is empty")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == _OLE_MAGIC:
        raise ExtractError(
            path, "the workbook is password-protected (or a legacy .xls): save it unprotected"
        )
    if not magic.startswith(b"PK"):
        raise ExtractError(path, "not an xlsx workbook (the file is corrupt or of another type)")
    try:
        grid = pd.read_excel(path, engine="calamine", header=None, dtype=str, sheet_name=0)
    except Exception as exc:  # calamine raises its own error types for damaged archives
        reason = f"the workbook cannot be read: it is truncated or corrupt ({exc})"
        raise ExtractError(path, reason) from exc
    grid = grid.fillna("")
    if grid.empty:
        raise ExtractError(path, "the first sheet is empty")
    rows = grid.head(HEADER_SCAN_ROWS).values.tolist()
    header = header_index(rows, known)
    if header is None:
        raise ExtractError(path, f"no header row with known column names; first row: {rows[0]}")
    names = [str(v).strip() for v in grid.iloc[header].tolist()]
    body = grid.iloc[header + 1 :]
    keep = [i for i, name in enumerate(names) if name]
    body = body.iloc[:, keep]
    body.columns = _unique([names[i] for i in keep])
    # Spreadsheet rows are counted from 1.
    _stage_frame(con, body, body.index + 1)
    return finish(con, path, None)


def _find_records(payload: object) -> list | None:
    if isinstance(payload, list) and all(isinstance(r, dict) for r in payload):
        return payload
    if isinstance(payload, dict):
        for key in ("records", "rows", "items", "data", "result", "list"):
            if key in payload:
                found = _find_records(payload[key])
                if found is not None:
                    return found
    return None


def _stage_json(con, path: Path) -> Staged:
    try:
        payload = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractError(path, f"not valid JSON ({exc})") from exc
    records = _find_records(payload)
    if not records:
        raise ExtractError(path, "no records found (looked under data/records/rows/items)")
    frame = pd.DataFrame.from_records(records)
    _stage_frame(con, frame, range(1, len(frame) + 1))
    return finish(con, path, "utf-8")


def stage_extract(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    known_headers: Iterable[str],
    scratch: Path,
    types: ReadTypes | None = None,
) -> Staged:
    """Load any supported extract into ``_extract``; ExtractError if it cannot be used.
    ``types`` gives, from a CSV's headers, the DuckDB types to read columns as."""
    known = {header_key(k) for k in known_headers}
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _stage_json(con, path)
    if suffix in (".csv", ".txt"):
        return stage_csv(con, path, known, scratch, types)
    if suffix in (".xlsx", ".xlsm"):
        return _stage_xlsx(con, path, known)
    raise ExtractError(path, f"unsupported file type {suffix!r} (use .xlsx, .csv or .json)")
