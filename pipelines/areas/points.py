"""What the cockpits draw besides indicators, published at each refresh (once the
indicators are, so that no point gives away a hidden value) so that the dashboard (which
reads ``ind`` and ``meta`` only) has it: map points (hotline cells, elevators, car parks,
kitchens) in ``ind.map_point``, and a park's footfall by section in ``ind.park_section``.

One row per point and month: where it is, which area it belongs to, a label, a value
(what the point's size or colour says) and ``flag`` (the points that need attention).
"""

from __future__ import annotations

import math

import duckdb
import shapely

from pipelines.areas.hotline_cells import GRID_DEGREES, hotline_k, publish_hotline_cells

MAP_POINT_DDL = """
CREATE OR REPLACE TABLE ind.map_point (
    layer VARCHAR, area_code VARCHAR, period VARCHAR, lon DOUBLE, lat DOUBLE,
    label VARCHAR, value DOUBLE, flag BOOLEAN,
    -- Value and flag kept back: they would give away a value hidden in the area's cells.
    withheld BOOLEAN DEFAULT false
)
"""
_COLUMNS = "layer, area_code, period, lon, lat, label, value, flag"

# Each layer: the stg table it needs and the SELECT that gives its rows (the hotline's
# cells have their own rule: ``hotline_cells``).
LAYERS: dict[str, tuple[str, str | None]] = {
    "hotline": ("hotline_ticket", None),
    # A device with an entrapment alarm in the month is flagged.
    "elevators": (
        "elevator_month",
        """SELECT 'elevators', area_code, period, lon, lat, device_id,
                  entrapment_alarms + faults, entrapment_alarms > 0
           FROM stg.elevator_month WHERE lon IS NOT NULL AND lat IS NOT NULL""",
    ),
    # A car park at 90% or more of its spaces is flagged.
    "parking": (
        "car_parks",
        """SELECT 'parking', area_code, period, lon, lat, lot_name, occupancy_pct,
                  occupancy_pct >= 90
           FROM stg.car_parks WHERE lon IS NOT NULL AND lat IS NOT NULL""",
    ),
    # Kitchens come as counts per area: one point at the area's centre, sized by its open
    # kitchens, flagged when an inspection failed.
    "kitchens": (
        "kitchens",
        """SELECT 'kitchens', k.area_code, k.period, s.centroid_lon, s.centroid_lat,
                  a.name_zh, k.open_kitchens, k.failed_inspections > 0
           FROM stg.kitchens k JOIN ind.area_shape s ON s.code = k.area_code
           JOIN ind.area a ON a.code = k.area_code""",
    ),
}


def _stg_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'stg'")
    return {r[0] for r in rows.fetchall()}


def publish_points(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None) -> list[str]:
    """Rebuild ``ind.map_point`` from the stg tables there are: every layer, or only those
    whose table is among the ``changed`` staged tables (the rest stand as published).
    Returns the layers built."""
    present = _stg_tables(con)
    # Points published before ``withheld`` were drawn by older rules (hotline cells of one
    # ticket): they are all drawn again.
    exists = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'ind' AND table_name = "
        "'map_point' AND column_name = 'withheld'"
    ).fetchall()[0][0]
    if changed is None or not exists:
        con.execute(MAP_POINT_DDL)
    built = []
    for layer, (table, select) in LAYERS.items():
        if changed is not None and exists and f"stg.{table}" not in changed:
            continue
        con.execute("DELETE FROM ind.map_point WHERE layer = ?", [layer])
        if table in present:
            if select is None:
                publish_hotline_cells(con, hotline_k(con))
            else:
                con.execute(f"INSERT INTO ind.map_point ({_COLUMNS}) {select}")
            built.append(layer)
    if "hotline" in built:
        _cells_into_their_area(con)
    # Every layer: an indicator recomputed from another table (a rate per population) may
    # hide a cell this refresh under points kept from the last.
    withhold_what_gives_hidden_values_away(con, list(LAYERS))
    return built


