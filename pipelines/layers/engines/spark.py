"""``cockpit refresh --engine spark``: the staged tables → layers → roll-ups on Apache
Spark (pyspark), the results published into the same warehouse as DuckDB's would be.

1. The staged tables the layers read, and the area tree, go out as Parquet under
   ``spark_dir`` (partitioned by month where a table has a ``period``), written by DuckDB.
2. Each layer's SQL is transpiled from DuckDB's dialect to Spark's by sqlglot, its table
   names pointed at views over those files, and run; so are the engine's own checks, the
   step to the engine's columns and the roll-up level by level up the tree.
3. Each layer's values for every area come back as Parquet; the refresh reads them into
   ``_vals``, and status, ranks, suppression and alerts are written exactly as for DuckDB.

``spark_master`` is ``local[*]`` on the cockpit machine, or a cluster's master URL
(docs/scale-out.md). Spark's settings that keep it offline and its answers DuckDB's:
timestamps read without a time zone (``inferTimestampNTZ``), session time zone UTC,
partition values kept as text, no web UI, the driver bound to loopback unless a cluster
needs otherwise.

Over 300 lines: one engine's whole round trip, files out, layers run, values back; its
steps share one Spark session and the tree's levels, and split further they would only
pass those around.
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from cockpit.levels import ROLLED_UP
from cockpit.settings import Settings
from pipelines.ingest.checks import ident
from pipelines.layers.engine import LayerRunError, missing_sources, top_of_tree
from pipelines.layers.leaf import (
    allowed_levels,
    duplicated,
    leaf_select,
    output_problem,
    unknown_areas,
)
from pipelines.layers.spec import RATIO_LIKE, Layer

AREA_TABLE = "ind.area"


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing: says what to install."""


def _view(table: str) -> str:
    """The Spark view a DuckDB table name (``stg.hotline_ticket``) is read through."""
    return table.replace(".", "__")


def to_spark(sql: str) -> str:
    """DuckDB SQL in Spark's dialect, its ``schema.table`` names pointed at the views over
    the exported Parquet files. Named parameters stay parameters (``$x`` → ``:x``)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for table in tree.find_all(exp.Table):
        if table.db:
            table.set("this", exp.to_identifier(_view(f"{table.db}.{table.name}")))
            table.set("db", None)
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


def export_tables(con: duckdb.DuckDBPyConnection, tables: list[str], folder: Path) -> dict:
    """Each table as Parquet under ``folder/<schema>.<table>/``, by month (``period=``)
    where it has a period; returns table → folder."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    out = {}
    for table in tables:
        schema, name = table.split(".")
        columns = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ?",
                [schema, name],
            ).fetchall()
        }
        rows = con.execute(f"SELECT count(*) FROM {ident(schema)}.{ident(name)}").fetchall()[0][0]
        # An empty table goes out as one file: a partitioned one would be no file at all,
        # and Spark could not read its columns.
        by_month = "period" in columns and rows > 0
        target = folder / (table if by_month else f"{table}.parquet")
        con.execute(
            f"COPY {ident(schema)}.{ident(name)} TO $target (FORMAT parquet, "
            + ("PARTITION_BY (period), " if by_month else "")
            + "COMPRESSION zstd)",
            {"target": str(target)},
        )
        out[table] = target
    return out


