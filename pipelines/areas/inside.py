"""The demo's points inside the shapes in force: a point drawn around its community's centre
that falls outside the community (real boundaries are rarely round) is moved to a random
point inside it, the same one every run: when ``cockpit demo`` writes its extracts, and at
each refresh after a boundary import (``demo_points_inside``)."""

from __future__ import annotations

import duckdb
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


def _draw_inside(shape: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = shape.bounds
    found = np.empty((0, 2))
    for _ in range(200):
        if len(found) >= n:
            break
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(max(16, 4 * n), 2))
        found = np.vstack([found, xy[shapely.contains_xy(shape, xy[:, 0], xy[:, 1])]])
    if len(found) < n:  # a sliver: its representative point
        point = shape.representative_point()
        found = np.vstack([found, np.tile([point.x, point.y], (n - len(found), 1))])
    return found[:n]


def kept_inside(
    codes: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    shapes: dict[str, BaseGeometry],
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``lon``, ``lat`` with each point outside the shape of its area (``codes``) moved
    inside it, to 6 decimals; areas without a shape keep their points."""
    rng = np.random.default_rng(seed)
    codes = np.asarray(codes).astype(str)
    lon, lat = np.asarray(lon, dtype=float).copy(), np.asarray(lat, dtype=float).copy()
    for code in sorted(set(codes)):
        shape = shapes.get(code)
        if shape is None:
            continue
        rows = np.flatnonzero(codes == code)
        outside = rows[~shapely.contains_xy(shape, lon[rows], lat[rows])]
        if len(outside):
            xy = _draw_inside(shape, len(outside), rng)
            lon[outside], lat[outside] = xy[:, 0], xy[:, 1]
    return np.round(lon, 6), np.round(lat, 6)


# The demo's tables of points: each one's key (a device, a car park, a ticket keeps its
# place from month to month).
_DEMO_POINTS = {"elevator_month": "device_id", "car_parks": "lot_id", "hotline_ticket": "ticket_id"}


def demo_points_inside(con: duckdb.DuckDBPyConnection, changed: set[str] | None) -> dict[str, int]:
    """Move the demo's points that fall outside their area's shape in force inside it: after
    a boundary import, the demo's lifts, car parks and tickets follow the real shapes. Rows
    from a department's own file (not the demo's) keep their coordinates. Returns the
    points moved per table."""
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'stg'"
        ).fetchall()
    }
    todo = [t for t in _DEMO_POINTS if t in tables and (changed is None or f"stg.{t}" in changed)]
    if not todo:
        return {}
    shapes = {
        code: shapely.from_geojson(text)
        for code, text in con.execute(
            "SELECT code, geometry FROM ind.area_shape WHERE geometry IS NOT NULL"
        ).fetchall()
    }
    moved: dict[str, int] = {}
    for table in todo:
        key = _DEMO_POINTS[table]
        places = con.execute(
            f"""
            SELECT {key} AS key, area_code, any_value(lon) AS lon, any_value(lat) AS lat
            FROM stg.{table}
            WHERE lon IS NOT NULL AND lat IS NOT NULL
              AND _run_id IN (SELECT run_id FROM meta.load_run WHERE synthetic)
            GROUP BY ALL ORDER BY ALL
            """
        ).df()
        if places.empty:
            continue
        lon, lat = kept_inside(places["area_code"], places["lon"], places["lat"], shapes, seed=9)
        places = places.assign(to_lon=lon, to_lat=lat)
        places = places[(places["to_lon"] != places["lon"]) | (places["to_lat"] != places["lat"])]
        if places.empty:
            continue
        con.register("_moved_points", places)
        try:
            con.execute(
                f"UPDATE stg.{table} AS t SET lon = m.to_lon, lat = m.to_lat FROM _moved_points m "
                f"WHERE t.{key} = m.key AND t.area_code = m.area_code "
                "AND t._run_id IN (SELECT run_id FROM meta.load_run WHERE synthetic)"
            )
        finally:
            con.unregister("_moved_points")
        moved[table] = len(places)
    return moved
