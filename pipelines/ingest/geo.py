"""Geometry helpers shared by the boundary source and the demo generator."""

from __future__ import annotations

import numpy as np
import prcoords
import shapely
from pyproj import Transformer


def laea(lon: float, lat: float) -> str:
    """A local equal-area projection centred on (lon, lat): true areas in m²."""
    return f"+proj=laea +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m +no_defs"


def reproject(geometry, source: str, target: str):
    """The geometry with its coordinates moved from CRS ``source`` to ``target``."""
    transformer = Transformer.from_crs(source, target, always_xy=True)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)


def polygonal_part(geometry):
    """Only the polygons of a geometry: a repair (``make_valid``) or a difference can leave
    lines and points beside them in a collection. An empty polygon if there is none."""
    if geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        return shapely.union_all(parts) if parts else shapely.Polygon()
    return geometry


def areas_km2(geometries: list) -> list[float]:
    """True areas (km²) of WGS84 geometries, in one equal-area projection centred on the
    whole set: at the scale of a city the error is far below the precision shown."""
    minx, miny, maxx, maxy = shapely.GeometryCollection(geometries).bounds
    local = laea((minx + maxx) / 2, (miny + maxy) / 2)
    return [a / 1e6 for a in shapely.area(reproject(np.array(geometries), "EPSG:4326", local))]


# GCJ-02 ("Mars", the coordinates of Chinese online maps) and BD-09 (Baidu's) are not
# projections pyproj knows: they are obfuscations with no closed-form inverse. prcoords
# inverts them by iteration to well under a metre.
_TO_WGS84 = {"gcj02": prcoords.gcj_wgs_bored, "bd09": prcoords.bd_wgs_bored}
_FROM_WGS84 = {"gcj02": prcoords.wgs_gcj, "bd09": prcoords.wgs_bd}
CHINESE_SYSTEMS = tuple(_TO_WGS84)


def _each_point(geometry, convert):
    def move(coords: np.ndarray) -> np.ndarray:
        out = [convert(prcoords.Coords(lat, lon), False) for lon, lat in coords]
        return np.array([[c.lon, c.lat] for c in out]).reshape(coords.shape)

    return shapely.transform(geometry, move)


def from_chinese(geometry, system: str):
    """WGS84 geometry from geometry in GCJ-02 or BD-09 longitude/latitude."""
    return _each_point(geometry, _TO_WGS84[system])


def to_chinese(geometry, system: str):
    """GCJ-02 or BD-09 geometry from WGS84 (for tests and exports)."""
    return _each_point(geometry, _FROM_WGS84[system])


def local_crs(geometries) -> str:
    """An equal-area projection centred on the geometries, in metres."""
    minx, miny, maxx, maxy = shapely.GeometryCollection(list(geometries)).bounds
    return laea((minx + maxx) / 2, (miny + maxy) / 2)


# A level is drawn on its parent's map, at most as wide as a 4K wall's 3,840 pixels: a pixel
# of that map (a line is drawn a pixel wide) is detail no screen shows. Never below 1e-6°.
WALL_PIXELS = 3840


def display_tolerance(map_extents: list[float]) -> float:
    """The simplification tolerance (degrees) for a level whose maps span ``map_extents``
    degrees each (the width or height of each parent, whichever is larger)."""
    if not map_extents:
        return 1e-5
    return max(1e-6, float(np.median(map_extents)) / WALL_PIXELS)


def display_shapes(geometries: list, tolerance: float) -> list:
    """Simplified for display, neighbours still sharing their edges. A set that does not
    tile cleanly (overlaps) is simplified shape by shape instead: coverage simplification
    is only defined for a valid coverage."""
    if not geometries:
        return []
    shapes = np.array(geometries, dtype=object)
    if bool(shapely.coverage_is_valid(shapes)):
        return list(shapely.coverage_simplify(shapes, tolerance))
    return list(shapely.simplify(shapes, tolerance, preserve_topology=True))
