"""Map geometry bytes: what the browser is sent for each level, at the demo's size and at a
city's (190 streets, 3,100 communities, drawn by the demo's generator as one tree).

The generator's edges are straight, so they are first densified and wiggled as a surveyed
file's are (``surveyed``). Display geometry is simplified per level with neighbours' shared
edges kept shared (``pipelines.ingest.geo.display_shapes``); the ratio is against the
full-precision geometry in the same run. Bytes are the GeoJSON as stored, and gzip's size,
as the browser receives it.
"""

from __future__ import annotations

import gzip
import time

import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping

from pipelines.areas.synthetic_shapes import synthetic_boundaries
from pipelines.ingest.geo import display_shapes, display_tolerance
from pipelines.ingest.sources.boundaries import extents


def city_tree(streets: int = 190, communities: int = 3_100) -> pd.DataFrame:
    """A synthetic tree of the city's size, under one top area."""
    top = "339900000000"
    rows = [{"code": top, "parent_code": None, "level": "district", "name_zh": "合成市",
             "area_km2": 0.42 * communities}]  # fmt: skip
    for s in range(streets):
        street = f"3399{s // 100 + 1:02d}{s % 100 + 1:03d}000"
        rows.append({"code": street, "parent_code": top, "level": "street",
                     "name_zh": f"街道{s + 1}", "area_km2": None})  # fmt: skip
        share = communities // streets + (1 if s < communities % streets else 0)
        rows += [
            {"code": street[:9] + f"{c + 1:03d}", "parent_code": street, "level": "community",
             "name_zh": f"社区{s + 1}-{c + 1}", "area_km2": None}
            for c in range(share)
        ]  # fmt: skip
    tree = pd.DataFrame(rows)
    tree["area_km2"] = tree["area_km2"].astype("Float64")
    return tree


def surveyed(geom, spacing: float = 5e-5, amplitude: float = 2e-5):
    """The generator's straight edges as a surveyed file draws them: a vertex every
    ``spacing`` degrees (about 5 m), wiggling by a displacement that depends on position
    only, so that two neighbours' copies of an edge stay the same line."""

    def wiggle(coords: np.ndarray) -> np.ndarray:
        x, y = coords[:, 0], coords[:, 1]
        dx = amplitude * np.sin(x * 9.1e3 + y * 3.7e3) * np.cos(y * 7.3e3)
        dy = amplitude * np.sin(y * 8.3e3 - x * 2.9e3) * np.cos(x * 6.7e3)
        return np.column_stack([x + dx, y + dy])

    return shapely.transform(shapely.segmentize(geom, spacing), wiggle)


def _bytes(geoms: list) -> tuple[int, int]:
    payload = orjson.dumps([mapping(g) for g in geoms])
    return len(payload), len(gzip.compress(payload))


def geometry_rows(label: str, tree: pd.DataFrame) -> list[str]:
    t0 = time.perf_counter()
    features = synthetic_boundaries(tree)["features"]
    made = time.perf_counter() - t0
    rows = [f"| {label}: boundaries generated | {made:.1f} s | {len(features):,} areas |"]
    parent = dict(zip(tree["code"], tree["parent_code"], strict=True))
    shapes = {
        f["properties"]["code"]: surveyed(shapely.geometry.shape(f["geometry"])) for f in features
    }
    for level in ("district", "street", "community"):
        codes = [f["properties"]["code"] for f in features if f["properties"]["level"] == level]
        full = [shapes[c] for c in codes]
        maps = {parent[c] if parent[c] in shapes else c for c in codes}
        t0 = time.perf_counter()
        drawn = dict(zip(codes, display_shapes(full, display_tolerance(extents(shapes, maps))),
                         strict=True))  # fmt: skip
        took = time.perf_counter() - t0
        raw, packed = _bytes(list(drawn.values()))
        full_raw, _ = _bytes(full)
        # What one page's map is sent: the children of the area it shows.
        pages = [_bytes([drawn[c] for c in codes if parent[c] == m or c == m])[1] for m in maps]
        rows.append(
            f"| {label}: {level} boundaries ({len(full):,} areas, simplified in {took:.2f} s) "
            f"| all {raw / 1024:,.0f} KB ({packed / 1024:,.0f} KB gzip), "
            f"{raw / full_raw:.3f}× the full geometry | one page's map: median "
            f"{np.median(pages) / 1024:,.0f} KB, largest {max(pages) / 1024:,.0f} KB gzip |"
        )
    return rows


if __name__ == "__main__":
    from pathlib import Path

    from pipelines.areas.tree import read_tree

    reference = Path(__file__).resolve().parent.parent / "data" / "reference"
    for line in geometry_rows("demo", read_tree(reference).areas):
        print(line)
    for line in geometry_rows("city", city_tree()):
        print(line)
