"""The layer engine on the real demo warehouse: roll-up rules, per-level thresholds,
district-wide layers, data-quality layers, portability, and the (indicator, level) list."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipelines.layers.engine import materialise
from pipelines.layers.portability import lint_sql
from pipelines.layers.spec import LayerLoadError, load_layer
from tests.helpers.layers import layer_spec, write_layer

STREET = "330103001000"  # 长庆街道
COMMUNITIES = ("330103001051", "330103001052")


@pytest.fixture
def scratch_wh(demo, tmp_path) -> duckdb.DuckDBPyConnection:
    """A writable copy of the published demo warehouse, with a reading table to roll up."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(demo.warehouse.resolve(), path)
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE stg.reading (area_code VARCHAR, period VARCHAR, value DOUBLE, "
        "as_of TIMESTAMP)"
    )
    con.execute(
        "INSERT INTO stg.reading VALUES (?, '2019-12', 10, '2019-12-30 09:00'), "
        "(?, '2019-12', 30, '2019-12-31 08:00')",
        list(COMMUNITIES),
    )
    yield con
    con.close()


def _value(con, indicator: str, code: str) -> tuple:
    return con.execute(
        "SELECT value, status, target FROM ind.indicator_value "
        "WHERE indicator_id = ? AND area_code = ? AND period = '2019-12'",
        [indicator, code],
    ).fetchall()[0]


def test_latest_takes_the_most_recent_report_among_the_children(scratch_wh, tmp_path):
    yml = write_layer(
        tmp_path,
        layer_spec("latest_reading", rollup="latest"),
        "SELECT area_code, period, value, as_of FROM stg.reading",
    )
    done = materialise(scratch_wh, [load_layer(yml)], "run")
    assert done.done == ["latest_reading"] and not done.errors
    # 052 reported last (31 Dec): its 30 is the street's and the district's value, not 40 or 20.
    assert _value(scratch_wh, "latest_reading", STREET)[0] == 30
    assert _value(scratch_wh, "latest_reading", "330103000000")[0] == 30


def test_thresholds_per_level_and_against_a_target(scratch_wh, tmp_path):
    spec = layer_spec(
        "targeted",
        target={"district": 100, "street": 50, "community": 20},
        thresholds={"basis": "target", "green": 1.0, "amber": 0.5,
                    "by_level": {"community": {"green": 2.0, "amber": 1.0}}},
    )  # fmt: skip
    yml = write_layer(tmp_path, spec, "SELECT area_code, period, value FROM stg.reading")
    materialise(scratch_wh, [load_layer(yml)], "run")
    # community: green from 2 × 20 = 40, amber from 20; street: green from 50, amber from 25
    assert _value(scratch_wh, "targeted", COMMUNITIES[0]) == (10, "red", 20)
    assert _value(scratch_wh, "targeted", COMMUNITIES[1]) == (30, "amber", 20)
    assert _value(scratch_wh, "targeted", STREET) == (40, "amber", 50)
    assert _value(scratch_wh, "targeted", "330103000000") == (40, "red", 100)


def test_a_column_check_broken_by_real_data_leaves_the_layer_out(scratch_wh, tmp_path):
    spec = layer_spec("checked", column_checks={"value": {"not_null": True, "max": 20}})
    yml = write_layer(tmp_path, spec, "SELECT area_code, period, value FROM stg.reading")
    done = materialise(scratch_wh, [load_layer(yml)], "run")
    assert done.done == []
    assert [e.path for e in done.errors] == [yml.with_suffix(".sql")]
    assert "value above max 20.0 in 1 row(s)" in done.errors[0].problem
    assert COMMUNITIES[1] in done.errors[0].problem  # the example names the row


def test_the_least_a_rule_allows_is_allowed(tmp_path):
    """A day's deadline and an assessed indicator with a street level both load."""
    spec = layer_spec("least", alerts={"sla_days": {"red": 1, "amber": 1}}, assessed=True,
                 direction="higher_better")  # fmt: skip
    layer = load_layer(
        write_layer(tmp_path, spec, "SELECT area_code, period, value FROM stg.reading")
    )
    assert layer.spec.alerts.sla_days == {"red": 1, "amber": 1} and layer.spec.assessed


