"""Engines that compute the layers' values for ``pipelines.layers.engine.materialise``:
DuckDB in the refresh's own process (``duckdb_values``, the default), or Apache Spark
(``spark``) for a city's years of events. Whichever computes them, the values are
published by the same code into the same warehouse contract."""

from __future__ import annotations

import time
from collections.abc import Callable

import duckdb

from cockpit.settings import Settings
from pipelines.layers.engine import Values, duckdb_values
from pipelines.layers.kept import KeptValues
from pipelines.layers.spec import Layer

ENGINES = ("duckdb", "spark")


def layer_values(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    layers: list[Layer],
    engine: str,
    kept: KeptValues,
    echo: Callable[[str], None],
) -> Values:
    """What computes the layers' values: DuckDB in the refresh, or Spark (every layer to
    compute, up front); either way only for layers whose kept values are not fresh."""
    if engine == "duckdb":
        return kept.around(duckdb_values)
    if engine != "spark":
        raise ValueError(f"unknown engine {engine!r}: {' or '.join(ENGINES)}")
    from pipelines.layers.engines.spark import SparkUnavailable, SparkValues

    t0 = time.perf_counter()
    values = SparkValues(settings)
    try:
        values.compute(con, [layer for layer in layers if not kept.fresh(con, layer)])
    except SparkUnavailable as exc:
        raise ValueError(str(exc)) from exc
    echo(
        f"spark  {len(values.results)} layer(s) computed on {settings.spark_master} "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return kept.around(values)
