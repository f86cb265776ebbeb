"""``cockpit refresh``: load every extract in the inbox, materialise the layers, publish.

Each file loads in its own transaction: a file that cannot be read fails alone, with a
message naming it and the reason, and the other files and sources still publish.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cockpit.settings import Settings
from pipelines import warehouse
from pipelines.areas.placement import place_facilities
from pipelines.areas.points import publish_park_sections, publish_points
from pipelines.areas.publish import publish_areas, publish_code_changes, recode_history
from pipelines.areas.tree import load_tree
from pipelines.ingest.area_index import AreaIndex
from pipelines.ingest.extract import ExtractError, file_facts
from pipelines.ingest.quality import publish_deliveries
from pipelines.ingest.sources import SOURCES
from pipelines.ingest.synthetic import mark_synthetic, take_demo_list
from pipelines.layers.check import check_layers, layer_digest
from pipelines.layers.engine import materialise
from pipelines.layers.engines import layer_values
from pipelines.layers.kept import KeptValues, changed_tables
from pipelines.layers.spec import LayerError
from pipelines.publish.linkage import publish_task_snapshot
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


@dataclass
class RefreshReport:
    refresh_id: str
    files: list[FileResult] = field(default_factory=list)
    layer_errors: list[LayerError] = field(default_factory=list)
    published: Path | None = None

    @property
    def failed_sources(self) -> list[str]:
        return sorted({f.source for f in self.files if f.status == "failed"})

    @property
    def ok(self) -> bool:
        return not self.failed_sources and not self.layer_errors


# Layer digests whose checks passed in this process. The checks are a function of the
# digest alone (the layer's files and the engine's code), so a pass holds for every
# warehouse this process refreshes (the scheduler's, the tests' dozens of cockpits), not
# only the one whose ``meta.layer_check`` records it; a failure is never kept.
_PASSED_HERE: set[str] = set()


def new_refresh_id() -> str:
    # To the microsecond: versions are named by it and pruned oldest first by name, and
    # two refreshes (the scheduler's, or a test's) can publish within one second.
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S%f}-{os.urandom(2).hex()}"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _received(path: Path) -> dt.datetime:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return stamp.replace(tzinfo=None)


def _arrival(path: Path) -> tuple[float, str]:
    return path.stat().st_mtime, path.name


def _record_run(con, run_id, refresh_id, source, result: FileResult, started, periods):
    con.execute(
        "INSERT INTO meta.load_run (run_id, refresh_id, source, file, file_hash, started, "
        "finished, status, rows_in, rows_loaded, rows_rejected, periods, message, archive_path, "
        "received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id, refresh_id, source, result.file.name, result.digest, started, _utcnow(),
            result.status, result.rows_in, result.rows_loaded, result.rows_rejected,
            list(periods), result.message,
            archive_name(source, result.digest, result.file) if result.status == "ok" else None,
            _received(result.file),
        ],
    )  # fmt: skip


def _load_file(con, source, path, refresh_id, today, scratch, echo: Echo) -> FileResult:
    digest = file_facts(path).digest
    serving = serving_run(con, source.id, source.table, digest)
    if serving:
        return FileResult(
            source.id, path, "unchanged", message=f"served now, from {serving}", digest=digest
        )
    run_id = f"{refresh_id}:{source.id}:{digest[:8]}"
    started = _utcnow()
    try:
        batch = source.read(con, path, today, scratch, progress=echo)
    except ExtractError as exc:
        result = FileResult(source.id, path, "failed", message=str(exc), digest=digest)
        _record_run(con, run_id, refresh_id, source.id, result, started, ())
        return result
    con.begin()
    try:
        loaded = source.write(con, batch, run_id)
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


def _update_catalog(con: duckdb.DuckDBPyConnection, results: list[FileResult]) -> None:
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


def _archive(settings: Settings, results: list[FileResult]) -> None:
    """Extracts as received hold what the warehouse never does (callers' names and
    numbers): the archive is the owner's alone, 0700 folders and 0600 files."""
    for result in results:
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


