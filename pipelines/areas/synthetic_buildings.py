"""Synthetic, deterministic buildings for the demo, for whatever tree is in force.

No openly licensed footprints exist for the demo district, so ``cockpit demo`` draws
plausible ones inside the boundaries in force: a grid of roads (main roads along the
streets' edges, side roads every ~200 m), a canal running through, and between them rows
of blocks, 6–33 floors in the residential communities and 1–4 in a park. Blocks
here and there are left open (schools, squares, green). They are labelled synthetic, as
the demo's boundaries are, and ``cockpit areas import FILE --level building`` replaces
them whole.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from pipelines.ingest.geo import local_crs, reproject

FLOOR_HEIGHT_M = 3.0
# One building site every _PITCH metres before roads, water and open blocks take theirs:
# about 600 buildings a km², as in the dense old districts of Hangzhou.
_PITCH = (42.0, 27.0)
_ROAD_SPACING_M = 210.0
_SIDE_ROAD_HALF_WIDTH_M = 9.0
_MAIN_ROAD_HALF_WIDTH_M = 14.0
_CANAL_HALF_WIDTH_M = 35.0
_OPEN_BLOCK_SHARE = 0.12


def _canal(outline: shapely.Polygon) -> shapely.LineString:
    """A gently winding waterway from the south edge to the north edge of the outline,
    as the Grand Canal crosses the old districts of Hangzhou."""
    minx, miny, maxx, maxy = outline.bounds
    ys = np.linspace(miny - 500, maxy + 500, 60)
    t = (ys - miny) / max(maxy - miny, 1.0)
    xs = minx + (maxx - minx) * (0.42 + 0.22 * t + 0.06 * np.sin(t * 3 * math.pi))
    return shapely.LineString(np.column_stack([xs, ys]))


def _roads(outline, street_shapes: list, rotation: float) -> shapely.Geometry:
    """Main roads along every street's edge and a rotated grid of side roads."""
    minx, miny, maxx, maxy = outline.bounds
    reach = max(maxx - minx, maxy - miny)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    offsets = np.arange(-reach, reach + _ROAD_SPACING_M, _ROAD_SPACING_M)
    lines = [shapely.LineString([(cx + o, cy - reach), (cx + o, cy + reach)]) for o in offsets]
    lines += [shapely.LineString([(cx - reach, cy + o), (cx + reach, cy + o)]) for o in offsets]
    grid = shapely.affinity.rotate(shapely.MultiLineString(lines), rotation, origin=(cx, cy))
    side = grid.buffer(_SIDE_ROAD_HALF_WIDTH_M, cap_style="flat")
    main = shapely.union_all([s.boundary for s in street_shapes]).buffer(_MAIN_ROAD_HALF_WIDTH_M)
    return shapely.union_all([side, main])


def _sites(buildable, rng: np.random.Generator, rotation: float, scale: float) -> np.ndarray:
    """Candidate centres on a jittered lattice over the buildable land."""
    minx, miny, maxx, maxy = buildable.bounds
    xs = np.arange(minx, maxx, _PITCH[0] * scale)
    ys = np.arange(miny, maxy, _PITCH[1] * scale)
    gx, gy = np.meshgrid(xs, ys)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    centres += rng.uniform(-6, 6, centres.shape)
    angle = math.radians(rotation)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    dx, dy = centres[:, 0] - cx, centres[:, 1] - cy
    return np.column_stack(
        [cx + dx * math.cos(angle) - dy * math.sin(angle),
         cy + dx * math.sin(angle) + dy * math.cos(angle)]
    )  # fmt: skip


