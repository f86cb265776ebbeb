"""The demo's boundaries beside a district's real ones: synthetic shapes only for the areas
without a real one, drawn inside the real shapes, so that ``cockpit demo`` after ``cockpit
areas import`` never moves a real street or community.

Each area's place is worked out from the real shapes, bottom up and then top down:
- an area with a real shape keeps it;
- an area all of whose children have real shapes is their union;
- an area some of whose children have real shapes is a synthetic hull around them, with
  room for the others;
- the children without a real shape share what their parent's shape leaves over after
  its real children (relaxed Voronoi cells, as the demo draws them everywhere).
With no real shape at all, this is ``geometry.synthetic_boundaries``, unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from pipelines.areas.synthetic_shapes import (
    KM2_PER_COMMUNITY,
    _district_outline,
    _largest_polygon,
    _park_shape,
    _relaxed_cells,
    synthetic_boundaries,
)
from pipelines.ingest.geo import local_crs, polygonal_part, reproject

# Below this, what a real parent leaves for its children without a shape is a sliver,
# not room for an area (m²).
_ROOM_M2 = 2_000.0


def _wgs84(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """A local shape back in WGS84, to 1e-9°; valid (differences and hulls of real
    shapes can leave self-touching rings)."""
    moved = polygonal_part(
        shapely.make_valid(reproject(shapely.make_valid(geom), crs, "EPSG:4326"))
    )
    try:
        return polygonal_part(shapely.set_precision(moved, 1e-9))
    except shapely.errors.GEOSException:
        return moved


def fitted_boundaries(areas: pd.DataFrame, real: dict[str, BaseGeometry]) -> dict:
    """A FeatureCollection (WGS84) of synthetic shapes for the areas of ``areas`` that
    have no shape in ``real`` (WGS84, by code), fitted around the real ones."""
    real = {code: geom for code, geom in real.items() if code in set(areas["code"])}
    if not real:
        return synthetic_boundaries(areas)
    crs = local_crs(real.values())
    fixed = {code: reproject(geom, "EPSG:4326", crs) for code, geom in real.items()}
    rng = np.random.default_rng(330103)
    nested = areas[areas["level"] != "park"].sort_values("code")
    children = {code: rows["code"].tolist() for code, rows in nested.groupby("parent_code")}
    per_community = KM2_PER_COMMUNITY * 1e6
    leaves: dict[str, int] = {}

    def leaf_count(code: str) -> int:
        if code not in leaves:
            kids = children.get(code, [])
            leaves[code] = sum(leaf_count(k) for k in kids) if kids else 1
        return leaves[code]

    anchors: dict[str, BaseGeometry | None] = {}
    exact: set[str] = set(fixed)  # real, or the union of real children

    def anchor(code: str) -> BaseGeometry | None:
        """The area's place as its real shapes fix it, if they do."""
        if code in anchors:
            return anchors[code]
        kids = children.get(code, [])
        placed = [g for g in (anchor(k) for k in kids) if g is not None]
        if code in fixed:
            found = fixed[code]
        elif not placed:
            found = None
        elif len(placed) == len(kids):
            found = shapely.union_all(placed)
            if all(k in exact for k in kids):
                exact.add(code)
        else:
            union = shapely.union_all(placed)
            missing = sum(leaf_count(k) for k in kids if anchor(k) is None)
            # A hull around the real children, grown by as much room as the others need.
            grow = math.sqrt(missing * per_community / math.pi) / 2
            found = union.convex_hull.buffer(grow, quad_segs=8)
        anchors[code] = found
        return found

    top = areas[areas["parent_code"].isna()].iloc[0]["code"]
    local: dict[str, BaseGeometry] = {}
    start = anchor(top)
    if start is None:
        # Only parks are real: the demo's outline, centred on them (the projection's origin).
        km2 = per_community * int((areas["level"] == "community").sum()) / 1e6
        start = _district_outline(rng, km2)
    local[top] = start

    def fill(code: str) -> None:
        kids = children.get(code, [])
        free = [k for k in kids if anchor(k) is None]
        taken = [anchor(k) for k in kids if anchor(k) is not None]
        for kid in kids:
            if anchor(kid) is not None:
                local[kid] = anchor(kid)
        if free:
            room = local[code].difference(shapely.union_all(taken)) if taken else local[code]
            if room.area > _ROOM_M2 * len(free):
                for kid, cell in zip(free, _relaxed_cells(room, len(free), rng), strict=True):
                    local[kid] = _largest_polygon(cell) if kid in children else cell
        for kid in kids:
            if kid in local:
                fill(kid)

    fill(top)
    for park in areas[areas["level"] == "park"].itertuples():
        if park.code not in fixed and park.parent_code in local:
            km2 = float(park.area_km2) if pd.notna(park.area_km2) else 0.5
            local[park.code] = _park_shape(_largest_polygon(local[park.parent_code]), km2)

    by_code = areas.set_index("code")
    features = []
    for code, geom in local.items():
        if code in fixed or geom.is_empty:
            continue
        # The union of real children is as real as they are.
        derived = code in exact
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name_zh": by_code.loc[code, "name_zh"],
                    "level": by_code.loc[code, "level"],
                    "synthetic": not derived,
                },
                "geometry": mapping(_wgs84(geom, crs)),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"{top}_synthetic",
        "description": "SYNTHETIC demo boundaries for the areas without a real one "
        "(generated by `cockpit demo` around the real boundaries in force).",
        "features": features,
    }
