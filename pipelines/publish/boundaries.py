"""``cockpit areas import``: a boundary file checked whole and staged (``areas``), then
published by a refresh of the boundaries alone: all or nothing."""

from __future__ import annotations

from pathlib import Path

from cockpit.settings import Settings
from pipelines.areas.boundary_import import ImportOptions, ImportOutcome, prepare, stage
from pipelines.publish.refresh import run_refresh


def import_boundaries(
    settings: Settings, path: Path, options: ImportOptions, publish: bool = True
) -> ImportOutcome:
    """Check the whole file, then stage it and (unless ``publish`` is false) refresh the
    boundaries: all or nothing. Raises ImportRefused with the report."""
    shapes, report = prepare(settings, path, options)
    level = options.level
    staged = stage(settings, path, level, shapes)
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
