"""The area tree as the warehouse publishes it: ``ind.area`` and its shapes, the code
changes of a re-zoning (``ind.area_change``), and staged history moved to the codes now in
force."""

from __future__ import annotations

import duckdb
import pandas as pd

from cockpit.levels import TREE_LEVELS
from pipelines.areas.tree import AreaTree
from pipelines.ingest.checks import ident
from pipelines.ingest.sources import SOURCES


def publish_areas(con: duckdb.DuckDBPyConnection, areas: pd.DataFrame) -> None:
    con.register("_areas", areas)
    con.execute(
        "CREATE TABLE IF NOT EXISTS stg.boundary (code VARCHAR PRIMARY KEY, geometry VARCHAR, "
        "geometry_display VARCHAR, area_km2 DOUBLE, centroid_lon DOUBLE, centroid_lat DOUBLE, "
        "synthetic BOOLEAN, _run_id VARCHAR, _file VARCHAR)"
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE ind.area AS
        SELECT a.code, a.parent_code, a.level, a.name_zh, a.name_en,
               coalesce(b.area_km2, a.area_km2) AS area_km2, a.area_km2 AS official_km2,
               -- Levels below the top of the tree; a park counts as deep as a community.
               list_position($levels, CASE a.level WHEN 'park' THEN 'community' ELSE a.level END)
               - list_position($levels, (SELECT level FROM _areas WHERE parent_code IS NULL))
               AS depth
        FROM _areas a LEFT JOIN stg.boundary b USING (code)
        ORDER BY a.code
        """,
        {"levels": list(TREE_LEVELS)},
    )
    con.unregister("_areas")
    con.execute(
        "CREATE OR REPLACE TABLE ind.area_shape AS SELECT code, geometry, geometry_display, "
        "centroid_lon, centroid_lat, synthetic FROM stg.boundary "
        "WHERE code IN (SELECT code FROM ind.area) ORDER BY code"
    )


def publish_code_changes(con: duckdb.DuckDBPyConnection, tree: AreaTree) -> None:
    """``ind.area_change``: the former areas a URL may still name, and what replaced them."""
    former = tree.former()
    # Several old codes for one new code, or a new name, is a merger; else a new code.
    several = former.groupby(["level", "new_code"])["old_code"].transform("nunique") > 1
    renamed = former["old_name"].notna() & former["new_name"].notna()
    renamed &= former["old_name"] != former["new_name"]
    frame = former.assign(merged=(several | renamed).astype(bool))
    con.register("_changes", frame)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE ind.area_change AS SELECT level, old_code, old_name, "
            "new_code, new_name, TRY_CAST(effective AS DATE) AS effective, merged "
            "FROM _changes ORDER BY old_code"
        )
    finally:
        con.unregister("_changes")


def recode_history(con: duckdb.DuckDBPyConnection) -> None:
    """Rows loaded before a re-zoning, still under the old codes, move to the areas that
    replaced them, so each trend runs on across the change. Rows already recoded match
    nothing: running it again changes nothing."""
    if not con.execute("SELECT count(*) FROM ind.area_change").fetchall()[0][0]:
        return
    stored = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'stg'"
    ).fetchall()}  # fmt: skip
    for source in SOURCES.values():
        fields = getattr(source, "fields", ())
        if source.table not in stored:
            continue
        for field_ in (f for f in fields if f.kind == "area"):
            column = ident(field_.name)
            con.execute(
                f"UPDATE stg.{ident(source.table)} SET {column} = c.new_code "
                f"FROM ind.area_change c WHERE {column} = c.old_code"
            )
    if "boundary" in stored:
        # A former area's boundary serves its successor only until that has its own.
        con.execute(
            "UPDATE stg.boundary SET code = c.new_code FROM ind.area_change c "
            "WHERE stg.boundary.code = c.old_code AND NOT c.merged "
            "AND c.new_code NOT IN (SELECT code FROM stg.boundary)"
        )
        con.execute("DELETE FROM stg.boundary WHERE code IN (SELECT old_code FROM ind.area_change)")
