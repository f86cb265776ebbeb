"""Materialise layers: run each layer's SQL for the finest level, roll it up the area
tree, and write status, rank and period-on-period changes to ``ind.indicator_value``.

The layer SQL gives rows at the layer's finest level only (communities and parks for most;
the top of the tree for figures with no area, such as the service-item catalogue);
everything above is the engine's job, up to the top of the tree however many levels it has,
so a ratio is always Σnumerator / Σdenominator at every level, never an average.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from cockpit.levels import ROLLED_UP
from pipelines.forecast import publish_forecasts
from pipelines.layers.alerts import publish_alerts
from pipelines.layers.leaf import duckdb_query, leaf_problems, leaf_select, output_problem
from pipelines.layers.spec import RATIO_LIKE, Layer, LayerError
from pipelines.layers.suppression import suppress_small_counts
from pipelines.layers.values import (
    INDICATOR_DDL,
    ConsistencyError,
    check_rollup_consistency,
    insert_indicator,
    write_values,
)

__all__ = ["ConsistencyError", "LayerRunError", "Materialised", "materialise", "run_layer_sql"]


class LayerRunError(Exception):
    pass


def run_layer_sql(
    con: duckdb.DuckDBPyConnection, layer: Layer, top_code: str | None = None
) -> None:
    """Run the analyst's SQL into the temp table ``_leaf`` with the engine's columns.
    A layer with no area column (a figure for the whole tree) gets ``top_code``."""
    spec = layer.spec
    sql = layer.sql.strip().rstrip(";")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _layer_out AS {sql}")
    except duckdb.Error as exc:
        raise LayerRunError(f"SQL error: {str(exc).splitlines()[0]}") from exc
    columns = {row[0] for row in con.execute("DESCRIBE _layer_out").fetchall()}
    problem = output_problem(duckdb_query(con), spec, columns)
    if problem:
        raise LayerRunError(problem)
    select = leaf_select(spec, columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _leaf AS {select}",
        {"top": top_code} if "$top" in select else None,
    )


def _aggregate(rollup: str) -> str:
    # Sums in a fixed order: a parallel sum of doubles adds them in whatever order the
    # threads finish, and the same data would give a different last digit each refresh.
    base = "sum(base ORDER BY v.area_code)"
    if rollup in RATIO_LIKE:
        return (
            "NULL::DOUBLE, sum(numerator ORDER BY v.area_code), "
            f"sum(denominator ORDER BY v.area_code), NULL::TIMESTAMP, {base}"
        )
    if rollup == "sum":
        return (
            f"sum(value ORDER BY v.area_code), NULL::DOUBLE, NULL::DOUBLE, NULL::TIMESTAMP, {base}"
        )
    if rollup == "latest":
        # The most recent report among the children; equal times go to the lowest code.
        return (
            "first(value ORDER BY as_of DESC NULLS LAST, v.area_code), NULL::DOUBLE, "
            f"NULL::DOUBLE, max(as_of), {base}"
        )
    fn = {"max": "max", "min": "min"}[rollup]
    return f"{fn}(value), NULL::DOUBLE, NULL::DOUBLE, NULL::TIMESTAMP, {base}"


def top_of_tree(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
    """The code and level of the area at the top of the tree."""
    top = con.execute("SELECT code, level FROM ind.area WHERE parent_code IS NULL").fetchall()
    return top[0] if top else (None, None)


def duckdb_values(con: duckdb.DuckDBPyConnection, layer: Layer) -> None:
    """The layer's values for every area (temp table ``_vals``), computed in DuckDB: its
    SQL for the finest level, then rolled up the tree."""
    top_code, top_level = top_of_tree(con)
    run_layer_sql(con, layer, top_code)
    problem = leaf_problems(duckdb_query(con), layer.spec, top_level)
    if problem:
        raise LayerRunError(problem)
    con.execute("CREATE OR REPLACE TEMP TABLE _vals AS SELECT * FROM _leaf")
    # Children aggregate into their parents level by level, finest first. Parks stand
    # beside their street's communities and are never summed into it.
    for child in ROLLED_UP:
        con.execute(
            f"INSERT INTO _vals SELECT a.parent_code, v.period, {_aggregate(layer.spec.rollup)} "
            "FROM _vals v JOIN ind.area a ON a.code = v.area_code WHERE a.level = ? "
            "GROUP BY a.parent_code, v.period",
            [child],
        )


# Fills the temp table ``_vals`` with one layer's values for every area, or raises
# ``LayerRunError``: DuckDB's (``duckdb_values``) or another engine's.
Values = Callable[[duckdb.DuckDBPyConnection, Layer], None]


# Whether a layer's published rows from the last refresh stand as they are (an incremental
# refresh: none of its sources changed); None computes every layer.
Stands = Callable[[duckdb.DuckDBPyConnection, Layer], bool]


def materialise_layer(
    con: duckdb.DuckDBPyConnection,
    layer: Layer,
    run_id: str,
    values: Values = duckdb_values,
    stands: Stands | None = None,
) -> bool:
    """Publish one layer's rows; returns whether they were computed (not kept)."""
    tree_levels = {row[0] for row in con.execute("SELECT DISTINCT level FROM ind.area").fetchall()}
    if stands is not None and stands(con, layer):
        insert_indicator(con, layer, tree_levels)
        return False
    con.execute("DELETE FROM ind.indicator_value WHERE indicator_id = ?", [layer.id])
    values(con, layer)
    write_values(con, layer, run_id, tree_levels)
    insert_indicator(con, layer, tree_levels)
    return True