def session(settings: Settings):
    """A Spark session on ``spark_master``, configured to give DuckDB's answers."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "the Spark engine needs pyspark: pip install 'cockpit[spark]' (and Java 17+)"
        ) from exc
    if shutil.which("java") is None and not _java_home():
        raise SparkUnavailable("the Spark engine needs Java 17+: apt-get install default-jre")
    local = settings.spark_master.startswith("local")
    builder = (
        SparkSession.builder.master(settings.spark_master)
        .appName("cockpit refresh")
        .config("spark.driver.memory", settings.spark_driver_memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2" if local else "200")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if local:
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _java_home() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home) and Path(home, "bin", "java").exists()


# One level's roll-up of every layer at once: each layer's own aggregate of its children
# (engine._aggregate, in Spark SQL), chosen by its roll-up kind, which is a grouping key.
_ROLL_UP = """
SELECT v.layer_id, v.rollup, a.parent_code AS area_code, v.period,
       CASE v.rollup WHEN 'sum' THEN sum(v.value) WHEN 'max' THEN max(v.value)
            WHEN 'min' THEN min(v.value)
            -- The most recent report among the children; equal times go to the lowest code.
            WHEN 'latest' THEN min_by(v.value, struct(
                coalesce(-unix_micros(CAST(v.as_of AS TIMESTAMP)), 9223372036854775807),
                v.area_code))
       END AS value,
       CASE WHEN v.rollup IN ({ratio}) THEN sum(v.numerator) END AS numerator,
       CASE WHEN v.rollup IN ({ratio}) THEN sum(v.denominator) END AS denominator,
       CASE WHEN v.rollup = 'latest' THEN max(v.as_of) END AS as_of,
       sum(v.base) AS base
FROM _vals v JOIN {area} a ON a.code = v.area_code
WHERE a.level = :level
GROUP BY v.layer_id, v.rollup, a.parent_code, v.period
""".format(ratio=", ".join(f"'{r}'" for r in RATIO_LIKE), area=_view(AREA_TABLE))

_UNKNOWN_AREAS = f"""
SELECT l.layer_id, slice(sort_array(collect_set(l.area_code)), 1, 5)
FROM _leaf l LEFT JOIN {_view(AREA_TABLE)} a ON a.code = l.area_code
WHERE a.code IS NULL OR NOT array_contains(l.allowed, a.level)
GROUP BY l.layer_id
"""

_DUPLICATES = """
SELECT layer_id, slice(sort_array(collect_list(struct(area_code, period))), 1, 3)
FROM (SELECT layer_id, area_code, period FROM _leaf
      GROUP BY layer_id, area_code, period HAVING count(*) > 1)
