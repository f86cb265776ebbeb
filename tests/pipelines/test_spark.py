"""The same layers on Apache Spark: `cockpit refresh --engine spark` over the demo's
extracts, in local mode, publishes what DuckDB publishes. Every value, status and rank of
every layer, at every area and month, is compared with DuckDB's (relative tolerance 1e-9).

Needs pyspark and Java, which `make test` and CI install: a missing one is a failure."""

from __future__ import annotations

import math
import shutil

import duckdb
import pytest

from tests.helpers.cockpits import make_settings, run_cockpit

KEY = ("indicator_id", "area_code", "period")
NUMBERS = ("value", "numerator", "denominator", "prev_value", "yoy_value", "target")
EXACT = ("level", "parent_code", "status", "rank", "rank_of", "suppressed")

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def on_spark(tmp_path_factory: pytest.TempPathFactory, demo_extracts):
    settings = make_settings(tmp_path_factory.mktemp("spark")).with_overrides(
        spark_master="local[2]"
    )
    shutil.copytree(demo_extracts, settings.inbox)
    done = run_cockpit(settings, "refresh", "--engine", "spark", process=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "computed on local[2]" in done.stdout
    return settings


def _rows(settings, sql: str) -> list[dict]:
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        result = con.execute(sql)
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_every_layer_on_spark_gives_duckdb_s_values_statuses_and_ranks(demo, on_spark):
    columns = ", ".join((*KEY, *NUMBERS, *EXACT))
    sql = f"SELECT {columns} FROM ind.indicator_value ORDER BY ALL"
    ours = {tuple(r[k] for k in KEY): r for r in _rows(demo, sql)}
    theirs = {tuple(r[k] for k in KEY): r for r in _rows(on_spark, sql)}
    # Every layer with values (the four about 督办 tasks have none: no task yet).
    layers = {k[0] for k in ours}
    assert len(layers) == 51 and {k[0] for k in theirs} == layers
    assert theirs.keys() == ours.keys()
    differ = [
        (key, column, ours[key][column], theirs[key][column])
        for key in ours
        for column in NUMBERS
        if not _close(ours[key][column], theirs[key][column])
    ] + [
        (key, column, ours[key][column], theirs[key][column])
        for key in ours
        for column in EXACT
        if ours[key][column] != theirs[key][column]
    ]
    assert differ == [], f"{len(differ)} differences, e.g. {differ[:5]}"
    # Not an empty comparison: most cells carry a value and a colour.
    assert sum(r["status"] in ("green", "amber", "red") for r in ours.values()) > 10_000


def test_spark_s_alerts_and_indicator_list_are_duckdb_s(demo, on_spark):
    alerts = "SELECT indicator_id, area_code, period, priority FROM ind.alert ORDER BY ALL"
    ours, theirs = _rows(demo, alerts), _rows(on_spark, alerts)
    assert len(ours) == len(theirs) > 100
    assert all(
        (a["indicator_id"], a["area_code"], a["period"])
        == (b["indicator_id"], b["area_code"], b["period"])
        and _close(a["priority"], b["priority"])
        for a, b in zip(ours, theirs, strict=True)
    )
    listed = "SELECT * EXCLUDE (layer_file) FROM ind.indicator ORDER BY indicator_id"
    indicators = _rows(demo, listed)
    assert len(indicators) == 55 and _rows(on_spark, listed) == indicators


def test_the_staged_tables_went_out_as_parquet_by_month(on_spark):
    hotline = on_spark.spark_dir / "input" / "stg.hotline_ticket"
    months = sorted(p.name for p in hotline.iterdir() if p.is_dir())
    assert months[0] == "period=2018-01" and months[-1] == "period=2019-12"
    assert len(months) == 24
    assert all(any(p.glob("*.parquet")) for p in hotline.iterdir() if p.is_dir())