def _footprints(
    centres: np.ndarray,
    low_rise: np.ndarray,
    rng: np.random.Generator,
    rotation: float,
    scale: float,
) -> np.ndarray:
    """A block (18–36 m by 10–15 m) at each centre; in a park, wider and deeper halls."""
    n = len(centres)
    length = np.where(low_rise, rng.uniform(26, 36, n), rng.uniform(18, 36, n))
    depth = np.where(low_rise, rng.uniform(16, 22, n), rng.uniform(10, 15, n))
    angle = math.radians(rotation) + rng.normal(0, 0.03, n)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5]])
    local = corners[None, :, :] * scale * np.stack([length, depth], axis=1)[:, None, :]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    x = centres[:, 0:1] + local[:, :, 0] * cos - local[:, :, 1] * sin
    y = centres[:, 1:2] + local[:, :, 0] * sin + local[:, :, 1] * cos
    return shapely.polygons(np.stack([x, y], axis=2))


def _floors(low_rise: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Walk-ups of 6–7 floors, mid-rise of 8–18 and towers of 19–33, as Hangzhou's housing
    is mixed; 1–4 floors in a park."""
    n = len(low_rise)
    kind = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
    floors = np.select(
        [kind == 0, kind == 1],
        [rng.integers(6, 8, n), rng.integers(8, 19, n)],
        rng.integers(19, 34, n),
    )
    return np.where(low_rise, rng.integers(1, 5, n), floors)


def synthetic_buildings(
    areas: pd.DataFrame, shapes: dict, seed: int = 330103, density: float = 1.0
) -> dict:
    """A GeoJSON FeatureCollection (WGS84) of buildings inside the communities of the tree
    in force. ``shapes``: WGS84 geometries by area code (every level); ``density``
    scales the number of buildings (the benchmark's denser district)."""
    rng = np.random.default_rng(seed)
    scale = 1 / math.sqrt(density)
    levels = dict(zip(areas["code"], areas["level"], strict=True))
    communities = [shapes[c] for c, lv in levels.items() if lv == "community" and c in shapes]
    if not communities:
        return {"type": "FeatureCollection", "features": []}
    crs = local_crs(communities)

    def local(geoms: list):
        return list(reproject(np.array(geoms, dtype=object), "EPSG:4326", crs))

    land = shapely.union_all(local(communities))
    streets = local([shapes[c] for c, lv in levels.items() if lv == "street" and c in shapes])
    parks = local([shapes[c] for c, lv in levels.items() if lv == "park" and c in shapes])
    rotation = float(rng.uniform(-12, 12))
    water = _canal(land).buffer(_CANAL_HALF_WIDTH_M)
    buildable = land.difference(shapely.union_all([_roads(land, streets, rotation), water]))
    buildable = buildable.buffer(-4.0)
    shapely.prepare(buildable)
    centres = _sites(buildable, rng, rotation, scale)
    park = shapely.union_all(parks) if parks else shapely.Polygon()
    shapely.prepare(park)
    low_rise = shapely.contains_xy(park, centres[:, 0], centres[:, 1])
    footprints = _footprints(centres, low_rise, rng, rotation, scale)
    keep = shapely.contains(buildable, footprints)
    # Whole open blocks (a school, a square, green): cells of the road grid left empty.
    block = np.floor(centres / _ROAD_SPACING_M).astype(int)
    block_ids = block[:, 0] * 100_003 + block[:, 1]
    chosen = {b: rng.random() < _OPEN_BLOCK_SHARE for b in np.unique(block_ids)}
    keep &= ~np.array([chosen[b] for b in block_ids], dtype=bool)
    floors = _floors(low_rise, rng)[keep]
    wgs84 = reproject(footprints[keep], crs, "EPSG:4326")
    features = [
        {
            "type": "Feature",
            "properties": {
                "floors": int(f),
                "height_m": round(float(f) * FLOOR_HEIGHT_M, 1),
                "synthetic": True,
            },
            "geometry": mapping(shapely.set_precision(g, 1e-7)),
        }
        for g, f in zip(wgs84, floors, strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "name": "buildings_synthetic",
        "description": "SYNTHETIC demo buildings, not real ones (generated by `cockpit demo`).",
        "features": features,
    }
