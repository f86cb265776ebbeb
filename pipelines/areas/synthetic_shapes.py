"""Synthetic, deterministic boundaries for the demo district.

No openly licensed boundaries exist for the demo district's streets and communities, so the
demo draws its own, for whatever tree is in force: an outline of the top area of exactly its
official area (31.46 km² for the shipped district) around 120.17°E, 30.29°N; its children
as Voronoi cells of seeds placed roughly where the real streets lie (south to north), or on
a spiral for another tree; every level below as relaxed Voronoi cells clipped to their
parent. Clipping one partition by another makes each level tile its parent.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from pipelines.ingest.geo import laea, reproject

CENTER_LON, CENTER_LAT = 120.17, 30.29
# The demo district's official area spread over its 75 communities: another tree without an
# official area for its district gets as much room per community.
KM2_PER_COMMUNITY = 31.46 / 75
# A local equal-area projection, so areas in km² are true areas.
LOCAL_CRS = laea(CENTER_LON, CENTER_LAT)

# Street seeds in units of the district's half-extent, (east, north). The real streets run
# from 长庆/武林/天水/潮鸣 by the lake in the south, through 朝晖/文晖, to 东新/石桥 in the north.
STREET_SEEDS = {
    "330103001000": (-0.55, -0.72),  # 长庆
    "330103002000": (-0.12, -0.78),  # 武林
    "330103003000": (0.22, -0.62),  # 天水
    "330103005000": (0.60, -0.50),  # 潮鸣
    "330103006000": (-0.35, -0.22),  # 朝晖
    "330103007000": (0.30, -0.08),  # 文晖
    "330103008000": (-0.30, 0.45),  # 东新
    "330103009000": (0.35, 0.55),  # 石桥
}


def _street_seeds(codes: list[str]) -> np.ndarray:
    """Where each street's cell is seeded, in units of the district's half-extent: the
    demo district's streets roughly where the real ones lie; any other tree's on a sunflower
    spiral, which spreads any number of seeds evenly."""
    if all(code in STREET_SEEDS for code in codes):
        return np.array([STREET_SEEDS[c] for c in codes])
    n = len(codes)
    k = np.arange(n) + 0.5
    radius = 0.8 * np.sqrt(k / n)
    angle = k * math.pi * (3 - math.sqrt(5))
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _district_outline(rng: np.random.Generator, km2: float) -> Polygon:
    theta = np.linspace(0, 2 * math.pi, 160, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 6):
        radius += rng.uniform(0.02, 0.06) * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    # Taller than wide, as the real district is.
    x = 0.72 * radius * np.cos(theta)
    y = 1.25 * radius * np.sin(theta)
    outline = Polygon(np.column_stack([x, y]))
    scale = math.sqrt(km2 * 1e6 / outline.area)
    return shapely.affinity.scale(outline, scale, scale, origin=(0, 0))


def _voronoi(seeds: np.ndarray, within: Polygon) -> list[Polygon]:
    cells = shapely.voronoi_polygons(
        MultiPoint([tuple(s) for s in seeds]), extend_to=within.envelope.buffer(1000), ordered=True
    )
    return [cell.intersection(within) for cell in cells.geoms]


def _random_points(poly: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    points: list[tuple[float, float]] = []
    while len(points) < n:
        p = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(Point(p)):
            points.append(p)
    return np.array(points)


def _relaxed_cells(poly: Polygon, n: int, rng: np.random.Generator) -> list[Polygon]:
    seeds = _random_points(poly, n, rng)
    for _ in range(12):  # Lloyd relaxation: even, compact cells
        cells = _voronoi(seeds, poly)
        seeds = np.array([[c.centroid.x, c.centroid.y] for c in cells])
    cells = _voronoi(seeds, poly)
    # Number the communities from south-west to north-east, so codes read across the map.
    order = sorted(range(n), key=lambda i: (round(seeds[i][1] / 400), seeds[i][0]))
    return [cells[i] for i in order]


def _largest_polygon(geom) -> Polygon:
    if isinstance(geom, Polygon):
        return geom
    return max(geom.geoms, key=lambda g: g.area)


def synthetic_boundaries(areas: pd.DataFrame, seed: int = 330103) -> dict:
    """A GeoJSON FeatureCollection (WGS84) for every area of the tree."""
    rng = np.random.default_rng(seed)
    top = areas[areas["parent_code"].isna()].iloc[0]
    communities = int((areas["level"] == "community").sum())
    km2 = top["area_km2"] if pd.notna(top["area_km2"]) else KM2_PER_COMMUNITY * communities
    outline = _district_outline(rng, float(km2))
    half_w = (outline.bounds[2] - outline.bounds[0]) / 2
    half_h = (outline.bounds[3] - outline.bounds[1]) / 2
    nested = areas[areas["level"] != "park"].sort_values("code")
    children = {code: rows["code"].tolist() for code, rows in nested.groupby("parent_code")}
    first = children.get(top["code"], [])
    seeds = _street_seeds(first) * [half_w, half_h]

    local: dict[str, Polygon] = {top["code"]: outline}
    for code, cell in zip(first, _voronoi(seeds, outline), strict=True):
        local[code] = _largest_polygon(cell)
        _subdivide(code, children, local, rng)
    for park in areas[areas["level"] == "park"].itertuples():
        km2 = float(park.area_km2) if pd.notna(park.area_km2) else 0.5
        local[park.code] = _park_shape(local[park.parent_code], km2)

    by_code = areas.set_index("code")
    features = []
    for code, geom in local.items():
        area = by_code.loc[code]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name_zh": area["name_zh"],
                    "level": area["level"],
                    "synthetic": True,
                },
                "geometry": mapping(
                    shapely.set_precision(reproject(geom, LOCAL_CRS, "EPSG:4326"), 1e-9)
                ),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"{top['code']}_synthetic",
        "description": "SYNTHETIC demo boundaries, not real ones (generated by `cockpit demo`).",
        "features": features,
    }


def _subdivide(
    code: str, children: dict[str, list[str]], local: dict[str, Polygon], rng: np.random.Generator
) -> None:
    """Relaxed cells for ``code``'s children, and theirs below them, depth first."""
    kids = children.get(code, [])
    if not kids:
        return
    cells = _relaxed_cells(local[code], len(kids), rng)
    for kid, cell in zip(kids, cells, strict=True):
        # A cell with children is kept whole (its largest part) so theirs tile it.
        local[kid] = _largest_polygon(cell) if kid in children else cell
        _subdivide(kid, children, local, rng)


def _park_shape(street: Polygon, km2: float) -> Polygon:
    """A rounded block of the given area, placed well inside its street."""
    centre = street.representative_point()
    r = math.sqrt(km2 * 1e6 / math.pi)
    shape = shapely.affinity.scale(centre.buffer(r, quad_segs=6), 1.3, 0.77)
    shape = shapely.affinity.scale(shape, *(2 * [math.sqrt(km2 * 1e6 / shape.area)]))
    return shape.intersection(street)
