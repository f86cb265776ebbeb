"""The pulls of a refresh: each source declared ``from = "sql"`` or ``"api"`` in
cockpit.toml is pulled into its inbox folder before the inbox is read, and its watermark
is kept (``meta.pull_state``) only once the pulled file has loaded. A pull that fails is a
failed delivery in the catalog, named with its cause; what is served stays."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cockpit.connections import ApiPull, SqlPull
from cockpit.settings import Settings
from pipelines.areas.tree import load_tree
from pipelines.ingest.area_index import AreaIndex
from pipelines.ingest.pull import Pulled, PullError, pull
from pipelines.ingest.sources import SOURCES
from pipelines.warehouse import SCHEMA_SQL, current_version

Echo = Callable[[str], None]


def check_declared(settings: Settings, known: list[str]) -> None:
    """Every ``[sources.<id>]`` names a source the cockpit has."""
    stray = sorted(set(settings.sources) - set(known))
    if stray:
        raise ValueError(
            f"cockpit.toml [sources.{stray[0]}]: no such source; known: {', '.join(known)}"
        )


def _encode(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return json.dumps({"datetime": value.isoformat()})
    if isinstance(value, dt.date):
        return json.dumps({"date": value.isoformat()})
    if isinstance(value, int | float | str):
        return json.dumps(value)
    return json.dumps(str(value))


def _decode(text: str | None) -> object | None:
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, dict) and "datetime" in value:
        return dt.datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and "date" in value:
        return dt.date.fromisoformat(value["date"])
    return value


def watermark(con: duckdb.DuckDBPyConnection, source: str) -> object | None:
    row = con.execute("SELECT watermark FROM meta.pull_state WHERE source = ?", [source]).fetchone()
    return _decode(row[0]) if row else None


def pull_source(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    source: str,
    stamp: str,
    echo: Echo,
) -> Pulled:
    """Pull one declared source into its inbox folder; raises PullError."""
    connection: SqlPull | ApiPull = settings.sources[source]
    since = watermark(con, source) if isinstance(connection, SqlPull) else None
    pulled = pull(source, connection, settings.inbox / source, stamp, since)
    if pulled.file is None:
        echo(f"{source:<11} pulled ({connection.how}): nothing past the last pull")
    else:
        echo(
            f"{source:<11} pulled ({connection.how}): {pulled.rows:,} rows into {pulled.file.name}"
        )
    return pulled


def keep_watermark(con: duckdb.DuckDBPyConnection, pulled: Pulled, how: str) -> None:
    """Once the pulled file has loaded: where the next incremental pull starts."""
    con.execute(
        "INSERT OR REPLACE INTO meta.pull_state VALUES (?, ?, ?, ?, ?, ?)",
        [pulled.source, how, _encode(pulled.watermark), dt.datetime.now(dt.UTC).replace(
            tzinfo=None), pulled.rows, pulled.file.name if pulled.file else None],
    )  # fmt: skip


@dataclass(frozen=True)
class Trial:
    """What ``cockpit sources test`` found: what a refresh would load and reject."""

    source: str
    how: str
    file: str
    rows_in: int
    rows_rejected: int
    periods: tuple[str, ...]
    mapping: dict[str, str]
    rejected: list[tuple[int, list[str]]]
    notes: tuple[str, ...]


def try_source(settings: Settings, source_id: str, limit: int = 1_000) -> Trial:
    """Connect, pull a sample (or take the newest file in the inbox), run the contract's
    checks on it in a database of its own, and say what would load and what would be
    rejected. Nothing is written: not the inbox, not the warehouse, not a watermark.
    Raises PullError, or ExtractError for a file that cannot be read."""
    source = SOURCES[source_id]
    connection = settings.sources.get(source_id)
    with tempfile.TemporaryDirectory(prefix="cockpit-sources-test-") as folder:
        scratch = Path(folder)
        if connection is not None:
            pulled = pull(source_id, connection, scratch, "sample", None, limit)
            if pulled.file is None:
                raise PullError(f"{source_id}: the query returned nothing")
            path, how = pulled.file, connection.how
        else:
            files = sorted(source.files(settings.inbox), key=lambda p: p.stat().st_mtime)
            files = files or _last_archived(settings, source_id)
            if not files:
                raise PullError(f"{source_id}: no file in {settings.inbox / source_id}")
            path, how = files[-1], "file"
        tree = load_tree(settings)
        con = duckdb.connect()
        try:
            con.execute(SCHEMA_SQL)
            AreaIndex(tree.areas, tree.former()).install(con)
            batch = source.read(con, path, None, scratch)
            rejected = con.execute(
                "SELECT _row, reasons FROM _checked WHERE len(reasons) > 0 ORDER BY _row LIMIT 10"
            ).fetchall()
        finally:
            con.close()
    return Trial(
        source_id, how, path.name, batch.rows_in, batch.rows_rejected, batch.periods,
        batch.mapping, [(int(r), list(reasons)) for r, reasons in rejected], batch.notes,
    )  # fmt: skip


def _last_archived(settings: Settings, source_id: str) -> list[Path]:
    """The file last loaded from the inbox, as the archive keeps it."""
    path = current_version(settings)
    if path is None:
        return []
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(
            "SELECT archive_path FROM meta.load_run WHERE source = ? AND status = 'ok' "
            "AND archive_path IS NOT NULL ORDER BY finished DESC LIMIT 1",
            [source_id],
        ).fetchone()
    finally:
        con.close()
    found = settings.archive / row[0] if row else None
    return [found] if found is not None and found.exists() else []


def arrivals(settings: Settings) -> list[dict]:
    """Every source: how it arrives, its schedule, and its last delivery as served."""
    served: dict[str, tuple] = {}
    pulls: dict[str, tuple] = {}
    path = current_version(settings)
    if path is not None:
        con = duckdb.connect(str(path), read_only=True)
        try:
            served = {
                row[0]: row[1:]
                for row in con.execute(
                    "SELECT source, last_success, last_status, last_message FROM meta.source"
                ).fetchall()
            }
            # A warehouse published before pulls existed has no meta.pull_state.
            if con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' "
                "AND table_name = 'pull_state'"
            ).fetchone()[0]:
                pulls = {
                    row[0]: row[1:]
                    for row in con.execute(
                        "SELECT source, pulled, rows FROM meta.pull_state"
                    ).fetchall()
                }
        finally:
            con.close()
    out = []
    for source in SOURCES.values():
        connection = settings.sources.get(source.id)
        last = served.get(source.id, (None,) * 3) + pulls.get(source.id, (None, None))
        out.append(
            {
                "source": source.id, "how": connection.how if connection else "file",
                "schedule": source.cadence, "last_success": last[0], "last_status": last[1],
                "last_message": last[2], "last_pull": last[3], "last_pull_rows": last[4],
            }
        )  # fmt: skip
    return out
