"""``cockpit areas import FILE --level building``: a set of buildings checked whole and
staged (``areas.building_import``), then published by a refresh of the buildings alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cockpit.settings import Settings
from pipelines.areas.building_import import BuildingOptions, BuildingReport, prepare, stage
from pipelines.publish.refresh import run_refresh


@dataclass(frozen=True)
class BuildingOutcome:
    report: BuildingReport
    staged: Path
    ok: bool
    message: str


def import_buildings(
    settings: Settings, path: Path, options: BuildingOptions, publish: bool = True
) -> BuildingOutcome:
    """Check the whole file, then stage it and (unless ``publish`` is false) refresh the
    buildings: all or nothing. Raises BuildingsRefused with the report."""
    features, report = prepare(settings, path, options)
    staged = stage(settings, path, features)
    if not publish:
        return BuildingOutcome(report, staged, True, f"staged {staged}; run `cockpit refresh`")
    refreshed = run_refresh(settings, ["buildings"], echo=lambda _line: None)
    if refreshed.failed_sources:
        failure = next(f.message for f in refreshed.files if f.status == "failed")
        return BuildingOutcome(report, staged, False, f"refresh failed: {failure}")
    return BuildingOutcome(
        report, staged, True,
        f"imported {len(features):,} buildings; published {refreshed.published}",
    )  # fmt: skip
