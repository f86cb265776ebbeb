"""``cockpit areas import FILE --level building``: a district's building footprints,
checked whole before anything is served.

Read (Shapefile with a GBK or UTF-8 ``.dbf``, GeoJSON, GeoPackage) → move to WGS84 (an
EPSG code, or GCJ-02/BD-09) → a height for each building, from a height field in metres
or a floors field times the floor height → check every feature: a polygon, a height,
inside the district → either refuse with the report (nothing staged, the buildings served
unchanged), or stage the set as a WGS84 GeoJSON in ``inbox/buildings/`` and publish it
through the ordinary refresh, where it replaces the set before it (the demo's included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from cockpit.settings import Settings
from pipelines import warehouse
from pipelines.areas.boundary_import import read_features, to_wgs84, write_staged
from pipelines.areas.boundary_report import shapes_in_force
from pipelines.areas.tree import load_area_tree
from pipelines.ingest.extract import file_facts
from pipelines.ingest.geo import local_crs, reproject
from pipelines.ingest.sources.buildings import SOURCE, footprint_problem, height_problem
from pipelines.ingest.synthetic import listed_demo_files

# How far outside every community a building may stand (two surveys never trace the same
# line) before it is outside the district.
OUTSIDE_TOLERANCE_M = 30.0
# Past this share of buildings outside, the file's coordinates are wrong, not a few rows.
_WRONG_CRS_SHARE = 0.5
_LISTED = 20


@dataclass(frozen=True)
class BuildingOptions:
    height_field: str | None = None
    floors_field: str | None = None
    floor_height: float = 3.0
    crs: str | None = None
    encoding: str | None = None
    # Import the good buildings and list the others, instead of refusing the file.
    skip_bad: bool = False


@dataclass
class BuildingReport:
    file: Path
    errors: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    good: int = 0

    def text(self) -> str:
        lines = [f"building import report: {self.file} (--level building)"]
        for title, items in (
            ("problems (the import is refused)", self.errors),
            ("buildings that cannot be drawn", self.bad),
            ("notes", self.notes),
        ):
            lines.append(f"  {title}: {len(items)}")
            lines += [f"    - {item}" for item in items[:_LISTED]]
            if len(items) > _LISTED:
                lines.append(f"    - … and {len(items) - _LISTED} more")
        lines.append(f"  buildings ready: {self.good:,}")
        return "\n".join(lines)


class BuildingsRefused(ValueError):
    def __init__(self, reason: str, report: BuildingReport) -> None:
        super().__init__(reason)
        self.report = report


def _heights(frame: pd.DataFrame, options: BuildingOptions, path: Path) -> pd.Series:
    """Each feature's height in metres (NaN where its field is empty or not a number)."""
    column = options.height_field or options.floors_field
    if column is None:
        raise ValueError(
            f"{path}: give --height-field FIELD (metres) or --floors-field FIELD "
            "(with --floor-height, 3 m by default)"
        )
    if column not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != "geometry") or "none"
        raise ValueError(f"{path}: no field {column!r}; its fields are {fields}")
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if options.floors_field:
        if not 1.5 <= options.floor_height <= 10:
            raise ValueError(f"--floor-height {options.floor_height}: not a storey's height (m)")
        values = values * options.floor_height
    return values


def _district(settings: Settings) -> tuple[object, str]:
    """The communities in force as one shape, in metres, and its local CRS."""
    in_force = shapes_in_force(settings)
    tree = load_area_tree(settings)
    communities = set(tree.loc[tree["level"] == "community", "code"])
    shapes = {**in_force.served, **in_force.real}
    geoms = [g for code, g in shapes.items() if code in communities]
    if not geoms:
        raise ValueError("no community has a boundary yet: run `cockpit demo` or import them")
    crs = local_crs(geoms)
    return shapely.union_all(reproject(np.array(geoms, dtype=object), "EPSG:4326", crs)), crs


def prepare(
    settings: Settings, path: Path, options: BuildingOptions
) -> tuple[list[dict], BuildingReport]:
    """The file's buildings as GeoJSON features (WGS84, ``height_m``, ``floors``), and the
    report. Raises BuildingsRefused."""
    report = BuildingReport(path)
    try:
        frame = read_features(path, options.encoding)
        if frame.empty:
            raise ValueError(f"{path}: no features")
        heights = _heights(frame, options, path)
        geometry = to_wgs84(frame, options.crs)
        minx, miny, maxx, maxy = geometry.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError(
                "coordinates are not longitude/latitude: give the file's --crs (an EPSG code)"
            )
        district, crs = _district(settings)
    except ValueError as exc:
        report.errors.append(str(exc))
        raise BuildingsRefused(str(exc), report) from exc
    grown = district.buffer(OUTSIDE_TOLERANCE_M)
    shapely.prepare(grown)
    floors = frame[options.floors_field] if options.floors_field else None
    features, outside = [], 0
    for number, (geom, height) in enumerate(zip(geometry, heights, strict=True), start=1):
        label = f"{path.name}: feature {number}"
        fixed, problem = footprint_problem(mapping(geom) if geom is not None else None)
        if problem is None and (reason := height_problem(None if math.isnan(height) else height)):
            problem = reason.replace("height_m", options.height_field or options.floors_field)
        if problem is None:
            point = reproject(fixed.representative_point(), "EPSG:4326", crs)
            if not grown.contains(point):
                outside += 1
                problem = (
                    f"outside the district ({fixed.representative_point().x:.5f}, "
                    f"{fixed.representative_point().y:.5f})"
                )
        if problem:
            report.bad.append(f"{label}: {problem}")
            continue
        count = pd.to_numeric(floors.iloc[number - 1], errors="coerce") if floors is not None \
            else None  # fmt: skip
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "height_m": round(float(height), 1),
                    "floors": int(count) if count is not None and count == count else None,
                },
                "geometry": mapping(shapely.set_precision(fixed, 1e-7)),
            }
        )
    report.good = len(features)
    if outside > _WRONG_CRS_SHARE * len(frame):
        report.errors.append(
            f"{outside:,} of {len(frame):,} buildings lie outside the district: is the "
            "file's --crs right (wgs84, gcj02, bd09 or an EPSG code)?"
        )
    elif not features:
        report.errors.append(f"{path}: no building can be drawn")
    elif report.bad and not options.skip_bad:
        report.errors.append(
            f"{len(report.bad):,} building(s) cannot be drawn (listed below): fix them, or "
            "give --skip-bad to import the rest without them"
        )
    if report.errors:
        raise BuildingsRefused(report.errors[0], report)
    return features, report


def stage(settings: Settings, path: Path, features: list[dict]) -> Path:
    """The checked buildings into the buildings inbox, appearing whole."""
    payload = {"type": "FeatureCollection", "source": path.name, "features": features}
    return write_staged(settings, path.stem, payload, source="buildings")


def real_buildings_in_force(settings: Settings) -> bool:
    """Whether a district's own buildings are served, or imported and waiting: the demo
    then leaves them be. A file waiting in the inbox is the demo's only if the demo's own
    list of its files names it."""
    demo = listed_demo_files(settings.inbox)
    if any(file_facts(p).digest not in demo for p in SOURCE.files(settings.inbox)):
        return True
    current = warehouse.current_version(settings)
    if current is None:
        return False
    con = duckdb.connect(str(current), read_only=True)
    try:
        rows = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ind' "
            "AND table_name = 'building'"
        ).fetchall()[0][0]
        return bool(rows) and bool(
            con.execute("SELECT count(*) FROM ind.building WHERE NOT synthetic").fetchall()[0][0]
        )
    finally:
        con.close()
