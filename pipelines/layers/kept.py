"""An incremental refresh: a layer none of whose sources changed keeps its values.

Every layer's values for every area (rolled up, before statuses, ranks and small-count
suppression, which read them all again) are kept in ``stg.layer_value`` with the state
they were computed in: the layer's files and the engine (``layer_digest``) and the area
tree. The next refresh builds on a copy of the served warehouse, so it finds them there.
A layer is computed again when any of its sources took new rows in this refresh, when
its state differs (a layer file, the engine or the tree changed), or when nothing is kept;
otherwise its kept values go on to be published. Which sources changed is decided from
the data: the files the refresh loaded, not a list anyone keeps.

The staging schema is never read by the dashboard; the values kept here are the true ones
behind what ``ind`` publishes suppressed, no more than the staged rows beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from pipelines.ingest.sources import SOURCES
from pipelines.layers.spec import Layer

KEPT_DDL = """
CREATE TABLE IF NOT EXISTS stg.layer_value (
    layer_id VARCHAR, state VARCHAR, area_code VARCHAR, period VARCHAR, value DOUBLE,
    numerator DOUBLE, denominator DOUBLE, as_of TIMESTAMP, base DOUBLE
)
"""
_COLUMNS = "area_code, period, value, numerator, denominator, as_of, base"


def tree_state(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the area tree and its code changes: values computed on another tree
    (a re-zoning, a new community) are never kept."""
    return con.execute(
        "SELECT md5(coalesce(string_agg(concat_ws('|', code, parent_code, level), ',' "
        "ORDER BY code), '')) || md5(coalesce((SELECT string_agg(concat_ws('|', old_code, "
        "new_code), ',' ORDER BY old_code, new_code) FROM ind.area_change), '')) FROM ind.area"
    ).fetchall()[0][0]


# Staged tables a refresh rebuilds every time from what it has done (deliveries, tasks).
EVERY_REFRESH = {"stg.data_delivery", "stg.task_snapshot"}


def changed_tables(con: duckdb.DuckDBPyConnection, loaded: set[str]) -> set[str] | None:
    """The staged tables that took new rows in a refresh that loaded files of the
    ``loaded`` sources; None (everything) when a boundary file loaded or the area tree
    changed, since facilities are placed anew."""
    if tree_changed(con) or "boundaries" in loaded:
        return None
    return {f"stg.{SOURCES[source].table}" for source in loaded} | EVERY_REFRESH


def tree_changed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the area tree differs from the last refresh's (and remember this one's):
    facilities are then placed anew and every layer computed again."""
    con.execute("CREATE TABLE IF NOT EXISTS stg.tree_state (state VARCHAR)")
    now = tree_state(con)
    before = con.execute("SELECT state FROM stg.tree_state").fetchall()
    con.execute("DELETE FROM stg.tree_state")
    con.execute("INSERT INTO stg.tree_state VALUES (?)", [now])
    return [(now,)] != before


@dataclass
class KeptValues:
    """What an incremental refresh may keep. ``changed`` names the staged tables that took
    new rows in this refresh; None recomputes every layer."""

    digests: dict[str, str]
    changed: set[str] | None
    _tree: str | None = None

    def _state(self, con: duckdb.DuckDBPyConnection, layer: Layer) -> str:
        if self._tree is None:
            con.execute(KEPT_DDL)
            self._tree = tree_state(con)
        return f"{self.digests[layer.id]}|{self._tree}"

    def fresh(self, con: duckdb.DuckDBPyConnection, layer: Layer) -> bool:
        """Whether the layer's kept values are the ones it would compute now."""
        if self.changed is None or set(layer.spec.sources) & self.changed:
            return False
        row = con.execute(
            "SELECT count(*) FILTER (WHERE state <> $state), count(*) FROM stg.layer_value "
            "WHERE layer_id = $id",
            {"state": self._state(con, layer), "id": layer.id},
        ).fetchall()[0]
        return row[0] == 0 and row[1] > 0

    def stands(self, con: duckdb.DuckDBPyConnection, layer: Layer) -> bool:
        """Whether the layer's published rows, as the last refresh wrote them (statuses,
        ranks, suppression), stand: its values are fresh and the rows are there."""
        if not self.fresh(con, layer):
            return False
        published = con.execute(
            "SELECT count(*) FROM ind.indicator_value WHERE indicator_id = ?", [layer.id]
        ).fetchall()[0][0]
        return published > 0

    def forget_others(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop what is kept for layers that are no longer there."""
        con.execute(KEPT_DDL)
        con.execute(
            "DELETE FROM stg.layer_value WHERE NOT list_contains($ids, layer_id)",
            {"ids": list(self.digests)},
        )

    def around(self, values: Callable) -> Callable:
        """``values`` (an engine's), run only for a layer whose kept values are not fresh,
        and its results kept for the next refresh."""

        def run(con: duckdb.DuckDBPyConnection, layer: Layer) -> None:
            state = self._state(con, layer)
            if self.fresh(con, layer):
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE _vals AS SELECT {_COLUMNS} "
                    "FROM stg.layer_value WHERE layer_id = ?",
                    [layer.id],
                )
                return
            values(con, layer)
            con.execute("DELETE FROM stg.layer_value WHERE layer_id = ?", [layer.id])
            con.execute(
                f"INSERT INTO stg.layer_value SELECT $id, $state, {_COLUMNS} FROM _vals",
                {"id": layer.id, "state": state},
            )

        return run