def test_spec_errors_name_the_field(tmp_path):
    cases = [
        (layer_spec("a", thresholds={"basis": "target", "green": 1, "amber": 0.5}), "no target"),
        (
            layer_spec("b", thresholds={"green": 5, "amber": 1, "by_level": {"park": {"green": 1,
                                                                              "amber": 2}}}),
            "thresholds.by_level.park.green must be ≥",
        ),
        (layer_spec("c", target={"park": 3}), "target: ['park'] not among levels"),
        (layer_spec("d", rollup="median"), "field rollup"),
        (layer_spec("e", alerts={"sla_days": {"red": 0, "amber": 14}}), "each at least 1 day"),
        (layer_spec("f", alerts={"sla_days": {"red": 7}}), "sla_days needs red and amber"),
        (layer_spec("g", assessed=True, levels=["district"], direction="higher_better"),
         "assessed: streets are ranked on it"),
        (layer_spec("h", assessed=True, direction="neutral"), "assessed: streets are ranked on it"),
    ]  # fmt: skip
    for spec, expected in cases:
        yml = write_layer(tmp_path, spec, "SELECT area_code, period, value FROM stg.reading")
        with pytest.raises(LayerLoadError) as caught:
            load_layer(yml)
        assert str(yml) in str(caught.value) and expected in str(caught.value), caught.value


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("SELECT area_code, period, value FROM read_csv('/etc/passwd')", "stg tables only"),
        ("SELECT code AS area_code, '2019-12' AS period, 1 AS value FROM ind.area", "ind.area"),
        ("SELECT area_code, period, list_sum([value]) AS value FROM stg.reading", "list_sum"),
        (
            "SELECT p.area_code, p.period, 1 AS value FROM stg.reading p JOIN stg.population q "
            "ON p.area_code = q.area_code",
            "stg.population but sources does not list it",
        ),
        ("CREATE TABLE stg.x AS SELECT 1", "exactly one SELECT"),
        ("SELECT area_code, period, value FROM stg.reading WHERE period = %s", "placeholder"),
        # The traps that run on DuckDB and on Spark and answer differently.
        (
            "SELECT area_code, period, sum(value) / 3600.0 AS value FROM stg.reading GROUP BY ALL",
            "decimal literal 3600.0",
        ),
        (
            "SELECT area_code, period, sum(value) / count(*) AS value FROM stg.reading GROUP BY ALL",
            "divide by NULLIF(COUNT(*), 0)",
        ),
        (
            "SELECT area_code, period, sum(date_diff('day', at, done)) AS value FROM stg.reading "
            "GROUP BY ALL",
            "cast both to DATE",
        ),
        (
            "SELECT area_code, period, sum(date_diff('day', at::DATE, done)) AS value "
            "FROM stg.reading GROUP BY ALL",
            "calendar boundaries in DuckDB",
        ),
        (
            "SELECT area_code, period, quantile_cont(value, 0.5) AS value FROM stg.reading "
            "GROUP BY ALL",
            "quantiles do not port",
        ),
        (
            "SELECT area_code, period, grouping(area_code, period) AS value FROM stg.reading "
            "GROUP BY ROLLUP (area_code, period)",
            "GROUPING of several columns",
        ),
    ],
)
def test_sql_that_will_not_port_is_refused_naming_the_file(tmp_path, sql, problem):
    yml = write_layer(tmp_path, layer_spec("portable"), sql)
    errors = lint_sql(load_layer(yml))
    assert errors, sql
    assert all(e.path == yml.with_suffix(".sql") for e in errors)
    assert any(problem in e.problem for e in errors), [e.problem for e in errors]


def test_district_wide_layers_reproduce_the_service_catalogue(wh):
    rows = dict(
        wh.execute(
            "SELECT indicator_id, round(value, 2) FROM ind.indicator_value "
            "WHERE period = '2019-12' AND indicator_id IN ('gov_one_trip_rate', 'gov_online_rate')"
        ).fetchall()
    )
    assert rows == {"gov_one_trip_rate": 100.0, "gov_online_rate": 95.53}
    levels = wh.execute(
        "SELECT DISTINCT level FROM ind.indicator_value WHERE indicator_id = 'gov_online_rate'"
    ).fetchall()
    assert levels == [("district",)]


