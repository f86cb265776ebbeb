"""Engines that compute the layers' values for ``pipelines.layers.engine.materialise``:
DuckDB in the refresh's own process (``duckdb_values``, the default), or Apache Spark
(``spark``) for a city's years of events. Whichever computes them, the values are
published by the same code into the same warehouse contract."""
