"""Citizens' reports on the map, never one by one and never a handful: tickets are counted
per cell of a grid and month, and a cell is drawn only when it holds at least k tickets
(k: the largest ``suppress_below`` of the indicators computed from the tickets).

The tickets of a smaller cell are not lost at once: they go up to the cell twice as wide
(about 200 m, then 400 m, 800 m and 1.6 km), where they are counted with the other
leftovers of their community and month; what is still too few at 1.6 km is counted for
the whole community, drawn at a point inside it; what is too few even there is not drawn.
The map's legend says so, with no number: any count of what is not drawn, under a map of
one community, would be that community's small count. A cell holds one community's
tickets only, so its count never mixes into a neighbour's.

The cell is flagged when at least k of its tickets are still open: "some open" in a cell
of five would say that one of five named-place tickets is still open.
"""

from __future__ import annotations

import duckdb

# About 200 m: 0.0018 degrees of latitude are 200 m everywhere; longitude cells are
# widened by 1/cos(latitude) to the same size on the ground.
GRID_DEGREES = 0.0018
# Cells of 1, 2, 4 and 8 grid steps: up to about 1.6 km, about a community's size.
CELL_STEPS = (1, 2, 4, 8)

_TICKETS = """
CREATE OR REPLACE TEMP TABLE _ticket AS
SELECT area_code, period, category, closed_at IS NULL AS open, lon, lat
FROM stg.hotline_ticket WHERE lon IS NOT NULL AND lat IS NOT NULL AND area_code IS NOT NULL
"""

# Each ticket's cell of this size, and how many tickets of its community and month share
# the cell.
_CELLS = """
CREATE OR REPLACE TEMP TABLE _cell AS
WITH placed AS (
    SELECT *, floor(lat / $size) AS row_, $size / cos(radians((floor(lat / $size) + 0.5)
           * $size)) AS lon_step
    FROM _ticket
)
SELECT *, floor(lon / lon_step) AS col_,
       count(*) OVER (PARTITION BY area_code, period, row_, floor(lon / lon_step)) AS n
FROM placed
"""

_DRAW_CELLS = """
INSERT INTO ind.map_point (layer, area_code, period, lon, lat, label, value, flag)
SELECT 'hotline', area_code, period, (col_ + 0.5) * lon_step, (row_ + 0.5) * $size,
       mode(category ORDER BY category), count(*), count(*) FILTER (WHERE open) >= $k
FROM _cell WHERE n >= $k
GROUP BY area_code, period, row_, col_, lon_step
"""

# What is left after the largest cells: one point per community and month, inside it.
_DRAW_AREAS = """
INSERT INTO ind.map_point (layer, area_code, period, lon, lat, label, value, flag)
SELECT 'hotline', t.area_code, t.period, any_value(s.centroid_lon), any_value(s.centroid_lat),
       mode(t.category ORDER BY t.category), count(*), count(*) FILTER (WHERE t.open) >= $k
FROM _ticket t JOIN ind.area_shape s ON s.code = t.area_code
GROUP BY t.area_code, t.period HAVING count(*) >= $k
"""


def hotline_k(con: duckdb.DuckDBPyConnection) -> int:
    """The fewest tickets a drawn cell holds: the largest k of the indicators computed
    from the tickets (5 if none is published yet)."""
    row = con.execute(
        "SELECT max(suppress_below) FROM ind.indicator "
        "WHERE list_contains(sources, 'stg.hotline_ticket') AND suppress_below > 0"
    ).fetchone()
    return int(row[0]) if row and row[0] else 5


def publish_hotline_cells(con: duckdb.DuckDBPyConnection, k: int) -> tuple[int, int]:
    """Add the hotline's cells to ``ind.map_point``; returns the tickets drawn and those
    not drawn (for the operator's log)."""
    con.execute(_TICKETS)
    for steps in CELL_STEPS:
        params = {"size": GRID_DEGREES * steps}
        con.execute(_CELLS, params)
        con.execute(_DRAW_CELLS, {**params, "k": k})
        # The tickets drawn leave; the rest go up to the next size.
        con.execute("CREATE OR REPLACE TEMP TABLE _ticket AS "
                    "SELECT area_code, period, category, open, lon, lat FROM _cell WHERE n < $k",
                    {"k": k})  # fmt: skip
    con.execute(_DRAW_AREAS, {"k": k})
    drawn = con.execute(
        "SELECT coalesce(sum(value), 0) FROM ind.map_point WHERE layer = 'hotline'"
    ).fetchone()[0]
    not_drawn = con.execute(
        "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM _ticket "
        "GROUP BY area_code, period HAVING count(*) < $k)",
        {"k": k},
    ).fetchone()[0]
    con.execute("DROP TABLE _ticket")
    con.execute("DROP TABLE _cell")
    return int(drawn), int(not_drawn)