def withhold_what_gives_hidden_values_away(
    con: duckdb.DuckDBPyConnection, layers: list[str]
) -> int:
    """A point's value and flag describe its area's month: the kitchens' flag ("failed an
    inspection") says whether a hidden fail rate is 0%, and a count of tickets whose area's
    count is hidden gives it back. So where any indicator computed from a layer's table is
    hidden for the point's area and month, the point keeps its place and name but not its
    value and flag (``withheld``); a hotline cell, which is nothing but its count, is not
    drawn. Returns the points changed."""
    changed = 0
    for layer in layers:
        table = LAYERS[layer][0]
        hidden = (
            "(area_code, period) IN (SELECT v.area_code, v.period FROM ind.indicator_value v "
            "JOIN ind.indicator i USING (indicator_id) "
            "WHERE v.suppressed AND list_contains(i.sources, $table))"
        )
        params = {"layer": layer, "table": f"stg.{table}"}
        if LAYERS[layer][1] is None:
            sql = f"DELETE FROM ind.map_point WHERE layer = $layer AND {hidden}"
        else:
            sql = (
                "UPDATE ind.map_point SET value = NULL, flag = NULL, withheld = true "
                f"WHERE layer = $layer AND {hidden}"
            )
        changed += con.execute(sql, params).fetchone()[0]
    return changed


def _cells_into_their_area(con: duckdb.DuckDBPyConnection) -> int:
    """A grid cell's centre can fall outside the community its tickets are in (a cell on
    the boundary). Such a cell is drawn at the middle of its part inside the community
    instead, still a cell, not a ticket's own place. Returns how many cells moved."""
    cells = con.execute(
        "SELECT DISTINCT area_code, lon, lat FROM ind.map_point WHERE layer = 'hotline' "
        "ORDER BY ALL"
    ).fetchall()
    shapes = dict(
        con.execute(
            "SELECT code, geometry_display FROM ind.area_shape WHERE code IN "
            "(SELECT DISTINCT area_code FROM ind.map_point WHERE layer = 'hotline')"
        ).fetchall()
    )
    moved = []
    polygons: dict[str, shapely.Geometry] = {}
    for code, lon, lat in cells:
        if code not in shapes:
            continue
        polygon = polygons.get(code) or polygons.setdefault(
            code, shapely.from_geojson(shapes[code])
        )
        if shapely.contains_xy(polygon, lon, lat):
            continue
        half_lon = GRID_DEGREES / math.cos(math.radians(lat)) / 2
        cell = shapely.box(
            lon - half_lon, lat - GRID_DEGREES / 2, lon + half_lon, lat + GRID_DEGREES / 2
        )
        part = polygon.intersection(cell)
        point = (part if not part.is_empty else polygon).representative_point()
        moved.append((code, lon, lat, point.x, point.y))
    if moved:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _moved_cell (area_code VARCHAR, lon DOUBLE, lat DOUBLE, "
            "to_lon DOUBLE, to_lat DOUBLE)"
        )
        con.executemany("INSERT INTO _moved_cell VALUES (?, ?, ?, ?, ?)", moved)
        con.execute(
            "UPDATE ind.map_point AS m SET lon = c.to_lon, lat = c.to_lat FROM _moved_cell c "
            "WHERE m.layer = 'hotline' AND m.area_code = c.area_code AND m.lon = c.lon "
            "AND m.lat = c.lat"
        )
        con.execute("DROP TABLE _moved_cell")
    return len(moved)


PARK_SECTION_DDL = """
CREATE OR REPLACE TABLE ind.park_section (
    area_code VARCHAR, period VARCHAR, section VARCHAR, visitors BIGINT,
    peak_day_visitors BIGINT, days INTEGER
)
"""


def publish_park_sections(con: duckdb.DuckDBPyConnection) -> bool:
    """``ind.park_section``: a park's monthly footfall by section (吃住行游娱购), the
    dimension a park cockpit is organised by and that area indicators do not have."""
    con.execute(PARK_SECTION_DDL)
    if "park_footfall" not in _stg_tables(con):
        return False
    con.execute(
        """
        INSERT INTO ind.park_section
        SELECT area_code, period, section, sum(visitors), max(visitors),
               count(DISTINCT CAST(day AS DATE))
        FROM stg.park_footfall GROUP BY ALL ORDER BY ALL
        """
    )
    return True