def test_data_quality_layers_count_late_deliveries_and_rejected_rows(wh):
    late = wh.execute(
        "SELECT list(source ORDER BY source) FROM stg.data_delivery WHERE NOT on_time"
    ).fetchall()[0][0]
    assert late == ["civil_affairs", "qinqing"]  # the demo's two late departments
    values = dict(
        wh.execute(
            "SELECT indicator_id, value FROM ind.indicator_value WHERE level = 'district' "
            "AND indicator_id IN ('data_timeliness', 'data_rejected_share')"
        ).fetchall()
    )
    # The demo's sixteen department extracts are due for 2019-12; two arrive late.
    assert values["data_timeliness"] == 14 / 16 * 100
    # Its two bad housing rows, out of every row the departments sent: what was staged,
    # counted in the staged tables themselves, and the two set aside. Boundaries and
    # buildings are the map's geometry, of no period: no delivery to count.
    staged = 0
    for (table,) in wh.execute(
        "SELECT table_name FROM meta.source WHERE source NOT IN ('boundaries', 'buildings')"
    ).fetchall():
        staged += wh.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    assert staged == 142_705
    assert values["data_rejected_share"] == pytest.approx(2 / (staged + 2) * 100, rel=1e-12)


def test_fifty_five_indicators_across_the_five_domains_and_every_department(wh):
    count, domains = wh.execute(
        "SELECT count(*), list(DISTINCT domain) FROM ind.indicator"
    ).fetchall()[0]
    assert count == 55
    assert set(domains) == {"economy", "governance", "culture", "society", "ecology"}
    owners = {r[0] for r in wh.execute("SELECT DISTINCT department FROM ind.indicator").fetchall()}
    senders = {
        r[0]
        for r in wh.execute(
            "SELECT DISTINCT department FROM meta.source "
            "WHERE source NOT IN ('boundaries', 'buildings')"
        ).fetchall()
    }
    assert senders <= owners


def test_a_value_exactly_at_a_column_checks_bound_passes(scratch_wh, tmp_path):
    # The readings are 10 and 30: min 10 and max 30 are met, not broken.
    spec = layer_spec("bounded", column_checks={"value": {"min": 10, "max": 30}})
    yml = write_layer(tmp_path, spec, "SELECT area_code, period, value FROM stg.reading")
    done = materialise(scratch_wh, [load_layer(yml)], "run")
    assert done.done == ["bounded"] and done.errors == []
    # A check without not_null lets a missing value through.
    spec = layer_spec("gappy", column_checks={"value": {"min": 0}})
    yml = write_layer(
        tmp_path, spec, "SELECT area_code, period, NULLIF(value, 10) AS value FROM stg.reading"
    )
    assert materialise(scratch_wh, [load_layer(yml)], "run").done == ["gappy"]


def test_latest_goes_up_by_the_newest_report_of_each_branch(scratch_wh, tmp_path):
    # Street 长庆 has reports at 09:00 (10) and 08:00 next day (30); another street's only
    # community reported in between. The district takes 长庆's newest, not the other.
    other = scratch_wh.execute(
        "SELECT code FROM ind.area WHERE level = 'community' AND parent_code <> ? LIMIT 1",
        [STREET],
    ).fetchall()[0][0]
    scratch_wh.execute(
        "INSERT INTO stg.reading VALUES (?, '2019-12', 50, '2019-12-30 20:00')", [other]
    )
    yml = write_layer(
        tmp_path,
        layer_spec("latest_reading", rollup="latest"),
        "SELECT area_code, period, value, as_of FROM stg.reading",
    )
    materialise(scratch_wh, [load_layer(yml)], "run")
    assert _value(scratch_wh, "latest_reading", "330103000000")[0] == 30


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT area_code, period, sum(value) / 3600 AS value FROM stg.reading GROUP BY ALL",
        "SELECT area_code, period, sum(value) / NULLIF(count(*), 0) AS value FROM stg.reading "
        "GROUP BY ALL",
        "SELECT area_code, period, sum(date_diff('day', at::DATE, done::DATE)) AS value "
        "FROM stg.reading GROUP BY ALL",
        "SELECT area_code, period, sum(date_diff('second', at, done)) / 60 AS value "
        "FROM stg.reading GROUP BY ALL",
    ],
)
def test_the_portable_way_round_each_trap_passes(tmp_path, sql):
    yml = write_layer(tmp_path, layer_spec("portable"), sql)
    assert lint_sql(load_layer(yml)) == []


