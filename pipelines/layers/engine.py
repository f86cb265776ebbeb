"""Materialise layers: run each layer's SQL for the finest level, roll it up the area
tree, and write status, rank and period-on-period changes to ``ind.indicator_value``.

The layer SQL gives rows at the layer's finest level only (communities and parks for most;
the top of the tree for figures with no area, such as the service-item catalogue);
everything above is the engine's job, up to the top of the tree however many levels it has,
so a ratio is always Σnumerator / Σdenominator at every level, never an average.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from cockpit.levels import ROLLED_UP
from pipelines.checks import quote
from pipelines.layers.alerts import publish_alerts
from pipelines.layers.spec import RATIO_LIKE, Layer, LayerError, LayerSpec
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


def _needed_columns(spec: LayerSpec) -> set[str]:
    needed = {"period"} if spec.finest_level == "district" else {"area_code", "period"}
    return needed | {
        "ratio": {"numerator", "denominator"},
        "weighted_mean": {"value", "weight"},
        "latest": {"value", "as_of"},
    }.get(spec.rollup, {"value"})


# Runs one query of the engine's (DuckDB's dialect, named $parameters) on whichever engine
# computes the layers, and returns its rows.
Query = Callable[[str, dict | None], list[tuple]]


def duckdb_query(con: duckdb.DuckDBPyConnection) -> Query:
    return lambda sql, params=None: con.execute(sql, params).fetchall()


def column_problems(query: Query, spec: LayerSpec, columns: set[str]) -> str | None:
    """The first column check that ``_layer_out`` breaks, with how many rows and an example."""
    keys = [quote(c) for c in ("area_code", "period") if c in columns]
    for column, check in spec.column_checks.items():
        if column not in columns:
            return f"column_checks: the SQL returns no column {column!r}"
        col = quote(column)
        rules = []
        if check.not_null:
            rules.append(("is null", f"{col} IS NULL", None))
        if check.min is not None:
            rules.append((f"below min {check.min}", f"{col} < $bound", check.min))
        if check.max is not None:
            rules.append((f"above max {check.max}", f"{col} > $bound", check.max))
        for what, condition, bound in rules:
            rows = query(
                f"SELECT {', '.join([*keys, col])} FROM _layer_out WHERE {condition}",
                None if bound is None else {"bound": bound},
            )
            if rows:
                return f"column check failed: {column} {what} in {len(rows)} row(s), e.g. {rows[0]}"
    return None


def output_problem(query: Query, spec: LayerSpec, columns: set[str]) -> str | None:
    """What is wrong with the columns and values of the layer SQL's output, if anything."""
    needed = _needed_columns(spec)
    missing = needed - columns
    if missing:
        return (
            f"the SQL must return {', '.join(sorted(needed))}; missing {', '.join(sorted(missing))}"
        )
    return column_problems(query, spec, columns)


def leaf_select(spec: LayerSpec, columns: set[str]) -> str:
    """The layer SQL's output (``_layer_out``) in the engine's columns: area_code, period,
    value, numerator, denominator, as_of and base. A layer with no area column (a figure for
    the whole tree) gets ``$top``."""
    rollup = spec.rollup
    if rollup == "ratio":
        select = "NULL::DOUBLE AS value, numerator::DOUBLE AS numerator, denominator::DOUBLE"
    elif rollup == "weighted_mean":
        select = "NULL::DOUBLE AS value, (value * weight)::DOUBLE AS numerator, weight::DOUBLE"
    else:
        select = "value::DOUBLE AS value, NULL::DOUBLE AS numerator, NULL::DOUBLE"
    as_of = "as_of::TIMESTAMP" if rollup == "latest" else "NULL::TIMESTAMP"
    area = "area_code::VARCHAR" if "area_code" in columns else "$top::VARCHAR"
    # How many people or firms a value rests on, for small-count suppression.
    if "base" in columns:
        base = "base::DOUBLE"
    elif rollup == "sum":
        base = "value::DOUBLE"
    elif rollup == "ratio":
        base = "denominator::DOUBLE"
    elif rollup == "weighted_mean":
        base = "weight::DOUBLE"
    else:
        base = "NULL::DOUBLE"
    return (
        f"SELECT {area} AS area_code, period::VARCHAR AS period, {select} AS denominator, "
        f"{as_of} AS as_of, {base} AS base FROM _layer_out"
    )


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


def allowed_levels(spec: LayerSpec, top_level: str | None) -> list[str]:
    """The levels a layer's rows may name: its finest (communities with parks), and the
    tree's top for a figure with no area column."""
    finest = spec.finest_level
    allowed = ["community", "park"] if finest == "community" else [finest]
    if finest == "district" and top_level is not None:
        allowed.append(top_level)
    return allowed


def unknown_areas(allowed: list[str], codes: list[str]) -> str:
    what = " or ".join(f"{lvl} codes" for lvl in allowed)
    return f"rows for areas that are not {what}: {codes}"


def duplicated(rows: list[tuple]) -> str:
    return f"more than one row per area and period, e.g. {rows}"


def leaf_problems(query: Query, spec: LayerSpec, top_level: str | None) -> str | None:
    allowed = allowed_levels(spec, top_level)
    unknown = query(
        "SELECT DISTINCT l.area_code FROM _leaf l LEFT JOIN ind.area a ON a.code = l.area_code "
        "WHERE a.code IS NULL OR NOT list_contains($allowed, a.level) LIMIT 5",
        {"allowed": allowed},
    )
    if unknown:
        return unknown_areas(allowed, [u[0] for u in unknown])
    dupes = query(
        "SELECT area_code, period FROM _leaf GROUP BY area_code, period HAVING count(*) > 1 "
        "LIMIT 3",
        None,
    )
    return duplicated(dupes) if dupes else None


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
    # Alerts read the published values only: nothing kept back can raise one.
    publish_alerts(con)
    return result
