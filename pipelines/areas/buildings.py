"""``ind.building``: every building loaded (``stg.building``) filed under the community
whose boundary holds it, and the park if one does, with its outline ready for the 3D scene.

Filing is by position, at each publish, so a boundary import re-files the buildings; a
building in no community (outside the district, or in a gap between real boundaries) is
not published, and is counted.
"""

from __future__ import annotations

import duckdb
import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.strtree import STRtree

# Outlines are sent to the browser in millionths of a degree (about 0.1 m): whole numbers,
# so a ring's vertices can be sent as small differences.
QUANTUM = 1e-6


def _holder(shapes: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
    """For each point, the code of the shape that holds it (the first, if two overlap)."""
    if shapes.empty or not len(lon):
        return [None] * len(lon)
    geoms = shapely.from_geojson(shapes["geometry"].tolist())
    tree = STRtree(geoms)
    points, found = tree.query(shapely.points(lon, lat), predicate="within")
    out: list[str | None] = [None] * len(lon)
    codes = shapes["code"].tolist()
    for point, shape_index in zip(points[::-1], found[::-1], strict=True):
        out[point] = codes[shape_index]
    return out


def outline(geometry: str) -> str:
    """The outer rings of a footprint as whole millionths of a degree, flat ``[x0, y0, x1,
    y1, ...]`` per part, the closing vertex left off. Courtyards (holes) are not drawn."""
    geom = shapely.from_geojson(geometry)
    parts = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    rings = []
    for part in parts:
        coords = np.asarray(part.exterior.coords)[:-1]
        rings.append(np.rint(coords / QUANTUM).astype(np.int64).ravel().tolist())
    return orjson.dumps(rings).decode()


def publish_buildings(con: duckdb.DuckDBPyConnection, changed: set[str] | None) -> int | None:
    """Rebuild ``ind.building`` when the buildings or the boundaries changed (``changed``:
    the staged tables a refresh changed, None for all). Returns how many buildings fell
    in no community, or None when nothing was rebuilt."""
    staged = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'stg' AND table_name = 'building'"
    ).fetchall()[0][0]
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ind' AND table_name = 'building'"
    ).fetchall()[0][0]
    if not staged:
        return None
    if exists and changed is not None and not {"stg.building", "stg.boundary"} & changed:
        return None
    rows = con.execute(
        "SELECT building_id, geometry, height_m, floors, lon, lat, synthetic FROM stg.building "
        "ORDER BY building_id"
    ).df()
    shapes = con.execute(
        "SELECT s.code, a.level, s.geometry FROM ind.area_shape s JOIN ind.area a USING (code) "
        "WHERE a.level IN ('community', 'park') ORDER BY s.code"
    ).df()
    lon, lat = rows["lon"].to_numpy(float), rows["lat"].to_numpy(float)
    rows["community_code"] = _holder(shapes[shapes["level"] == "community"], lon, lat)
    rows["park_code"] = _holder(shapes[shapes["level"] == "park"], lon, lat)
    homeless = int(rows["community_code"].isna().sum())
    rows = rows[rows["community_code"].notna()]
    rows["outline"] = [outline(g) for g in rows["geometry"]]
    con.register("_buildings", rows)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE ind.building AS SELECT building_id, community_code, "
            "park_code, height_m, floors, lon, lat, outline, coalesce(synthetic, false) AS "
            "synthetic FROM _buildings ORDER BY community_code, building_id"
        )
    finally:
        con.unregister("_buildings")
    return homeless
