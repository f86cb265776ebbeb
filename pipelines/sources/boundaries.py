"""Area boundaries: a GeoJSON FeatureCollection in WGS84, one feature per area code.

Geometry is data: the demo ships synthetic boundaries through this same source, and a
district replaces them by dropping its own file into ``inbox/boundaries/``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from pipelines.contract import AreaIndex, Batch
from pipelines.geo import areas_km2
from pipelines.readers import ExtractError

# Display tolerance per level, in degrees (1e-5° ≈ 1 m): invisible at the zoom each level is
# shown at, and it keeps the payload that reaches the browser small.
DISPLAY_TOLERANCE = {"district": 4e-5, "street": 2e-5, "community": 1e-5, "park": 1e-5}
CODE_PROPERTIES = ("code", "area_code", "区划代码", "统计用区划代码", "CODE")


def _feature_code(props: dict) -> object:
    for key in CODE_PROPERTIES:
        if props.get(key) not in (None, ""):
            return props[key]
    return None


@dataclass(frozen=True)
class BoundarySource:
    id: str = "boundaries"
    department_id: str = "planning"
    department_zh: str = "区规划和自然资源分局"
    department_en: str = "Planning & Natural Resources"
    title_zh: str = "行政区划边界"
    title_en: str = "Administrative boundaries"
    description_zh: str = "区、街道、社区和园区边界（GeoJSON，WGS84）。演示数据为合成边界。"
    description_en: str = (
        "District, street, community and park boundaries (GeoJSON, WGS84). "
        "The demo's boundaries are synthetic."
    )
    table: str = "boundary"
    cadence: str = "0 5 1 1 *"
    max_age_days: int = 400
    period_field: str = ""

    def files(self, inbox: Path) -> list[Path]:
        folder = inbox / self.id
        return sorted(p for p in folder.glob("*.geojson") if p.is_file())

    def read(self, path: Path, areas: AreaIndex, today: dt.date | None = None) -> Batch:
        try:
            payload = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise ExtractError(path, f"not valid GeoJSON ({exc})") from exc
        features = payload.get("features") if isinstance(payload, dict) else None
        if not features:
            raise ExtractError(path, "no features: expected a GeoJSON FeatureCollection")
        good, bad = [], []
        for number, feature in enumerate(features, start=1):
            props = feature.get("properties") or {}
            raw_code = _feature_code(props)
            codes, reasons = areas.resolve(
                pd.Series([str(raw_code) if raw_code is not None else ""]),
                ("district", "street", "community", "park"),
            )
            problems = [] if pd.isna(reasons.iloc[0]) else [f"code: {reasons.iloc[0]}"]
            geom = None
            try:
                geom = shape(feature.get("geometry"))
                if geom.geom_type not in ("Polygon", "MultiPolygon"):
                    problems.append(f"geometry: a {geom.geom_type}, expected a polygon")
                elif not geom.is_valid:
                    geom = shapely.make_valid(geom)
                minx, miny, maxx, maxy = geom.bounds
                if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
                    problems.append("geometry: coordinates are not WGS84 longitude/latitude")
            except (AttributeError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
                problems.append(f"geometry: unreadable ({exc})")
            if problems:
                record = json.dumps(props, ensure_ascii=False, default=str)
                bad.append({"row_number": number, "record": record, "reasons": problems})
            else:
                good.append(
                    {
                        "code": codes.iloc[0],
                        "geometry": geom,
                        "synthetic": props.get("synthetic") is True,
                    }
                )
        rows = pd.DataFrame(good, columns=["code", "geometry", "synthetic"])
        dupes = rows["code"].duplicated()
        for idx in rows.index[dupes]:
            bad.append(
                {
                    "row_number": int(idx) + 1,
                    "record": json.dumps({"code": rows.at[idx, "code"]}),
                    "reasons": ["code: a second feature for the same area"],
                }
            )
        rows = rows[~dupes].reset_index(drop=True)
        raw = pd.DataFrame({"_row": range(1, len(features) + 1)})
        rejected = pd.DataFrame(bad, columns=["row_number", "record", "reasons"])
        return Batch(path, rows, rejected, len(features), (), raw)

    def write(self, con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str) -> int:
        level_of = dict(con.execute("SELECT code, level FROM ind.area").fetchall())
        out = pd.DataFrame(
            {
                "code": batch.rows["code"],
                "geometry": [orjson.dumps(mapping(g)).decode() for g in batch.rows["geometry"]],
                "geometry_display": [
                    orjson.dumps(
                        mapping(g.simplify(DISPLAY_TOLERANCE[level_of[c]], preserve_topology=True))
                    ).decode()
                    for c, g in zip(batch.rows["code"], batch.rows["geometry"], strict=True)
                ],
                "area_km2": [round(a, 4) for a in areas_km2(list(batch.rows["geometry"]))],
                "centroid_lon": [g.representative_point().x for g in batch.rows["geometry"]],
                "centroid_lat": [g.representative_point().y for g in batch.rows["geometry"]],
                "synthetic": batch.rows["synthetic"].astype(bool),
            }
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS stg.boundary (code VARCHAR PRIMARY KEY, geometry VARCHAR, "
            "geometry_display VARCHAR, area_km2 DOUBLE, centroid_lon DOUBLE, centroid_lat DOUBLE, "
            "synthetic BOOLEAN, _run_id VARCHAR, _file VARCHAR)"
        )
        con.register("_boundary_rows", out)
        try:
            # A boundary file describes the areas it names; other areas keep theirs.
            con.execute(
                "INSERT OR REPLACE INTO stg.boundary SELECT code, geometry, geometry_display, "
                "area_km2, centroid_lon, centroid_lat, synthetic, ?, ? FROM _boundary_rows",
                [run_id, batch.file.name],
            )
        finally:
            con.unregister("_boundary_rows")
        return len(out)


SOURCE = BoundarySource()
