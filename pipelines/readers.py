"""Read a department extract (xlsx, csv in any of the encodings departments use, json)
into a frame of text cells, with the header found wherever the department put it."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

HEADER_SCAN_ROWS = 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted xlsx and legacy .xls are OLE containers


class ExtractError(Exception):
    """The file as a whole cannot be used. The message names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Table:
    """Text cells under their original headers; ``row_number`` is the row a person
    would find in the file (the spreadsheet row, the CSV line, the JSON record)."""

    frame: pd.DataFrame
    row_number: pd.Series
    encoding: str | None = None


def header_key(text: object) -> str:
    """How headers are compared: full-width folded, no spaces, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def decode_csv_bytes(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 (BOM), or GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8", errors="strict"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: one decoder serves all three.
        return data.decode("gb18030", errors="strict"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ExtractError(
            path, f"cannot decode as UTF-8 or GB18030 (byte {exc.start}): is it a text file?"
        ) from exc


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError(path, "the file is empty")
    text, encoding = decode_csv_bytes(path, data)
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise ExtractError(path, f"not a well-formed CSV file ({exc})") from exc
    return grid, encoding


def _read_xlsx(path: Path) -> pd.DataFrame:
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
    return grid.fillna("")


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


def _read_json(path: Path) -> Table:
    try:
        payload = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractError(path, f"not valid JSON ({exc})") from exc
    records = _find_records(payload)
    if records is None:
        raise ExtractError(path, "no list of records found (looked under data/records/rows/items)")
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype("string").fillna("").astype(object)
    return Table(frame, pd.Series(range(1, len(frame) + 1), index=frame.index), "utf-8")


def _locate_header(path: Path, grid: pd.DataFrame, known: Iterable[str]) -> Table:
    """Skip the title rows above the header: the header is the row naming most known columns."""
    known_keys = {header_key(k) for k in known}
    best_row, best_hits = None, 0
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        hits = sum(header_key(v) in known_keys for v in grid.iloc[i].tolist())
        if hits > best_hits:
            best_row, best_hits = i, hits
    if best_row is None:
        first = [str(v) for v in grid.iloc[0].tolist()] if len(grid) else []
        raise ExtractError(path, f"no header row with known column names; first row: {first}")
    header = [str(v).strip() for v in grid.iloc[best_row].tolist()]
    body = grid.iloc[best_row + 1 :].copy()
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    blank = body.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
    body = body[~blank]
    # Spreadsheet and CSV rows are counted from 1, the header included.
    return Table(body, pd.Series(body.index + 1, index=body.index))


def read_table(path: Path, known_headers: Iterable[str]) -> Table:
    """Read any supported extract; raises ExtractError for a file that cannot be used."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        table = _read_json(path)
    elif suffix in (".csv", ".txt"):
        grid, encoding = _read_csv(path)
        table = _locate_header(path, grid, known_headers)
        table = Table(table.frame, table.row_number, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        if path.stat().st_size == 0:
            raise ExtractError(path, "the file is empty")
        grid = _read_xlsx(path)
        if grid.empty:
            raise ExtractError(path, "the first sheet is empty")
        table = _locate_header(path, grid, known_headers)
    else:
        raise ExtractError(path, f"unsupported file type {suffix!r} (use .xlsx, .csv or .json)")
    if table.frame.empty:
        raise ExtractError(path, "the file has a header but no data rows")
    return table