def test_green_and_amber_may_share_a_bound_and_a_cte_is_not_a_table(tmp_path):
    spec = layer_spec("sharp", thresholds={"green": 5, "amber": 5})
    sql = (
        "WITH r AS (SELECT area_code, period, value FROM stg.reading) "
        "SELECT area_code, period, value FROM r"
    )
    layer = load_layer(write_layer(tmp_path, spec, sql))
    assert lint_sql(layer) == []
    low = layer_spec("sharp_low", direction="lower_better", thresholds={"green": 5, "amber": 5})
    assert load_layer(write_layer(tmp_path, low, sql)).spec.thresholds.green == 5


def test_the_headline_bounds_are_the_highest_levels(wh):
    # Lift maintenance has wider bands for communities (90/80) than above (98/95): the
    # dictionary and the cards' headline show the district's.
    bounds = wh.execute(
        "SELECT threshold_green, threshold_amber FROM ind.indicator "
        "WHERE indicator_id = 'elevator_maintenance_on_time'"
    ).fetchall()[0]
    assert bounds == (98, 95)


def test_the_headline_bounds_are_the_district_s_not_the_finest_level_s(scratch_wh, tmp_path):
    spec = layer_spec("banded", levels=["district", "street", "community"],
                 thresholds={"green": 90, "amber": 80,
                             "by_level": {"community": {"green": 50, "amber": 40}}})  # fmt: skip
    yml = write_layer(tmp_path, spec, "SELECT area_code, period, value FROM stg.reading")
    assert not materialise(scratch_wh, [load_layer(yml)], "run").errors
    assert scratch_wh.execute(
        "SELECT threshold_green, threshold_amber FROM ind.indicator WHERE indicator_id = 'banded'"
    ).fetchone() == (90, 80)


def test_the_refresh_check_catches_a_parent_that_does_not_add_up(scratch_wh):
    from pipelines.layers.values import check_rollup_consistency

    # Break one street's total of a sum, and one street's numerator of a ratio.
    scratch_wh.execute(
        "UPDATE ind.indicator_value SET value = value + 1 WHERE indicator_id = "
        "'registered_population' AND area_code = ? AND period = '2019-12'",
        [STREET],
    )
    scratch_wh.execute(
        "UPDATE ind.indicator_value SET numerator = numerator + 3 WHERE indicator_id = "
        "'family_doctor_coverage' AND area_code = ? AND period = '2019-12'",
        [STREET],
    )
    # And a denominator, in another month: a ratio's base must add up too.
    scratch_wh.execute(
        "UPDATE ind.indicator_value SET denominator = denominator + 5 WHERE indicator_id = "
        "'family_doctor_coverage' AND area_code = ? AND period = '2019-11'",
        [STREET],
    )
    found = check_rollup_consistency(
        scratch_wh, ["registered_population", "family_doctor_coverage"]
    )
    assert any(f.startswith(f"family_doctor_coverage {STREET} 2019-11: denominator") for f in found)
    assert any(f.startswith(f"registered_population {STREET} 2019-12: value") for f in found)
    assert any(f.startswith(f"family_doctor_coverage {STREET} 2019-12: numerator") for f in found)
    # The district no longer adds up from its streets either; nothing else is reported.
    assert (
        sum(
            f.startswith(
                (
                    "registered_population 330103000000 2019-12",
                    "family_doctor_coverage 330103000000 2019-12",
                )
            )
            for f in found
        )
        == 2
    )
    # Each broken street and its district: the district's 2019-11 denominator as well.
    assert len(found) == 6, found
