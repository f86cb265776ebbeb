"""``cockpit refresh``: load every extract in the inbox, materialise the layers, publish.

Each file loads in its own transaction: a file that cannot be read fails alone, with a
message naming it and the reason, and the other files and sources still publish.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cockpit.settings import Settings
from pipelines import warehouse
from pipelines.areas.buildings import publish_buildings
from pipelines.areas.inside import demo_points_inside
from pipelines.areas.placement import place_facilities
from pipelines.areas.points import publish_park_sections, publish_points
from pipelines.areas.publish import publish_areas, publish_code_changes, recode_history
from pipelines.areas.tree import load_tree
from pipelines.ingest.area_index import AreaIndex
from pipelines.ingest.quality import publish_deliveries
from pipelines.ingest.sources import SOURCES
from pipelines.ingest.synthetic import mark_synthetic, take_demo_list
from pipelines.layers.check import check_layers, layer_digest
from pipelines.layers.engine import materialise
from pipelines.layers.engines import layer_values
from pipelines.layers.kept import KeptValues, changed_tables
from pipelines.layers.spec import LayerError
from pipelines.publish.deliveries import (
    FileResult,
    archive,
    arrival,
    describe,
    failed_pull,
    load_file,
    update_catalog,
    utcnow,
)
from pipelines.publish.linkage import publish_task_snapshot
from pipelines.publish.pulls import PullError, check_declared, keep_watermark, pull_source

Echo = Callable[[str], None]


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
    check_declared(settings, list(SOURCES))
    report = RefreshReport(new_refresh_id())
    started = utcnow()
    tree = load_tree(settings)
    areas = tree.areas
    with warehouse.build(settings, report.refresh_id) as con:
        AreaIndex(areas, tree.former()).install(con)
        publish_areas(con, areas)
        publish_code_changes(con, tree)
        recode_history(con)
        scratch = warehouse.scratch_dir(settings)
        for source in selected:
            pulled = None
            if source.id in settings.sources:
                try:
                    pulled = pull_source(settings, con, source.id, report.refresh_id, echo)
                except PullError as exc:
                    failed = failed_pull(con, report.refresh_id, source.id, str(exc))
                    report.files.append(failed)
                    echo(describe(failed, 0))
            # The last file received for a month is the one served for it.
            for path in sorted(source.files(settings.inbox), key=arrival):
                t0 = time.perf_counter()
                result = load_file(con, source, path, report.refresh_id, today, scratch, echo)
                report.files.append(result)
                echo(describe(result, time.perf_counter() - t0))
                if pulled is not None and path == pulled.file and result.status == "ok":
                    keep_watermark(con, pulled, settings.sources[source.id].how)
            if source.id == "boundaries":
                publish_areas(con, areas)
        update_catalog(con, report.files)
        demo_list = take_demo_list(con, settings.inbox)
        mark_synthetic(con)
        changed = changed_tables(con, {r.source for r in report.files if r.status == "ok"})
        for table, moved in demo_points_inside(con, changed).items():
            echo(f"demo        {moved:,} point(s) of stg.{table} moved inside their area's shape")
        touched = [s for s in SOURCES.values() if changed is None or f"stg.{s.table}" in changed]
        for source_id, rows in place_facilities(con, touched).items():
            echo(
                f"{source_id:<11} {rows:,} row(s) filed under a park with no boundary to "
                "place them in a community: counted in no total"
            )
        homeless = publish_buildings(con, changed)
        if homeless:
            echo(f"buildings   {homeless:,} building(s) in no community's boundary: not published")
        publish_deliveries(con)
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
        publish_points(con, changed)
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
        made = outcome.forecasts
        echo(
            f"forecast {made.get('forecasts', 0):,} value(s) 1–3 months ahead for "
            f"{made.get('indicators', 0)} indicator(s), "
            f"{made.get('warnings', 0)} early warning(s) live and on history, "
            f"in {outcome.forecast_seconds:.1f} s"
        )
        con.execute(
            "INSERT INTO meta.refresh VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                report.refresh_id, started, utcnow(), "ok" if report.ok else "partial",
                sorted({s.id for s in selected} - set(report.failed_sources)),
                report.failed_sources, sorted({str(e.path) for e in layer_errors}),
                "; ".join(f.message for f in report.files if f.status == "failed") or None,
            ],
        )  # fmt: skip
    report.published = warehouse.current_version(settings)
    archive(settings, report.files)
    if demo_list is not None:
        demo_list.unlink(missing_ok=True)
    return report
