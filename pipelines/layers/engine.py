"""Materialise layers: run each layer's SQL for the finest level, roll it up the area
tree, and write status, rank and period-on-period changes to ``ind.indicator_value``.

The layer SQL gives rows at the layer's finest level only (communities and parks for most;
the district itself for district-wide figures such as the service-item catalogue);
everything above is the engine's job, so a ratio is always Σnumerator / Σdenominator at
every level, never an average.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

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


# Children aggregate into their parents, level by level, from these child levels up. Parks
# stand beside their street's communities and are never summed into it.
_ROLLUP_FROM = ("community", "street")


class LayerRunError(Exception):
    pass


def _needed_columns(spec: LayerSpec) -> set[str]:
    needed = {"period"} if spec.finest_level == "district" else {"area_code", "period"}
    return needed | {
        "ratio": {"numerator", "denominator"},
        "weighted_mean": {"value", "weight"},
        "latest": {"value", "as_of"},
    }.get(spec.rollup, {"value"})


def column_problems(
    con: duckdb.DuckDBPyConnection, spec: LayerSpec, columns: set[str]
) -> str | None:
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
            rows = con.execute(
                f"SELECT {', '.join([*keys, col])} FROM _layer_out WHERE {condition}",
                None if bound is None else {"bound": bound},
            ).fetchall()
            if rows:
                return f"column check failed: {column} {what} in {len(rows)} row(s), e.g. {rows[0]}"
    return None


def run_layer_sql(
    con: duckdb.DuckDBPyConnection, layer: Layer, district_code: str | None = None
) -> None:
    """Run the analyst's SQL into the temp table ``_leaf`` with the engine's columns.
    A district-wide layer may leave the area out; its rows get ``district_code``."""
    spec = layer.spec
    sql = layer.sql.strip().rstrip(";")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _layer_out AS {sql}")
    except duckdb.Error as exc:
        raise LayerRunError(f"SQL error: {str(exc).splitlines()[0]}") from exc
    columns = {row[0] for row in con.execute("DESCRIBE _layer_out").fetchall()}
    needed = _needed_columns(spec)
    missing = needed - columns
    if missing:
        raise LayerRunError(
            f"the SQL must return {', '.join(sorted(needed))}; missing {', '.join(sorted(missing))}"
        )
    problem = column_problems(con, spec, columns)
    if problem:
        raise LayerRunError(problem)
    rollup = spec.rollup
    if rollup == "ratio":
        select = "NULL::DOUBLE AS value, numerator::DOUBLE AS numerator, denominator::DOUBLE"
    elif rollup == "weighted_mean":
        select = "NULL::DOUBLE AS value, (value * weight)::DOUBLE AS numerator, weight::DOUBLE"
    else:
        select = "value::DOUBLE AS value, NULL::DOUBLE AS numerator, NULL::DOUBLE"
    as_of = "as_of::TIMESTAMP" if rollup == "latest" else "NULL::TIMESTAMP"
    area = "area_code::VARCHAR" if "area_code" in columns else "$district::VARCHAR"
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
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _leaf AS SELECT {area} AS area_code, "
        f"period::VARCHAR AS period, {select} AS denominator, {as_of} AS as_of, "
        f"{base} AS base FROM _layer_out",
        {"district": district_code} if area.startswith("$") else None,
    )


def _leaf_problems(con: duckdb.DuckDBPyConnection, spec: LayerSpec) -> str | None:
    finest = spec.finest_level
    allowed = ["community", "park"] if finest == "community" else [finest]
    unknown = con.execute(
        "SELECT DISTINCT l.area_code FROM _leaf l LEFT JOIN ind.area a ON a.code = l.area_code "
        "WHERE a.code IS NULL OR NOT list_contains(?, a.level) LIMIT 5",
        [allowed],
    ).fetchall()
    if unknown:
        what = " or ".join(f"{lvl} codes" for lvl in allowed)
        return f"rows for areas that are not {what}: {[u[0] for u in unknown]}"
    dupes = con.execute(
        "SELECT area_code, period FROM _leaf GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
    ).fetchall()
    if dupes:
        return f"more than one row per area and period, e.g. {dupes}"
    return None


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


def materialise_layer(con: duckdb.DuckDBPyConnection, layer: Layer, run_id: str) -> None:
    spec = layer.spec
    district = con.execute("SELECT code FROM ind.area WHERE level = 'district'").fetchall()
    run_layer_sql(con, layer, district[0][0] if district else None)
    problem = _leaf_problems(con, spec)
    if problem:
        raise LayerRunError(problem)
    con.execute("CREATE OR REPLACE TEMP TABLE _vals AS SELECT * FROM _leaf")
    for child in _ROLLUP_FROM:
        con.execute(
            f"INSERT INTO _vals SELECT a.parent_code, v.period, {_aggregate(spec.rollup)} "
            "FROM _vals v JOIN ind.area a ON a.code = v.area_code WHERE a.level = ? "
            "GROUP BY a.parent_code, v.period",
            [child],
        )
    write_values(con, layer, run_id)
    insert_indicator(con, layer)


@dataclass
class Materialised:
    done: list[str] = field(default_factory=list)
    errors: list[LayerError] = field(default_factory=list)
    # Layers whose source tables have never been loaded: not broken, just not yet possible.
    waiting: dict[str, list[str]] = field(default_factory=dict)


def _missing_sources(con: duckdb.DuckDBPyConnection, layer: Layer) -> list[str]:
    present = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    }
    return [s for s in layer.spec.sources if s not in present]


def materialise(con: duckdb.DuckDBPyConnection, layers: list[Layer], run_id: str) -> Materialised:
    """Materialise every layer; a broken layer is reported and left out, the rest go on."""
    con.execute(INDICATOR_DDL)
    result = Materialised()
    errors, done = result.errors, result.done
    for layer in layers:
        missing = _missing_sources(con, layer)
        if missing:
            result.waiting[layer.id] = missing
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            materialise_layer(con, layer, run_id)
        except LayerRunError as exc:
            con.execute("ROLLBACK")
            errors.append(LayerError(layer.sql_path, str(exc)))
            continue
        con.execute("COMMIT")
        done.append(layer.id)
    mismatches = check_rollup_consistency(con, done)
    if mismatches:
        raise ConsistencyError("roll-up check failed: " + "; ".join(mismatches))
    # Only now, with every sum checked on the true values, are small counts hidden.
    suppress_small_counts(con)
    # Alerts read the published values only: nothing kept back can raise one.
    publish_alerts(con)
    return result