def run_refresh(
    settings: Settings,
    only: list[str] | None = None,
    today: dt.date | None = None,
    echo: Echo = print,
    engine: str = "duckdb",
) -> RefreshReport:
    """Load every extract in the inbox (or those of ``only``), materialise the layers on
    ``engine`` (``duckdb`` or ``spark``) and publish."""
    unknown = sorted(set(only or []) - set(SOURCES))
    if unknown:
        raise ValueError(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    selected = [s for s in SOURCES.values() if not only or s.id in only]
    report = RefreshReport(new_refresh_id())
    started = _utcnow()
    tree = load_tree(settings)
    areas = tree.areas
    with warehouse.build(settings, report.refresh_id) as con:
        AreaIndex(areas, tree.former()).install(con)
        publish_areas(con, areas)
        publish_code_changes(con, tree)
        recode_history(con)
        scratch = warehouse.scratch_dir(settings)
        for source in selected:
            # The last file received for a month is the one served for it.
            for path in sorted(source.files(settings.inbox), key=_arrival):
                t0 = time.perf_counter()
                result = _load_file(con, source, path, report.refresh_id, today, scratch, echo)
                report.files.append(result)
                echo(_describe(result, time.perf_counter() - t0))
            if source.id == "boundaries":
                publish_areas(con, areas)
        _update_catalog(con, report.files)
        demo_list = take_demo_list(con, settings.inbox)
        mark_synthetic(con)
        changed = changed_tables(con, {r.source for r in report.files if r.status == "ok"})
        touched = [s for s in SOURCES.values() if changed is None or f"stg.{s.table}" in changed]
        for source_id, rows in place_facilities(con, touched).items():
            echo(
                f"{source_id:<11} {rows:,} row(s) filed under a park with no boundary to "
                "place them in a community: counted in no total"
            )
        publish_deliveries(con)
        publish_points(con, changed)
        publish_park_sections(con)
        echo(publish_task_snapshot(con, settings))
        passed = [r[0] for r in con.execute("SELECT digest FROM meta.layer_check").fetchall()]
        layers, layer_errors = check_layers(settings.layers, [*passed, *_PASSED_HERE])
        _PASSED_HERE.update(layer_digest(layer) for layer in layers)
        con.executemany(
            "INSERT OR IGNORE INTO meta.layer_check VALUES (?, ?)",
            [[layer_digest(layer), layer.id] for layer in layers],
        )
        kept = KeptValues({layer.id: layer_digest(layer) for layer in layers}, changed)
        values = layer_values(settings, con, layers, engine, kept, echo)
        outcome = materialise(con, layers, report.refresh_id, values, kept.stands)
        kept.forget_others(con)
        layer_errors += outcome.errors
        report.layer_errors = layer_errors
        for error in layer_errors:
            echo(f"layer  {error}")
        for layer_id, missing in outcome.waiting.items():
            echo(f"layer  {layer_id}: waiting for {', '.join(missing)} (never loaded)")
        echo(
            f"layers {len(outcome.done)} materialised ({len(outcome.computed)} computed, "
            f"{len(outcome.done) - len(outcome.computed)} kept: none of their sources "
            f"changed), {len(layer_errors)} "
            f"left out, {len(outcome.waiting)} waiting for a source"
        )
        con.execute(
            "INSERT INTO meta.refresh VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                report.refresh_id, started, _utcnow(), "ok" if report.ok else "partial",
                sorted({s.id for s in selected} - set(report.failed_sources)),
                report.failed_sources, sorted({str(e.path) for e in layer_errors}),
                "; ".join(f.message for f in report.files if f.status == "failed") or None,
            ],
        )  # fmt: skip
    report.published = warehouse.current_version(settings)
    _archive(settings, report.files)
    if demo_list is not None:
        demo_list.unlink(missing_ok=True)
    return report


def _describe(result: FileResult, seconds: float) -> str:
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
