"""``cockpit areas import``: a boundary file checked whole and staged (``areas``), then
published by a refresh of the boundaries alone: all or nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import orjson

from cockpit.settings import Settings
from pipelines.areas.boundary_import import (
    ImportOptions,
    ImportOutcome,
    outlines_from_children,
    prepare,
    stage,
)
from pipelines.areas.boundary_report import (
    ImportReport,
    served_shapes,
    staged_real_boundaries,
    staged_synthetic_codes,
)
from pipelines.areas.fitted_shapes import fitted_boundaries
from pipelines.areas.tree import load_area_tree
from pipelines.publish.refresh import run_refresh


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d%H%M%S%f")


def _redraw_synthetic(
    settings: Settings, path: Path, new: dict[str, object], report: ImportReport
) -> Path | None:
    """The synthetic boundaries in force (the demo's), redrawn around the real ones as they
    are after this import, and staged beside it: a community the file lacks gets a share of
    its real street left over by its real siblings, never a shape kilometres away."""
    synthetic = set(served_shapes(settings)) - set(served_shapes(settings, real_only=True))
    synthetic |= staged_synthetic_codes(settings.inbox)
    if not synthetic:
        return None
    real = {**served_shapes(settings, real_only=True), **staged_real_boundaries(settings.inbox)}
    real.update(new)
    redrawn = fitted_boundaries(load_area_tree(settings), real)
    if not redrawn["features"]:
        return None
    target = settings.inbox / "boundaries" / f"{_stamp()}-synthetic-around-{path.stem}.geojson"
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(orjson.dumps(redrawn))
    os.replace(tmp, target)
    report.notes.append(
        f"{len(redrawn['features'])} synthetic boundaries (areas without a real one) redrawn "
        "around the real ones"
    )
    return target


def import_boundaries(
    settings: Settings, path: Path, options: ImportOptions, publish: bool = True
) -> ImportOutcome:
    """Check the whole file, then stage it and (unless ``publish`` is false) refresh the
    boundaries: all or nothing. Raises ImportRefused with the report."""
    shapes, report = prepare(settings, path, options)
    level = options.level
    derived = outlines_from_children(settings, level, shapes, report)
    staged = stage(settings, path, level, shapes, derived)
    _redraw_synthetic(settings, path, {**shapes, **derived}, report)
    if not publish:
        return ImportOutcome(report, staged, True, f"staged {staged}; run `cockpit refresh`")
    refreshed = run_refresh(settings, ["boundaries"], echo=lambda _line: None)
    if refreshed.failed_sources:
        failure = next(f.message for f in refreshed.files if f.status == "failed")
        return ImportOutcome(report, staged, False, f"refresh failed: {failure}")
    return ImportOutcome(
        report, staged, True, f"imported {len(shapes)} {level} boundaries; published "
        f"{refreshed.published}"
    )  # fmt: skip
