"""Where a facility stands: its community, and the park around it, if any.

A park is an overlay on its street, not a level of the tree: a car park or an elevator in
a park belongs to the community it stands in, and the street and district totals count it
there, once. The park's own values are computed from the facilities inside its polygon,
and never summed into a parent.

Departments report facilities by the area they file them under, which may be a park. At
each refresh, every staged table of a source that takes both community and park codes
gains two columns, recomputed from the boundaries in force:

- ``community_code``: the reported community, or, for a facility filed under a park, the
  community its point lies in; without a point, the community that holds most of the
  park (its host);
- ``park_code``: the park whose polygon holds the facility's point, or, without a point,
  the park it was filed under.

- ``places``: both of them, the list a layer counts the facility in.

Layer SQL counts a facility in each of its places
(``FROM stg.car_parks, unnest(places) AS p(place)``).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import orjson
import pandas as pd
import shapely

from pipelines.ingest.checks import ident
from pipelines.ingest.contract import TabularSource

PLACED_COLUMNS = {"community_code": "VARCHAR", "park_code": "VARCHAR", "places": "VARCHAR[]"}


def placed_sources(sources: Iterable[object]) -> list[TabularSource]:
    """The sources whose rows may be filed under a community or a park."""
    return [
        s
        for s in sources
        if isinstance(s, TabularSource)
        and any({"community", "park"} <= set(f.levels or ()) for f in s.fields)
    ]


def _shapes(con: duckdb.DuckDBPyConnection, level: str) -> tuple[list[str], list]:
    rows = con.execute(
        "SELECT a.code, s.geometry FROM ind.area a JOIN ind.area_shape s USING (code) "
        "WHERE a.level = ? AND s.geometry IS NOT NULL ORDER BY a.code",
        [level],
    ).fetchall()
    return [r[0] for r in rows], [shapely.geometry.shape(orjson.loads(r[1])) for r in rows]


class _Places:
    """Point-in-polygon over the communities and parks in force, with each park's host."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.levels = dict(con.execute("SELECT code, level FROM ind.area").fetchall())
        self.communities, community_shapes = _shapes(con, "community")
        self.parks, park_shapes = _shapes(con, "park")
        self._community_tree = shapely.STRtree(community_shapes)
        self._park_tree = shapely.STRtree(park_shapes)
        self.hosts: dict[str, str] = {}
        for code, park in zip(self.parks, park_shapes, strict=True):
            overlap = [
                (community_shapes[i].intersection(park).area, self.communities[i])
                for i in self._community_tree.query(park, predicate="intersects")
            ]
            if overlap:
                self.hosts[code] = max(overlap)[1]

    def _within(self, tree: shapely.STRtree, codes: list[str], point) -> str | None:
        hits = sorted(codes[i] for i in tree.query(point, predicate="within"))
        return hits[0] if hits else None

    def place(self, area_code: str, lon: float | None, lat: float | None) -> tuple:
        point = None if lon is None or lat is None else shapely.Point(lon, lat)
        reported_park = self.levels.get(area_code) == "park"
        if point is not None and self.parks:
            park = self._within(self._park_tree, self.parks, point)
        else:
            park = area_code if reported_park else None
        if not reported_park:
            community = area_code
        else:
            inside = point and self._within(self._community_tree, self.communities, point)
            community = inside or self.hosts.get(area_code)
        return community, park


def place_facilities(con: duckdb.DuckDBPyConnection, sources: Iterable[object]) -> dict[str, int]:
    """Fill the placed columns of every staged facility table; returns, per table, how
    many rows have no community (no boundary to place them by), which no total counts."""
    staged = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'stg'")
    tables = {r[0] for r in staged.fetchall()}
    places: _Places | None = None
    unplaced: dict[str, int] = {}
    for source in placed_sources(sources):
        if source.table not in tables:
            continue
        places = places or _Places(con)
        table = f"stg.{ident(source.table)}"
        names = {f.name for f in source.fields}
        lon, lat = ("t.lon", "t.lat") if {"lon", "lat"} <= names else ("NULL", "NULL")
        for column, kind in PLACED_COLUMNS.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
        found = con.execute(
            f"SELECT DISTINCT t.area_code, {lon}::DOUBLE, {lat}::DOUBLE FROM {table} t"
        ).fetchall()
        rows = []
        for code, x, y in found:
            community, park = places.place(code, x, y)
            rows.append((code, x, y, community, park, [c for c in (community, park) if c]))
        placed = pd.DataFrame(rows, columns=["area_code", "lon", "lat", *PLACED_COLUMNS])
        con.register("_placed", placed)
        try:
            con.execute(
                f"UPDATE {table} t SET community_code = p.community_code, "
                "park_code = p.park_code, places = p.places "
                f"FROM _placed p WHERE t.area_code = p.area_code "
                f"AND {lon}::DOUBLE IS NOT DISTINCT FROM p.lon "
                f"AND {lat}::DOUBLE IS NOT DISTINCT FROM p.lat"
            )
        finally:
            con.unregister("_placed")
        missing = con.execute(
            f"SELECT count(*) FROM {table} WHERE community_code IS NULL"
        ).fetchall()[0][0]
        if missing:
            unplaced[source.id] = missing
    return unplaced
