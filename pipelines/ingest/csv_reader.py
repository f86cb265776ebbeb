"""Stage a CSV extract: any encoding departments use, the header wherever it is, DuckDB
reading the file directly (typed where the contract allows), true line numbers."""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.ingest.extract import (
    EXTRACT,
    EXTRACT_SLOW,
    HEADER_SCAN_ROWS,
    ExtractError,
    ReadTypes,
    Staged,
    file_facts,
    finish,
    header_index,
)

_CHUNK = 16 << 20


def _declared_encoding(path: Path) -> str | None:
    """The encoding a byte-order mark declares, if any."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _is_utf8(path: Path, limit: int | None = None) -> bool:
    """Whether the file (or its first ``limit`` bytes) is valid UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with path.open("rb") as handle:
            if limit is not None:
                decoder.decode(handle.read(limit))
                return True
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _NotUtf8(Exception):
    """A file taken for UTF-8 turned out not to be: read it again as GB18030."""


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


def _head_lines_or_fail(path: Path, text: Path, declared: str | None):
    """The first lines, decoded (``text`` is UTF-8 by now)."""
    try:
        return _head_lines(text, "utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractError(path, f"not valid {declared or 'UTF-8'}") from None


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


def _read_csv_typed(
    con, path: Path, skip: int, delimiter: str, columns: dict[str, str]
) -> tuple[list, bool]:
    """Read with types; lines that do not cast are set aside by DuckDB. Returns them as
    (line, text) in file order, and whether any of them is not valid UTF-8."""
    con.execute("DROP TABLE IF EXISTS _rejects")
    con.execute("DROP TABLE IF EXISTS _reject_scans")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {EXTRACT} AS SELECT * FROM read_csv($path, "
        f"columns = $columns, auto_detect = false, store_rejects = true, "
        f"rejects_table = '_rejects', rejects_scan = '_reject_scans', {_CSV_OPTIONS})",
        {"path": str(path), "skip": skip, "delim": delimiter, "columns": columns},
    )
    lines = con.execute(
        "SELECT line, any_value(csv_line) FROM _rejects GROUP BY line ORDER BY line"
    ).fetchall()
    invalid = con.execute(
        "SELECT count(*) FROM _rejects WHERE error_type = 'INVALID ENCODING'"
    ).fetchall()[0][0]
    return lines, invalid > 0


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


def _number_rows(
    con, path: Path, lines: int, header: int, delimiter: str, set_aside: list[int]
) -> None:
    """``_row``: the line a person finds the record on. The table keeps file order, so
    ``rowid`` counts the records read; the lines in between are those the reader set aside
    (``set_aside``), and, where the file has blank lines or cells with line breaks, every
    record's line is looked up the slow way."""
    records = con.execute(f"SELECT count(*) FROM {EXTRACT}").fetchall()[0][0]
    first_line = header + 2
    if lines - (header + 1) != records + len(set_aside):
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


def stage_csv(con, path: Path, known: set[str], scratch: Path, types: ReadTypes | None) -> Staged:
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise ExtractError(path, "the file is empty")
    declared = _declared_encoding(path)
    # Without a byte-order mark: UTF-8 when the head reads as UTF-8, GB18030 (a superset
    # of GBK and GB2312) otherwise. The rest of the file is judged as it is read.
    guess = declared or ("utf-8" if _is_utf8(path, len(head)) else "gb18030")
    try:
        return _stage(con, path, guess, declared, known, scratch, types)
    except _NotUtf8:
        return _stage(con, path, "gb18030", declared, known, scratch, types)


def _stage(con, path, encoding, declared, known, scratch, types) -> Staged:
    utf8 = path if encoding in ("utf-8", "utf-8-sig") else _transcode(path, encoding, scratch)
    try:
        rows, delimiter = _head_lines_or_fail(path, utf8, declared)
        header = header_index(rows, known)
        if header is None:
            first = rows[0] if rows else []
            raise ExtractError(path, f"no header row with known column names; first row: {first}")
        names = [h.strip() for h in rows[header]]
        wanted = types(tuple(names)) if types else {}
        # Typed reading needs one name per column; a header with blanks or repeats is read
        # as text instead.
        typed = bool(wanted) and len(set(names)) == len(names) and all(names)
        columns = {n: wanted.get(n, "VARCHAR") for n in names}
        guessed = encoding == "utf-8"
        try:
            if typed:
                set_aside, invalid = _read_csv_typed(con, utf8, header, delimiter, columns)
                # DuckDB names the lines it cannot decode, but a bad byte in a typed cell
                # shows as a failed cast (and "?"): any set-aside line on a guessed UTF-8
                # file has the whole file checked.
                if guessed and (invalid or (set_aside and not _is_utf8(path))):
                    raise _NotUtf8
            else:
                if guessed and not _is_utf8(path):
                    raise _NotUtf8
                _read_csv(con, utf8, header, delimiter)
                set_aside = []
        except duckdb.Error as exc:
            raise ExtractError(path, f"not a well-formed CSV file ({exc})") from exc
        # A GB18030 file has the same line breaks as its UTF-8 copy (0x0A is never part of
        # a multi-byte character there); a UTF-16 one is counted after transcoding.
        lines = file_facts(path if encoding != "utf-16" else utf8).lines
        _number_rows(con, utf8, lines, header, delimiter, [line for line, _ in set_aside])
        slow = _stage_set_aside(con, scratch, names, delimiter, set_aside)
    finally:
        if utf8 != path:
            utf8.unlink(missing_ok=True)
    staged = finish(con, path, encoding, slow)
    typed_columns = frozenset(n for n in wanted if typed)
    return Staged(staged.headers, staged.rows, encoding, typed_columns, slow)
