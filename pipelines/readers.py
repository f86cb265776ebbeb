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
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
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


EXTRACT_SLOW = "_extract_slow"
ReadTypes = Callable[[tuple[str, ...]], dict[str, str]]


@dataclass(frozen=True)
class Staged:
    """The extract is in the temp table ``_extract``; ``headers`` in file order.

    A CSV read with types has those ``typed`` columns typed in ``_extract``; the lines the
    reader could not cast (``slow_rows`` of them) are in ``_extract_slow`` as text."""

    headers: tuple[str, ...]
    rows: int
    encoding: str | None = None
    typed: frozenset[str] = frozenset()
    slow_rows: int = 0


def header_key(text: object) -> str:
    """How headers are compared: full-width folded, no spaces, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def _declared_encoding(path: Path) -> str | None:
    """The encoding a byte-order mark declares, if any."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _detect_encoding(path: Path) -> str:
    """utf-8 when the whole file is valid UTF-8; otherwise gb18030 (a superset of GBK and
    GB2312), which the transcode then checks strictly."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _transcode(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy for DuckDB's reader (which reads UTF-8 only), decoded strictly: a file
    that is not valid in ``encoding`` is refused, never turned into mojibake. glibc's iconv
    does it at C speed where it is installed; Python's codec otherwise."""
    target = Path(tempfile.mkstemp(suffix=".csv", dir=folder)[1])
    failure = ExtractError(
        path, f"cannot decode as UTF-8 or {encoding.upper()}: is it a text file?"
    )
    iconv = shutil.which("iconv")
    if iconv:
        done = subprocess.run(
            [iconv, "-f", encoding.upper(), "-t", "UTF-8", "-o", str(target), str(path)],
            capture_output=True,
        )
        if done.returncode != 0:
            target.unlink(missing_ok=True)
            raise failure
        return target
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(_CHUNK):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        target.unlink(missing_ok=True)
        raise failure from exc
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


def _finish(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, set_aside: int = 0
) -> Staged:
    columns = [r[0] for r in con.execute(f"DESCRIBE {EXTRACT}").fetchall() if r[0] != "_row"]
    if not columns:
        raise ExtractError(path, "no columns under the header")
    rows = con.execute(f"SELECT count(*) FROM {EXTRACT}").fetchall()[0][0] + set_aside
    if rows == 0:
        raise ExtractError(path, "the file has a header but no data rows")
    return Staged(tuple(columns), rows, encoding)


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _record_lines(path: Path, skip: int, delimiter: str) -> list[int]:
    """The line each record starts on, the slow way: only for files whose records and
    lines differ (blank lines, which DuckDB skips, or cells holding line breaks)."""
    starts = []
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for _ in range(skip + 1):
            handle.readline()
        reader = csv.reader(handle, delimiter=delimiter)
        line = skip + 1
        for record in reader:
            if record:
                starts.append(line + 1)
            line = skip + 1 + reader.line_num
    return starts


_CSV_OPTIONS = (
    "header = true, skip = $skip, delim = $delim, quote = '\"', escape = '\"', "
    "null_padding = true, strict_mode = false"
)


def _read_csv(con, path: Path, skip: int, delimiter: str, table: str = EXTRACT) -> None:
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv($path, "
        f"all_varchar = true, {_CSV_OPTIONS})",
        {"path": str(path), "skip": skip, "delim": delimiter},
    )


def _read_csv_typed(con, path: Path, skip: int, delimiter: str, columns: dict[str, str]) -> list:
    """Read with types; lines that do not cast are set aside by DuckDB. Returns them as
    (line, text) in file order."""
    con.execute("DROP TABLE IF EXISTS _rejects")
    con.execute("DROP TABLE IF EXISTS _reject_scans")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {EXTRACT} AS SELECT * FROM read_csv($path, "
        f"columns = $columns, auto_detect = false, store_rejects = true, "
        f"rejects_table = '_rejects', rejects_scan = '_reject_scans', {_CSV_OPTIONS})",
        {"path": str(path), "skip": skip, "delim": delimiter, "columns": columns},
    )
    return con.execute(
        "SELECT line, any_value(csv_line) FROM _rejects GROUP BY line ORDER BY line"
    ).fetchall()


def _set_rows(con, table: str, rows: list[int]) -> None:
    """Give the records of ``table`` (in file order) the line numbers ``rows``."""
    lines = pd.DataFrame({"_row": rows, "_index": range(len(rows))})
    con.register("_lines", lines)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT l._row, e.* EXCLUDE (_index) "
            f"FROM (SELECT rowid AS _index, * FROM {table}) e JOIN _lines l USING (_index) "
            "ORDER BY l._row"
        )
    finally:
        con.unregister("_lines")


