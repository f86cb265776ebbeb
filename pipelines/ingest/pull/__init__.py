"""Sources pulled from where a department keeps them (``[sources.<id>]`` in cockpit.toml):
a query on a database, or a REST interface. A pull writes what it got into the inbox as a
file, and from there it is an extract like any other: the same contract, checks,
quarantine, transaction, catalog entry and archive. The archived file is what was pulled,
so every load can be run again and audited.

An incremental pull (``incremental = "updated_at"``) brings only the rows past the last
pull's watermark. Its file is a *partial* delivery (``*.partial.csv``): its rows replace
the served rows with the same key and leave the rest of their months as they were.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cockpit.connections import ApiPull, ConnectionSettingError, SqlPull
from pipelines.ingest.pull.errors import PullError

__all__ = ["PARTIAL", "PULLED", "PullError", "Pulled", "pull", "write_rows"]

PARTIAL = ".partial.csv"
# Every pulled file's name has this after its source: "health-pulled-<refresh>.csv".
PULLED = "-pulled-"


@dataclass(frozen=True)
class Pulled:
    source: str
    file: Path | None  # None when an incremental pull found nothing new
    rows: int
    watermark: object | None
    partial: bool


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return format(value, "f") if isinstance(value, decimal.Decimal) else repr(value)
    return str(value)


@contextlib.contextmanager
def whole_file(folder: Path, name: str) -> Iterator[Path]:
    """A file written under a temporary name and renamed into place once whole: a pull
    killed halfway leaves no file an inbox scan would take (and removes its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.{os.getpid()}.pulling"
    try:
        yield partial
        os.replace(partial, folder / name)
    finally:
        partial.unlink(missing_ok=True)


def write_rows(
    folder: Path, name: str, columns: list[str], rows: Iterable[Iterable[object]]
) -> tuple[Path, int]:
    """The rows as a UTF-8 CSV named ``name`` in ``folder``."""
    count = 0
    with (
        whole_file(folder, name) as partial,
        partial.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    return folder / name, count


def pull(
    source: str,
    connection: SqlPull | ApiPull,
    folder: Path,
    stamp: str,
    watermark: object | None = None,
    limit: int | None = None,
) -> Pulled:
    """Pull ``source`` into a file in ``folder`` (its inbox folder); ``limit`` rows at most
    (a sample, for ``cockpit sources test``)."""
    from pipelines.ingest.pull import api, sql

    incremental = isinstance(connection, SqlPull) and connection.incremental is not None
    partial = incremental and watermark is not None
    name = f"{source}{PULLED}{stamp}{PARTIAL if partial else '.csv'}"
    try:
        if isinstance(connection, SqlPull) and sql.copies(connection):
            with whole_file(folder, name) as target:
                count, last = sql.copy_out(source, connection, target, watermark, limit)
            path, newest = folder / name, (lambda: last)
        else:
            if isinstance(connection, SqlPull):
                columns, rows, newest = sql.rows(source, connection, watermark, limit)
            else:
                columns, rows, newest = api.rows(source, connection, limit)
            path, count = write_rows(folder, name, columns, rows)
    except ConnectionSettingError as exc:
        raise PullError(f"{source}: {exc}") from exc
    if partial and count == 0:
        path.unlink()
        return Pulled(source, None, 0, watermark, partial)
    return Pulled(source, path, count, newest() if incremental else None, partial)
