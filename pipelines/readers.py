"""Stage a department extract in DuckDB as text cells under its own headers.

Whatever the format (xlsx, CSV in UTF-8, UTF-8 with BOM, UTF-16 or GB18030, a JSON API
dump), the result is the temp table ``_extract``: one VARCHAR column per header, found
wherever the department put it (below merged title rows), and ``_row``, the row a person
would find in the file (the spreadsheet row, the CSV line, the JSON record). Large CSV
files never pass through pandas: DuckDB reads them directly, after a streaming transcode
to UTF-8 when they are not UTF-8 already.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

HEADER_SCAN_ROWS = 30
_CHUNK = 16 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted xlsx and legacy .xls are OLE containers
EXTRACT = "_extract"


class ExtractError(Exception):
    """The file as a whole cannot be used. The message names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Staged:
    """The extract is in the temp table ``_extract``; ``headers`` in file order."""

    headers: tuple[str, ...]
    rows: int
    encoding: str | None = None


def header_key(text: object) -> str:
    """How headers are compared: full-width folded, no spaces, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def _detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-16, utf-8 or gb18030: checked over the whole file, never guessed."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ExtractError(path, "cannot decode as UTF-8 or GB18030: is it a text file?")


def _transcode(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy, written in chunks, for DuckDB's reader (which reads UTF-8 only)."""
    target = Path(tempfile.mkstemp(suffix=".csv", dir=folder)[1])
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return target


def _head_lines(path: Path, encoding: str) -> tuple[list[list[str]], str]:
    with path.open("r", encoding=encoding, newline="") as handle:
        lines = [handle.readline() for _ in range(HEADER_SCAN_ROWS)]
    sample = "".join(lines)
    delimiter = max(",\t;|", key=sample.count)
    return list(csv.reader(io.StringIO(sample), delimiter=delimiter)), delimiter


def _header_index(rows: list[list[str]], known: set[str]) -> int | None:
    best, hits_best = None, 0
    for i, row in enumerate(rows):
        hits = sum(header_key(v) in known for v in row)
        if hits > hits_best:
            best, hits_best = i, hits
    return best


def _finish(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None) -> Staged:
    """Drop blank rows (their numbers stay as they were) and count what is left."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {EXTRACT}").fetchall() if r[0] != "_row"]
    if not columns:
        raise ExtractError(path, "no columns under the header")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _extract_cells AS SELECT * EXCLUDE (_cells) FROM "
        f"(SELECT *, concat_ws('', *COLUMNS(* EXCLUDE (_row))) AS _cells FROM {EXTRACT}) "
        "WHERE trim(_cells) <> ''"
    )
    con.execute(f"DROP TABLE {EXTRACT}")
    con.execute(f"ALTER TABLE _extract_cells RENAME TO {EXTRACT}")
    rows = con.execute(f"SELECT count(*) FROM {EXTRACT}").fetchall()[0][0]
    if rows == 0:
        raise ExtractError(path, "the file has a header but no data rows")
    return Staged(tuple(columns), rows, encoding)


def _stage_csv(con, path: Path, known: set[str], scratch: Path) -> Staged:
    if path.stat().st_size == 0 or not path.read_bytes()[:65536].strip():
        raise ExtractError(path, "the file is empty")
    encoding = _detect_encoding(path)
    utf8 = path if encoding in ("utf-8", "utf-8-sig") else _transcode(path, encoding, scratch)
    try:
        rows, delimiter = _head_lines(utf8, "utf-8-sig")
        header = _header_index(rows, known)
        if header is None:
            first = rows[0] if rows else []
            raise ExtractError(path, f"no header row with known column names; first row: {first}")
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {EXTRACT} AS "
                "SELECT row_number() OVER () + $first_line - 1 AS _row, * "
                "FROM read_csv($path, header = true, skip = $skip, all_varchar = true, "
                "delim = $delim, quote = '\"', escape = '\"', null_padding = true, "
                "strict_mode = false)",
                {"path": str(utf8), "skip": header, "delim": delimiter, "first_line": header + 2},
            )
        except duckdb.Error as exc:
            raise ExtractError(path, f"not a well-formed CSV file ({exc})") from exc
    finally:
        if utf8 != path:
            utf8.unlink(missing_ok=True)
    return _finish(con, path, encoding)


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
    header = _header_index(rows, known)
    if header is None:
        raise ExtractError(path, f"no header row with known column names; first row: {rows[0]}")
    names = [str(v).strip() for v in grid.iloc[header].tolist()]
    body = grid.iloc[header + 1 :]
    keep = [i for i, name in enumerate(names) if name]
    body = body.iloc[:, keep]
    body.columns = _unique([names[i] for i in keep])
    # Spreadsheet rows are counted from 1.
    _stage_frame(con, body, body.index + 1)
    return _finish(con, path, None)


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
    return _finish(con, path, "utf-8")


def stage_extract(
    con: duckdb.DuckDBPyConnection, path: Path, known_headers: Iterable[str], scratch: Path
) -> Staged:
    """Load any supported extract into ``_extract``; ExtractError if it cannot be used."""
    known = {header_key(k) for k in known_headers}
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _stage_json(con, path)
    if suffix in (".csv", ".txt"):
        return _stage_csv(con, path, known, scratch)
    if suffix in (".xlsx", ".xlsm"):
        return _stage_xlsx(con, path, known)
    raise ExtractError(path, f"unsupported file type {suffix!r} (use .xlsx, .csv or .json)")