def _number_rows(con, path: Path, header: int, delimiter: str, set_aside: list[int]) -> None:
    """``_row``: the line a person finds the record on. The table keeps file order, so
    ``rowid`` counts the records read; the lines in between are those the reader set aside
    (``set_aside``), and, where the file has blank lines or cells with line breaks, every
    record's line is looked up the slow way."""
    records = con.execute(f"SELECT count(*) FROM {EXTRACT}").fetchall()[0][0]
    first_line = header + 2
    if _count_lines(path) - (header + 1) != records + len(set_aside):
        skipped = set(set_aside)
        starts = [n for n in _record_lines(path, header, delimiter) if n not in skipped]
        _set_rows(con, EXTRACT, starts)
        return
    con.execute(f"ALTER TABLE {EXTRACT} ADD COLUMN _row BIGINT")
    con.execute(f"UPDATE {EXTRACT} SET _row = rowid + $first", {"first": first_line})
    if set_aside:
        # Record i sits below every set-aside line whose "next index" is at most i.
        gaps = pd.DataFrame(
            {
                "threshold": [line - first_line - j for j, line in enumerate(set_aside)],
                "shift": range(1, len(set_aside) + 1),
            }
        )
        con.register("_gaps", gaps)
        try:
            con.execute(
                f"UPDATE {EXTRACT} SET _row = _row + g.shift FROM ("
                f"SELECT e.rowid AS id, s.shift FROM {EXTRACT} e "
                f"ASOF JOIN _gaps s ON e.rowid >= s.threshold) g WHERE {EXTRACT}.rowid = g.id"
            )
        finally:
            con.unregister("_gaps")


def _stage_set_aside(con, scratch: Path, header: list[str], delimiter: str, lines: list) -> int:
    """The lines the typed reader set aside, as text in ``_extract_slow`` with their lines."""
    con.execute(f"DROP TABLE IF EXISTS {EXTRACT_SLOW}")
    if not lines:
        return 0
    handle, name = tempfile.mkstemp(suffix=".csv", dir=scratch)
    path = Path(name)
    try:
        with open(handle, "w", encoding="utf-8", newline="") as out:
            csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(header)
            for _, text in lines:
                out.write(text.rstrip("\r\n") + "\n")
        _read_csv(con, path, 0, delimiter, EXTRACT_SLOW)
    finally:
        path.unlink(missing_ok=True)
    _set_rows(con, EXTRACT_SLOW, [line for line, _ in lines])
    return len(lines)


def _stage_csv(con, path: Path, known: set[str], scratch: Path, types: ReadTypes | None) -> Staged:
    if path.stat().st_size == 0 or not path.read_bytes()[:65536].strip():
        raise ExtractError(path, "the file is empty")
    declared = _declared_encoding(path)
    # Checked over the whole file first: DuckDB's reader, asked to set bad lines aside,
    # turns invalid UTF-8 into "?" without a word. Anything not UTF-8 is transcoded.
    encoding = declared or _detect_encoding(path)
    utf8 = path if encoding in ("utf-8", "utf-8-sig") else _transcode(path, encoding, scratch)
    try:
        rows, delimiter = _head_lines_or_fail(path, utf8, declared)
        header = _header_index(rows, known)
        if header is None:
            first = rows[0] if rows else []
            raise ExtractError(path, f"no header row with known column names; first row: {first}")
        names = [h.strip() for h in rows[header]]
        wanted = types(tuple(names)) if types else {}
        # Typed reading needs one name per column; a header with blanks or repeats is read
        # as text instead.
        typed = bool(wanted) and len(set(names)) == len(names) and all(names)
        columns = {n: wanted.get(n, "VARCHAR") for n in names}

        def read(source: Path) -> list:
            if typed:
                return _read_csv_typed(con, source, header, delimiter, columns)
            _read_csv(con, source, header, delimiter)
            return []

        try:
            set_aside = read(utf8)
        except duckdb.Error as exc:
            raise ExtractError(path, f"not a well-formed CSV file ({exc})") from exc
        _number_rows(con, utf8, header, delimiter, [line for line, _ in set_aside])
        slow = _stage_set_aside(con, scratch, names, delimiter, set_aside)
    finally:
        if utf8 != path:
            utf8.unlink(missing_ok=True)
    staged = _finish(con, path, encoding, slow)
    typed_columns = frozenset(n for n in wanted if typed)
    return Staged(staged.headers, staged.rows, encoding, typed_columns, slow)


def _head_lines_or_fail(path: Path, text: Path, declared: str | None):
    """The first lines, decoded (``text`` is UTF-8 by now)."""
    try:
        return _head_lines(text, "utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractError(path, f"not valid {declared or 'UTF-8'}") from None


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
        return _stage_csv(con, path, known, scratch, types)
    if suffix in (".xlsx", ".xlsm"):
        return _stage_xlsx(con, path, known)
    raise ExtractError(path, f"unsupported file type {suffix!r} (use .xlsx, .csv or .json)")
