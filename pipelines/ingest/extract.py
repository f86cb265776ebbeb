"""What every reader produces: a staged extract in DuckDB, or a clear reason why not."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson

HEADER_SCAN_ROWS = 30


EXTRACT = "_extract"


EXTRACT_SLOW = "_extract_slow"


ReadTypes = Callable[[tuple[str, ...]], dict[str, str]]


class ExtractError(Exception):
    """The file as a whole cannot be used. The message names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def geojson_features(path: Path) -> list:
    """The features of a GeoJSON FeatureCollection file (the boundaries' and buildings'
    sources), or the reason it is none."""
    try:
        payload = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ExtractError(path, f"not valid GeoJSON ({exc})") from exc
    features = payload.get("features") if isinstance(payload, dict) else None
    if not features:
        raise ExtractError(path, "no features: expected a GeoJSON FeatureCollection")
    return features


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


@dataclass(frozen=True)
class FileFacts:
    """What one pass over a file's bytes tells: its SHA-256 (the extract's identity) and
    its line count (which tells a CSV reader whether records and lines coincide)."""

    digest: str
    lines: int


_CHUNK = 16 << 20


@functools.lru_cache(maxsize=32)
def _file_facts(path: str, size: int, mtime_ns: int) -> FileFacts:
    digest = hashlib.sha256()
    newlines, last = 0, b"\n"
    # hashlib lets go of the GIL on large buffers: the hash of one chunk runs beside the
    # newline count of the next.
    with ThreadPoolExecutor(1) as pool, open(path, "rb") as handle:
        pending = None
        while chunk := handle.read(_CHUNK):
            if pending is not None:
                pending.result()
            pending = pool.submit(digest.update, chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
        if pending is not None:
            pending.result()
    return FileFacts(digest.hexdigest(), newlines + (last != b"\n"))


def file_facts(path: Path) -> FileFacts:
    """Read once per version of a file (path, size and modification time)."""
    stat = path.stat()
    return _file_facts(str(path), stat.st_size, stat.st_mtime_ns)


def header_key(text: object) -> str:
    """How headers are compared: full-width folded, no spaces, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def header_index(rows: list[list[str]], known: set[str]) -> int | None:
    best, hits_best = None, 0
    for i, row in enumerate(rows):
        hits = sum(header_key(v) in known for v in row)
        if hits > hits_best:
            best, hits_best = i, hits
    return best


def finish(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, set_aside: int = 0
) -> Staged:
    columns = [r[0] for r in con.execute(f"DESCRIBE {EXTRACT}").fetchall() if r[0] != "_row"]
    if not columns:
        raise ExtractError(path, "no columns under the header")
    rows = con.execute(f"SELECT count(*) FROM {EXTRACT}").fetchall()[0][0] + set_aside
    if rows == 0:
        raise ExtractError(path, "the file has a header but no data rows")
    return Staged(tuple(columns), rows, encoding)