GROUP BY layer_id
"""


@dataclass
class SparkValues:
    """Every layer's values computed on Spark up front, in one job for all of them; called
    per layer by ``materialise`` to fill ``_vals`` from them (or raise the layer's error).

    Spark's cost is per job (about half a second each here, whatever its size), so the
    layers' leaf rows are checked and rolled up together rather than layer by layer."""

    settings: Settings
    results: dict[str, Path] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def compute(self, con: duckdb.DuckDBPyConnection, layers: list[Layer]) -> None:
        from pyspark.errors import PySparkException

        ready = [layer for layer in layers if not missing_sources(con, layer)]
        tables = sorted({t for layer in ready for t in layer.spec.sources} | {AREA_TABLE})
        folder = self.settings.spark_dir
        files = export_tables(con, tables, folder / "input")
        top_code, top_level = top_of_tree(con)
        target = folder / "values"
        spark = session(self.settings)
        try:
            for table, path in files.items():
                spark.read.parquet(str(path)).createOrReplaceTempView(_view(table))
            leaves = {}
            for layer in ready:
                try:
                    leaves[layer.id] = self._leaf(spark, layer, top_code, top_level)
                except LayerRunError as exc:
                    self.errors[layer.id] = str(exc)
            try:
                checked = self._checked(spark, leaves, ready, top_level) if leaves else None
                if checked is not None:
                    self._write(self._rolled_up(spark, checked), target, "overwrite")
            except PySparkException:
                # One layer failing as it runs (a division by zero under ANSI SQL, say)
                # fails the whole job: find which, layer by layer.
                self._one_by_one(spark, leaves, ready, top_level, target)
            for layer_id in leaves:
                if layer_id not in self.errors:
                    self.results[layer_id] = target / f"layer_id={layer_id}"
        finally:
            spark.stop()

    def _leaf(self, spark, layer: Layer, top_code: str | None, top_level: str | None):
        """The layer's rows in the engine's columns, with its id, roll-up and the levels
        its rows may name; its column checks run here."""
        from pyspark.errors import PySparkException
        from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

        spec = layer.spec

        def query(sql: str, params: dict | None = None) -> list[tuple]:
            return [tuple(r) for r in spark.sql(to_spark(sql), args=params or None).collect()]

        try:
            out = spark.sql(to_spark(layer.sql.strip().rstrip(";")))
            out.createOrReplaceTempView("_layer_out")
            problem = output_problem(query, spec, set(out.columns))
            if problem:
                raise LayerRunError(problem)
            select = leaf_select(spec, set(out.columns))
            leaf = spark.sql(to_spark(select), args={"top": top_code} if "$top" in select else None)
        except (PySparkException, sqlglot.errors.SqlglotError) as exc:
            raise LayerRunError(f"Spark: {str(exc).splitlines()[0]}") from exc
        return leaf.withColumns(
            {
                "layer_id": F.lit(layer.id),
                "rollup": F.lit(spec.rollup),
                "allowed": F.array(*[F.lit(lvl) for lvl in allowed_levels(spec, top_level)]),
            }
        )

    def _checked(self, spark, leaves: dict, layers: list[Layer], top_level: str | None):
        """Every layer's leaf rows, run once (Spark would run each layer's SQL again for
        every query over them), less the layers whose rows name areas of the wrong level
        or one area and period twice."""
        from pyspark.sql import functions as F  # noqa: N812

        rows = functools.reduce(lambda a, b: a.unionByName(b), leaves.values()).localCheckpoint()
        rows.createOrReplaceTempView("_leaf")
        specs = {layer.id: layer.spec for layer in layers}
        for layer_id, codes in spark.sql(_UNKNOWN_AREAS).collect():
            self.errors[layer_id] = unknown_areas(allowed_levels(specs[layer_id], top_level), codes)
        for layer_id, found in spark.sql(_DUPLICATES).collect():
            self.errors.setdefault(layer_id, duplicated([tuple(r) for r in found]))
        return rows.where(~F.col("layer_id").isin(list(self.errors))).drop("allowed")

    def _rolled_up(self, spark, leaves):
        """The leaf rows and every level above them, up to the top of the tree."""
        vals = leaves
        for child in ROLLED_UP:
            vals.createOrReplaceTempView("_vals")
            vals = vals.unionByName(spark.sql(_ROLL_UP, args={"level": child})).localCheckpoint()
        return vals

    def _write(self, vals, target: Path, mode: str) -> None:
        from pyspark.sql import functions as F  # noqa: N812

        # Written without a time zone, as DuckDB's TIMESTAMP reads back unshifted.
        vals.withColumn("as_of", F.col("as_of").cast("timestamp_ntz")).write.mode(mode).partitionBy(
            "layer_id"
        ).parquet(str(target))

    def _one_by_one(
        self, spark, leaves: dict, layers: list[Layer], top_level: str | None, target: Path
    ) -> None:
        from pyspark.errors import PySparkException

        shutil.rmtree(target, ignore_errors=True)
        for layer_id, leaf in leaves.items():
            if layer_id in self.errors:
                continue
            try:
                checked = self._checked(spark, {layer_id: leaf}, layers, top_level)
                if layer_id not in self.errors:
                    self._write(self._rolled_up(spark, checked), target, "append")
            except PySparkException as exc:
                self.errors[layer_id] = f"Spark: {str(exc).splitlines()[0]}"

    def __call__(self, con: duckdb.DuckDBPyConnection, layer: Layer) -> None:
        if layer.id in self.errors:
            raise LayerRunError(self.errors[layer.id])
        folder = self.results[layer.id]
        columns = (
            "area_code::VARCHAR AS area_code, period::VARCHAR AS period, value::DOUBLE AS value, "
            "numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator, "
            "as_of::TIMESTAMP AS as_of, base::DOUBLE AS base"
        )
        # A layer with no rows at all has no folder of its own: no rows, the same columns.
        source = (
            "read_parquet($files)"
            if folder.exists()
            else "(SELECT NULL AS area_code, NULL AS period, NULL AS value, NULL AS numerator, "
            "NULL AS denominator, NULL AS as_of, NULL AS base WHERE false)"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _vals AS SELECT {columns} FROM {source}",
            {"files": str(folder / "*.parquet")} if folder.exists() else None,
        )
