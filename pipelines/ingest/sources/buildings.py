"""Building footprints: a GeoJSON FeatureCollection in WGS84, one polygon per building with
its height in metres (``height_m``) and, where known, its floors.

A file is the whole set: the latest one received replaces every building before it (the
demo's synthetic set, or last year's survey). ``cockpit areas import FILE --level
building`` checks a district's own Shapefile, GeoJSON or GeoPackage and stages it here;
each building is filed under its community by position when the warehouse is published
(``pipelines.areas.buildings``), so a boundary import re-files them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from pipelines.ingest.extract import EXTRACT, geojson_features
from pipelines.ingest.fields import Batch
from pipelines.ingest.geo import polygonal_part
from pipelines.ingest.validation import CHECKED

# Taller than any building in China (the tallest is 632 m): a height past it is a unit or
# typing error.
MAX_HEIGHT_M = 650.0
# Footprints are drawn in 3D, not surveyed from the cockpit: half a metre is invisible
# at any scale the scene shows, and simplifying to it drops the survey's extra vertices.
SIMPLIFY_DEGREES = 5e-6


def height_problem(height: object) -> str | None:
    """Why a building's height cannot be drawn, or None."""
    if height is None or (isinstance(height, float) and math.isnan(height)):
        return "height_m: missing"
    if isinstance(height, bool) or not isinstance(height, int | float):
        return f"height_m: {height!r} is not a number of metres"
    if height <= 0:
        return f"height_m: {height} is not above ground"
    if height > MAX_HEIGHT_M:
        return f"height_m: {height} m is taller than any building ({MAX_HEIGHT_M:.0f} m)"
    return None


def footprint_problem(geometry: object) -> tuple[object, str | None]:
    """The footprint as a valid (multi)polygon, or why it is not one."""
    try:
        geom = shape(geometry)
    except (AttributeError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        return None, f"geometry: unreadable ({exc})"
    if geom.is_empty:
        return None, "geometry: empty"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, f"geometry: a {geom.geom_type}, expected a polygon"
    if not geom.is_valid:
        geom = polygonal_part(shapely.make_valid(geom))
        if geom.is_empty:
            return None, "geometry: a polygon of no area"
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, "geometry: coordinates are not WGS84 longitude/latitude"
    return geom, None


@dataclass(frozen=True)
class BuildingSource:
    id: str = "buildings"
    department_id: str = "planning"
    department_zh: str = "区规划和自然资源分局"
    department_en: str = "Planning & Natural Resources"
    title_zh: str = "建筑轮廓"
    title_en: str = "Building footprints"
    description_zh: str = (
        "建筑轮廓与高度（GeoJSON，WGS84），用于三维实景。按位置归入社区。演示数据为合成建筑。"
    )
    description_en: str = (
        "Building footprints and heights (GeoJSON, WGS84) for the 3D scene, each filed "
        "under its community by position. The demo's buildings are synthetic."
    )
    table: str = "building"
    cadence: str = "0 5 1 1 *"
    max_age_days: int = 400

    def schema(self) -> list[dict]:
        return [
            {"name": "geometry", "type": "polygon", "headers": ["geometry"], "required": True},
            {"name": "height_m", "type": "number", "headers": ["height_m"], "required": True},
            {"name": "floors", "type": "integer", "headers": ["floors"], "required": False},
        ]

    def files(self, inbox: Path) -> list[Path]:
        return sorted(p for p in (inbox / self.id).glob("*.geojson") if p.is_file())

    def read(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        today: dt.date | None = None,
        scratch: Path | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Batch:
        features = geojson_features(path)
        rows = []
        for number, feature in enumerate(features, start=1):
            props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
            geom, problem = footprint_problem(
                feature.get("geometry") if isinstance(feature, dict) else None
            )
            height = props.get("height_m")
            reasons = [r for r in (problem, height_problem(height)) if r]
            floors = props.get("floors")
            point = geom.representative_point() if geom is not None else None
            rows.append(
                {
                    "_row": number,
                    "height_m": float(height) if not reasons else None,
                    "floors": int(floors) if isinstance(floors, int | float) and floors > 0
                    else None,
                    "geometry": None if reasons else orjson.dumps(
                        mapping(shapely.simplify(geom, SIMPLIFY_DEGREES))
                    ).decode(),
                    "lon": point.x if point is not None else None,
                    "lat": point.y if point is not None else None,
                    "synthetic": props.get("synthetic") is True,
                    "record": orjson.dumps(
                        {"feature": number, "height_m": height, "floors": floors},
                        default=str,
                    ).decode(),
                    "reasons": reasons,
                }
            )  # fmt: skip
        frame = pd.DataFrame(rows)
        con.register("_features", frame)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {EXTRACT} AS SELECT * FROM _features")
            con.execute(f"CREATE OR REPLACE TEMP TABLE {CHECKED} AS SELECT * FROM {EXTRACT}")
        finally:
            con.unregister("_features")
        rejected = int(sum(bool(r["reasons"]) for r in rows))
        return Batch(path, len(rows), rejected, (), {})

    def write(self, con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str) -> int:
        con.execute(
            "CREATE TABLE IF NOT EXISTS stg.building (building_id INTEGER, geometry VARCHAR, "
            "height_m DOUBLE, floors INTEGER, lon DOUBLE, lat DOUBLE, synthetic BOOLEAN, "
            "_run_id VARCHAR, _file VARCHAR)"
        )
        # A file is the whole set of buildings: it replaces every one before it.
        con.execute("DELETE FROM stg.building")
        con.execute(
            f"INSERT INTO stg.building SELECT _row, geometry, height_m, floors, lon, lat, "
            f"synthetic, $run_id, $file FROM {CHECKED} WHERE len(reasons) = 0 ORDER BY _row",
            {"run_id": run_id, "file": batch.file.name},
        )
        con.execute(
            f"INSERT INTO meta.rejected_row SELECT $run_id, 'buildings', $file, _row, record, "
            f"reasons FROM {CHECKED} WHERE len(reasons) > 0",
            {"run_id": run_id, "file": batch.file.name},
        )
        return batch.rows_in - batch.rows_rejected


SOURCE = BuildingSource()
