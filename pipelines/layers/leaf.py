"""What a layer's SQL must return, checked the same way whichever engine runs it: the
columns its roll-up needs, its YAML's column checks, the step to the engine's own columns
(``leaf_select``) and the leaf rows' areas and keys. Written in DuckDB's dialect with named
``$parameters``; another engine runs them through ``Query`` (Spark transpiles them)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from pipelines.ingest.checks import quote
from pipelines.layers.spec import LayerSpec


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
