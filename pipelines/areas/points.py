"""What the cockpits draw besides indicators, published at each refresh so that the
dashboard (which reads ``ind`` and ``meta`` only) has it: map points (hotline tickets,
elevators, car parks, kitchens) in ``ind.map_point``, and a park's footfall by section in
``ind.park_section``.

One row per point and month: where it is, which area it belongs to, a label, a value
(what the point's size or colour says) and ``flag`` (the points that need attention).
"""

from __future__ import annotations

import math

import duckdb
import shapely

MAP_POINT_DDL = """
CREATE OR REPLACE TABLE ind.map_point (
    layer VARCHAR, area_code VARCHAR, period VARCHAR, lon DOUBLE, lat DOUBLE,
    label VARCHAR, value DOUBLE, flag BOOLEAN
)
"""

# About 200 m: 0.0018 degrees of latitude are 200 m everywhere; longitude cells are
# widened by 1/cos(latitude) to the same size on the ground.
GRID_DEGREES = 0.0018

# Each layer: the stg table it needs and the SELECT that gives its rows.
LAYERS: dict[str, tuple[str, str]] = {
    # Citizens' reports are never published one by one: tickets are counted per cell of a
    # grid of about 200 m (GRID_DEGREES of latitude, and as many metres of longitude) and
    # month, drawn at the cell's centre. The value is the count; a cell with a ticket still
    # open is flagged; the label is the cell's most common category.
    "hotline": (
        "hotline_ticket",
        """WITH cell AS (
               SELECT area_code, period, category, closed_at,
                      (floor(lat / $grid) + 0.5) * $grid AS lat_c,
                      $grid / cos(radians((floor(lat / $grid) + 0.5) * $grid)) AS lon_step, lon
               FROM stg.hotline_ticket WHERE lon IS NOT NULL AND lat IS NOT NULL
           )
           SELECT 'hotline', area_code, period, (floor(lon / lon_step) + 0.5) * lon_step,
                  lat_c, mode(category), count(*), bool_or(closed_at IS NULL)
           FROM cell
           GROUP BY area_code, period, lat_c, lon_step, floor(lon / lon_step)""",
    ),
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
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ind' AND table_name = "
        "'map_point'"
    ).fetchall()[0][0]
    if changed is None or not exists:
        con.execute(MAP_POINT_DDL)
    built = []
    for layer, (table, select) in LAYERS.items():
        if changed is not None and exists and f"stg.{table}" not in changed:
            continue
        con.execute("DELETE FROM ind.map_point WHERE layer = ?", [layer])
        if table in present:
            params = {"grid": GRID_DEGREES} if "$grid" in select else None
            con.execute(f"INSERT INTO ind.map_point {select}", params)
            built.append(layer)
    if "hotline" in built:
        _cells_into_their_area(con)
    return built


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