@dataclass
class Materialised:
    done: list[str] = field(default_factory=list)
    errors: list[LayerError] = field(default_factory=list)
    # Layers whose source tables have never been loaded: not broken, just not yet possible.
    waiting: dict[str, list[str]] = field(default_factory=dict)
    # Layers whose values were computed in this refresh (the rest were kept).
    computed: list[str] = field(default_factory=list)
    # What the forecasts published (forecasts, indicators backtested, early warnings) and
    # how long they took.
    forecasts: dict[str, int] = field(default_factory=dict)
    forecast_seconds: float = 0.0


def missing_sources(con: duckdb.DuckDBPyConnection, layer: Layer) -> list[str]:
    present = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    }
    return [s for s in layer.spec.sources if s not in present]


def materialise(
    con: duckdb.DuckDBPyConnection,
    layers: list[Layer],
    run_id: str,
    values: Values = duckdb_values,
    stands: Stands | None = None,
) -> Materialised:
    """Materialise every layer, its values computed by ``values`` (DuckDB unless another
    engine is given), or its published rows kept where ``stands`` says they stand; a
    broken layer is reported and left out, the rest go on."""
    con.execute(INDICATOR_DDL)
    result = Materialised()
    errors, done = result.errors, result.done
    for layer in layers:
        missing = missing_sources(con, layer)
        if missing:
            result.waiting[layer.id] = missing
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if materialise_layer(con, layer, run_id, values, stands):
                result.computed.append(layer.id)
        except LayerRunError as exc:
            con.execute("ROLLBACK")
            errors.append(LayerError(layer.sql_path, str(exc)))
            continue
        con.execute("COMMIT")
        done.append(layer.id)
    # A layer left out, waiting or gone publishes nothing, not last refresh's rows.
    con.execute(
        "DELETE FROM ind.indicator_value WHERE NOT list_contains($done, indicator_id)",
        {"done": done},
    )
    mismatches = check_rollup_consistency(con, result.computed)
    if mismatches:
        raise ConsistencyError("roll-up check failed: " + "; ".join(mismatches))
    # Only now, with every sum checked on the true values, are small counts hidden (in
    # the layers computed: the rows kept were published so last time).
    suppress_small_counts(con, result.computed)
    # Forecasts and alerts read the published values only: nothing kept back can raise
    # one, nor be forecast into the open.
    started = time.perf_counter()
    result.forecasts = publish_forecasts(con)
    result.forecast_seconds = time.perf_counter() - started
    publish_alerts(con)
    return result
