"""The warehouse file and how a refresh publishes it.

Every refresh builds a new DuckDB file aside (a copy of the served one, then changed),
checkpoints, closes and fsyncs it, and then swaps the served pointer, a symlink, to it
with one ``os.replace``. Readers always open the file the pointer names, read-only: they
see the old version or the new one, never a half-written state. Each version has its own
file name, so DuckDB's per-path instance cache never hands a reader a stale database, and
no ``.wal`` ever sits beside a swapped file. A killed build leaves only a ``*.building``
file behind, removed by the next refresh.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from cockpit.settings import Settings

DUCKDB_CONFIG = {"python_enable_replacements": False}
# Progress bars are per connection in DuckDB 2.0 and would print to stderr.
SESSION_SQL = "SET enable_progress_bar = false"
BUILDING_SUFFIX = ".building"

SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS stg;
CREATE SCHEMA IF NOT EXISTS ind;
CREATE SCHEMA IF NOT EXISTS meta;
-- Codes that changed (re-zoning): the former areas a URL or an account may still name.
CREATE TABLE IF NOT EXISTS ind.area_change (
    level VARCHAR, old_code VARCHAR, old_name VARCHAR, new_code VARCHAR, new_name VARCHAR,
    effective DATE, merged BOOLEAN
);
CREATE TABLE IF NOT EXISTS meta.load_run (
    run_id VARCHAR PRIMARY KEY, refresh_id VARCHAR, source VARCHAR, file VARCHAR,
    file_hash VARCHAR, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
    rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, periods VARCHAR[],
    message VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.rejected_row (
    run_id VARCHAR, source VARCHAR, file VARCHAR, row_number BIGINT, record VARCHAR,
    reasons VARCHAR[]
);
CREATE TABLE IF NOT EXISTS meta.source (
    source VARCHAR PRIMARY KEY, department VARCHAR, department_zh VARCHAR,
    department_en VARCHAR, title_zh VARCHAR, title_en VARCHAR, description_zh VARCHAR,
    description_en VARCHAR, table_name VARCHAR, cadence VARCHAR, max_age_days INTEGER,
    last_success TIMESTAMP, last_status VARCHAR, last_message VARCHAR
);
-- Columns added after the first release: a copied warehouse gains them here.
ALTER TABLE meta.source ADD COLUMN IF NOT EXISTS schema_json VARCHAR;
-- The extract exactly as received, under the archive folder (the raw layer).
ALTER TABLE meta.load_run ADD COLUMN IF NOT EXISTS archive_path VARCHAR;
-- When the extract reached the inbox (its modification time): what timeliness is judged on.
ALTER TABLE meta.load_run ADD COLUMN IF NOT EXISTS received TIMESTAMP;
ALTER TABLE meta.load_run ADD COLUMN IF NOT EXISTS synthetic BOOLEAN;
ALTER TABLE meta.source ADD COLUMN IF NOT EXISTS synthetic BOOLEAN;
CREATE TABLE IF NOT EXISTS meta.demo_file (digest VARCHAR PRIMARY KEY, file VARCHAR);
-- Layers whose lint and YAML tests passed, by ``layer_digest``: not re-run until a file
-- of the layer or the engine changes.
CREATE TABLE IF NOT EXISTS meta.layer_check (digest VARCHAR PRIMARY KEY, layer VARCHAR);
-- Pulled sources: how each arrives (file, sql, api) and the watermark of its last
-- incremental pull that was loaded.
CREATE TABLE IF NOT EXISTS meta.pull_state (
    source VARCHAR PRIMARY KEY, how VARCHAR, watermark VARCHAR, pulled TIMESTAMP,
    rows BIGINT, file VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.refresh (
    refresh_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
    sources_ok VARCHAR[], sources_failed VARCHAR[], layers_failed VARCHAR[], message VARCHAR
);
"""


class RefreshBusy(RuntimeError):
    """Another refresh holds the warehouse lock."""


def versions_dir(settings: Settings) -> Path:
    return settings.warehouse.parent / "versions"


def current_version(settings: Settings) -> Path | None:
    """The file readers are served now, or None before the first publish."""
    pointer = settings.warehouse
    if not pointer.exists():
        return None
    return pointer.resolve()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _lock(settings: Settings) -> Iterator[None]:
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.warehouse.parent / ".refresh.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshBusy("another refresh is running (warehouse lock is held)") from exc
        yield


def scratch_dir(settings: Settings) -> Path:
    """Where a refresh keeps transcoded copies of extracts while it reads them."""
    return versions_dir(settings) / "scratch"


def _remove_stray_builds(folder: Path) -> list[Path]:
    """What a killed refresh leaves: its half-built file, DuckDB's spill, scratch copies."""
    stray = list(folder.glob(f"*{BUILDING_SUFFIX}*"))
    for path in stray:
        path.unlink(missing_ok=True)
    for leftover in ("spill", "scratch"):
        shutil.rmtree(folder / leftover, ignore_errors=True)
    return stray


def _swap_pointer(settings: Settings, target: Path) -> None:
    pointer = settings.warehouse
    temp = pointer.with_name(pointer.name + ".swap")
    temp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, pointer.parent), temp)
    os.replace(temp, pointer)
    _fsync(pointer.parent)


def serve_copy(settings: Settings, copy: Path) -> Path:
    """A copy of a published version (a backup's) served in place of the current one:
    placed among the versions under its own name, then the pointer swapped to it, under
    the refresh lock so that no refresh publishes in between."""
    with _lock(settings):
        folder = versions_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / copy.name
        if not target.exists():
            partial = target.with_name(target.name + BUILDING_SUFFIX)
            shutil.copyfile(copy, partial)
            _fsync(partial)
            os.replace(partial, target)
        _swap_pointer(settings, target)
        return target


def _prune(settings: Settings, keep: Path) -> None:
    published = sorted(versions_dir(settings).glob("cockpit-*.duckdb"))
    old = [p for p in published if p != keep][: max(0, len(published) - 1 - settings.keep_versions)]
    for path in old:
        # A reader that still has it open keeps reading it: unlinking does not disturb it.
        path.unlink(missing_ok=True)


def connect_build(path: Path, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), config=DUCKDB_CONFIG)
    con.execute(SESSION_SQL)
    con.execute("SET memory_limit = $limit", {"limit": memory_limit})
    con.execute("SET temp_directory = $dir", {"dir": str(path.parent / "spill")})
    con.execute(SCHEMA_SQL)
    return con


@contextlib.contextmanager
def build(settings: Settings, refresh_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a new version; published when the block ends cleanly."""
    with _lock(settings):
        folder = versions_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stray_builds(folder)
        scratch_dir(settings).mkdir()
        final = folder / f"cockpit-{refresh_id}.duckdb"
        aside = final.with_name(final.name + BUILDING_SUFFIX)
        current = current_version(settings)
        if current is not None:
            shutil.copyfile(current, aside)
        con = connect_build(aside, settings.memory_limit)
        try:
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            _remove_stray_builds(folder)
            raise
        con.close()
        _fsync(aside)
        os.replace(aside, final)
        _swap_pointer(settings, final)
        _prune(settings, keep=final)
        _remove_stray_builds(folder)
