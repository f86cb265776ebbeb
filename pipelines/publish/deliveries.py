"""One delivery into the warehouse: an extract read, checked and written in its own
transaction (a file that cannot be read fails alone, naming itself and the reason), its
run recorded in ``meta.load_run``, the catalog (``meta.source``) brought up to date, and
the processed file archived and taken out of the inbox."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cockpit.settings import Settings
from pipelines.ingest.extract import ExtractError, file_facts
from pipelines.ingest.pull import PARTIAL, PULLED
from pipelines.ingest.sources import SOURCES
from pipelines.publish.served import serving_run

Echo = Callable[[str], None]


@dataclass
class FileResult:
    source: str
    file: Path
    status: str  # ok | unchanged | failed
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""
    digest: str = ""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _received(path: Path) -> dt.datetime:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return stamp.replace(tzinfo=None)


def arrival(path: Path) -> tuple[float, str]:
    return path.stat().st_mtime, path.name


def _record_run(
    con, run_id, refresh_id, source, result: FileResult, started, periods, received=None
):
    con.execute(
        "INSERT INTO meta.load_run (run_id, refresh_id, source, file, file_hash, started, "
        "finished, status, rows_in, rows_loaded, rows_rejected, periods, message, archive_path, "
        "received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id, refresh_id, source, result.file.name, result.digest, started, utcnow(),
            result.status, result.rows_in, result.rows_loaded, result.rows_rejected,
            list(periods), result.message,
            archive_name(source, result.digest, result.file) if result.status == "ok" else None,
            received or _received(result.file),
        ],
    )  # fmt: skip


def failed_pull(con, refresh_id: str, source: str, message: str) -> FileResult:
    """A pull that failed, recorded as a failed delivery of its source (no file came)."""
    result = FileResult(source, Path("(pull)"), "failed", message=message)
    now = utcnow()
    _record_run(con, f"{refresh_id}:{source}:pull", refresh_id, source, result, now, (), now)
    return result


def load_file(con, source, path, refresh_id, today, scratch, echo: Echo) -> FileResult:
    digest = file_facts(path).digest
    serving = serving_run(con, source.id, source.table, digest)
    if serving:
        return FileResult(
            source.id, path, "unchanged", message=f"served now, from {serving}", digest=digest
        )
    run_id = f"{refresh_id}:{source.id}:{digest[:8]}"
    started = utcnow()
    try:
        batch = source.read(con, path, today, scratch, progress=echo)
    except ExtractError as exc:
        result = FileResult(source.id, path, "failed", message=str(exc), digest=digest)
        _record_run(con, run_id, refresh_id, source.id, result, started, ())
        return result
    con.begin()
    try:
        # An incremental pull's file replaces the rows of its keys, not whole months.
        partial = path.name.endswith(PARTIAL)
        loaded = (
            source.write(con, batch, run_id, partial=True)
            if partial
            else source.write(con, batch, run_id)
        )
        notes = "; ".join(batch.notes)
        result = FileResult(
            source.id, path, "ok", batch.rows_in, loaded, batch.rows_rejected, notes, digest
        )
        if result.rows_in != result.rows_loaded + result.rows_rejected:
            raise RuntimeError(
                f"{path.name}: {result.rows_in} rows in ≠ "
                f"{loaded} loaded + {batch.rows_rejected} rejected"
            )
        _record_run(con, run_id, refresh_id, source.id, result, started, batch.periods)
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        result = FileResult(
            source.id, path, "failed", message=f"{path.name}: cannot load ({exc})", digest=digest
        )
        _record_run(con, run_id, refresh_id, source.id, result, started, ())
    return result


def update_catalog(con: duckdb.DuckDBPyConnection, results: list[FileResult]) -> None:
    for source in SOURCES.values():
        mine = [r for r in results if r.source == source.id and r.status != "unchanged"]
        failed = [r for r in mine if r.status == "failed"]
        status = "failed" if failed else ("ok" if mine else None)
        message = "; ".join(r.message for r in failed) or None
        con.execute(
            """
            INSERT INTO meta.source (source, department, department_zh, department_en, title_zh,
                title_en, description_zh, description_en, table_name, cadence, max_age_days,
                last_success, last_status, last_message, schema_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                (SELECT max(finished) FROM meta.load_run WHERE source = ? AND status = 'ok'),
                ?, ?, ?)
            ON CONFLICT (source) DO UPDATE SET schema_json = excluded.schema_json,
                department = excluded.department, department_zh = excluded.department_zh,
                department_en = excluded.department_en, title_zh = excluded.title_zh,
                title_en = excluded.title_en, description_zh = excluded.description_zh,
                description_en = excluded.description_en, table_name = excluded.table_name,
                cadence = excluded.cadence, max_age_days = excluded.max_age_days,
                last_success = excluded.last_success,
                last_status = coalesce(excluded.last_status, meta.source.last_status),
                last_message = CASE WHEN excluded.last_status IS NULL
                                    THEN meta.source.last_message ELSE excluded.last_message END
            """,
            [
                source.id, source.department_id, source.department_zh, source.department_en,
                source.title_zh, source.title_en, source.description_zh, source.description_en,
                f"stg.{source.table}", source.cadence, source.max_age_days, source.id,
                status, message, json.dumps(source.schema(), ensure_ascii=False),
            ],
        )  # fmt: skip


def archive_name(source: str, digest: str, file: Path) -> str:
    """Where an extract is kept, exactly as received, relative to the archive folder."""
    return f"{source}/{digest[:16]}-{file.name}"


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def archive(settings: Settings, results: list[FileResult]) -> None:
    """Extracts as received hold what the warehouse never does (callers' names and
    numbers): the archive is the owner's alone, 0700 folders and 0600 files."""
    for result in results:
        if result.status == "failed" and PULLED in result.file.name and result.file.exists():
            # A pulled file that would not load is kept for the audit, out of the inbox:
            # the next refresh pulls again rather than failing on it again.
            kept = settings.archive / result.source / "failed" / result.file.name
            _private_dir(settings.archive)
            _private_dir(kept.parent.parent)
            _private_dir(kept.parent)
            shutil.move(result.file, kept)
            kept.chmod(0o600)
            continue
        if result.status not in ("ok", "unchanged") or not result.file.exists():
            continue
        target = settings.archive / archive_name(result.source, result.digest, result.file)
        _private_dir(settings.archive)
        _private_dir(target.parent)
        if target.exists():
            result.file.unlink()
        else:
            # A rename where inbox and archive share a file system: no second copy to write.
            shutil.move(result.file, target)
        target.chmod(0o600)


def describe(result: FileResult, seconds: float) -> str:
    head = f"{result.source:<11} {result.file.name}"
    if result.status == "unchanged":
        return f"{head}: unchanged ({result.message})"
    if result.status == "failed":
        return f"{head}: FAILED: {result.message}"
    rate = result.rows_in / seconds if seconds > 0 else 0
    return (
        f"{head}: {result.rows_in:,} rows in, {result.rows_loaded:,} loaded, "
        f"{result.rows_rejected:,} rejected ({seconds:.1f} s, {rate:,.0f} rows/s)"
        + (f" [{result.message}]" if result.message else "")
    )
