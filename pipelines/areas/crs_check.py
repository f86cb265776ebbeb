"""Is a boundary file in the coordinates it claims? A file traced on a Chinese online map is
in GCJ-02 (BD-09 on Baidu's) whatever its metadata says, and read as WGS84 it lands 300–800
m off: every level of it alike, so no child-outside-parent check sees it when all levels
come from the same map.

What is known to be in the right place, and in which area: the facilities that
departments' own files place (lifts, car parks: not the demo's, which follow whatever
shapes are in force), and the real boundaries of the other levels. The check counts how
many of those fall where the file says, as read and as if it were in each other system;
when another system fits far better, the file is refused with its name.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from cockpit.settings import Settings
from pipelines import warehouse
from pipelines.ingest.geo import from_chinese, to_chinese

# The file's positions are wrong when, of the known positions that the system it was read
# in and another system place differently (those near an edge: a large street holds most
# of its lifts either way), the other system puts at least this share right.
SETTLES = 0.9
# An area lies in its parent when no more than this share of it is outside the parent
# grown by about 20 m (two files never trace a shared edge alike).
_OUTSIDE_SHARE, _EDGE_DEGREES = 0.01, 0.0002
# Fewer positions than this that the systems disagree on say nothing either way.
MIN_DISAGREEING = 5
# Where departments' files place facilities in areas: table, area column.
_FACILITIES = ("elevator_month", "car_parks")


def _references(
    settings: Settings, tree: pd.DataFrame, level: str, real: dict[str, BaseGeometry]
) -> pd.DataFrame:
    """Points known to lie in an area of ``level``: lon, lat, code (of that level)."""
    parents = dict(zip(tree["code"], tree["parent_code"], strict=True))
    levels = dict(zip(tree["code"], tree["level"], strict=True))

    def at_level(code: str | None) -> str | None:
        while code is not None and levels.get(code) != level:
            code = parents.get(code)
        return code

    rows = []
    current = warehouse.current_version(settings)
    if current is not None:
        con = duckdb.connect(str(current), read_only=True)
        try:
            tables = {
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'stg'"
                ).fetchall()
            }
            for table in _FACILITIES:
                if table not in tables:
                    continue
                rows += con.execute(
                    f"SELECT DISTINCT lon, lat, area_code FROM stg.{table} "
                    "WHERE lon IS NOT NULL AND _run_id IN "
                    "(SELECT run_id FROM meta.load_run WHERE NOT coalesce(synthetic, false))"
                ).fetchall()
        finally:
            con.close()
    # The real areas below this level: each lies in its ancestor of this level.
    for code, geom in real.items():
        if levels.get(code) != level and at_level(code) not in (None, code):
            point = geom.representative_point()
            rows.append((point.x, point.y, code))
    frame = pd.DataFrame(rows, columns=["lon", "lat", "code"])
    frame["code"] = frame["code"].map(at_level)
    return frame.dropna()


def _hits(
    shapes: dict[str, BaseGeometry], refs: pd.DataFrame, parents: dict[str, BaseGeometry]
) -> np.ndarray:
    """Which known positions the shapes put right: each reference point in its area, then
    each area inside its real parent."""
    hits = np.zeros(len(refs), dtype=bool)
    for code, rows in refs.groupby("code").indices.items():
        if code in shapes:
            group = refs.iloc[rows]
            hits[rows] = shapely.contains_xy(shapes[code], group["lon"], group["lat"])
    inside = [
        shapes[code].difference(parent.buffer(_EDGE_DEGREES)).area
        <= _OUTSIDE_SHARE * shapes[code].area
        for code, parent in parents.items()
    ]
    return np.concatenate([hits, np.array(inside, dtype=bool)])


def wrong_crs(
    settings: Settings,
    tree: pd.DataFrame,
    level: str,
    shapes: dict[str, BaseGeometry],
    claimed: str,
    real: dict[str, BaseGeometry],
) -> str | None:
    """A refusal's message when the file fits the known positions far better in another
    system than in the one it was read in (``claimed``: wgs84, gcj02 or bd09); else None."""
    refs = _references(settings, tree, level, real)
    refs = refs[refs["code"].isin(list(shapes))]
    parent_of = dict(zip(tree["code"], tree["parent_code"], strict=True))
    parents = {c: real[parent_of[c]] for c in shapes if parent_of.get(c) in real}
    known = len(refs) + len(parents)
    if known < MIN_DISAGREEING:
        return None
    as_read = _hits(shapes, refs, parents)
    # The file's coordinates as they were, then read as each other system.
    raw = {c: (g if claimed == "wgs84" else to_chinese(g, claimed)) for c, g in shapes.items()}
    for system in ("wgs84", "gcj02", "bd09"):
        if system == claimed:
            continue
        moved = raw if system == "wgs84" else {c: from_chinese(g, system) for c, g in raw.items()}
        hits = _hits(moved, refs, parents)
        disagree = hits != as_read
        if disagree.sum() >= MIN_DISAGREEING and hits[disagree].mean() >= SETTLES:
            shift = np.mean([
                shapely.distance(shapes[c].centroid, moved[c].centroid) for c in list(shapes)[:20]
            ]) * 111_000  # fmt: skip
            return (
                f"the file's positions look like {system.upper()}, not {claimed.upper()}: read "
                f"as {claimed}, {as_read.mean():.0%} of {known} known positions (departments' "
                f"facilities, real boundaries of other levels) fall in their area; read as "
                f"{system}, {hits.mean():.0%}, about {shift:.0f} m away. Give --crs {system}"
            )
    return None
