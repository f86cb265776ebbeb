"""``cockpit areas import``: a boundary file checked whole and staged (``areas``), then
published by a refresh of the boundaries alone: all or nothing."""

from __future__ import annotations

from pathlib import Path

from cockpit.settings import Settings
from pipelines.areas.boundary_import import (
    ImportOptions,
    ImportOutcome,
    outlines_from_children,
    prepare,
    stage,
    write_staged,
)
from pipelines.areas.boundary_report import ImportReport, InForce, shapes_in_force
from pipelines.areas.fitted_shapes import fitted_boundaries
from pipelines.areas.tree import load_area_tree
from pipelines.publish.refresh import run_refresh


def _redraw_synthetic(
    settings: Settings,
    path: Path,
    new: dict[str, object],
    report: ImportReport,
    in_force: InForce,
) -> Path | None:
    """The synthetic boundaries in force (the demo's), redrawn around the real ones as they
    are after this import, and staged beside it: a community the file lacks gets a share of
    its real street left over by its real siblings, never a shape kilometres away."""
    if not in_force.synthetic:
        return None
    redrawn = fitted_boundaries(load_area_tree(settings), {**in_force.real, **new})
    if not redrawn["features"]:
        return None
    target = write_staged(settings, f"synthetic-around-{path.stem}", redrawn)
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
    # What is served and waiting, read once for every check and redraw below.
    in_force = shapes_in_force(settings)
    shapes, report = prepare(settings, path, options, in_force)
    level = options.level
    derived = outlines_from_children(settings, level, shapes, report, in_force)
    staged = stage(settings, path, level, shapes, derived)
    _redraw_synthetic(settings, path, {**shapes, **derived}, report, in_force)
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
