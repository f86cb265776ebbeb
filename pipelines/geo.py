"""Geometry helpers shared by the boundary source and the demo generator."""

from __future__ import annotations

import numpy as np
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


def areas_km2(geometries: list) -> list[float]:
    """True areas (km²) of WGS84 geometries, in one equal-area projection centred on the
    whole set: at the scale of a city the error is far below the precision shown."""
    minx, miny, maxx, maxy = shapely.GeometryCollection(geometries).bounds
    local = laea((minx + maxx) / 2, (miny + maxy) / 2)
    return [a / 1e6 for a in shapely.area(reproject(np.array(geometries), "EPSG:4326", local))]
