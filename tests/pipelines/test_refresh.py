"""`cockpit refresh`: load, validate, materialise, publish atomically; nothing lost."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from pipelines.ingest.sources import SOURCES
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.cockpits import make_settings, run_cockpit


def test_every_row_is_accounted_for(wh):
    runs = wh.execute(
        "SELECT source, rows_in, rows_loaded, rows_rejected FROM meta.load_run WHERE status = 'ok'"
    ).fetchall()
    assert {r[0] for r in runs} == set(SOURCES)
    assert len(SOURCES) == 18  # boundaries, buildings and sixteen department extracts
    for source, rows_in, loaded, rejected in runs:
        assert rows_in == loaded + rejected, source
    rejected_counts = dict(
        wh.execute("SELECT source, count(*) FROM meta.rejected_row GROUP BY source").fetchall()
    )
    assert rejected_counts == {"housing": 2}


def test_rejected_rows_name_file_row_and_reason(wh):
    rows = wh.execute(
        "SELECT file, row_number, reasons, record FROM meta.rejected_row ORDER BY row_number"
    ).fetchall()
    assert all(r[0].endswith(".csv") for r in rows)
    reasons = {r[1]: r[2] for r in rows}
    # Line 1 is the header; the two bad rows are the last two lines of the ledger.
    assert reasons[1802] == ["社区: unknown area: 新华社区"]
    assert reasons[1803] == ["在建工地数: negative count: -2"]
    # Personal data (the clerk's name and phone) never reaches the warehouse.
    assert all("联系电话" not in r[3] and "王伟" not in r[3] for r in rows)


def test_registered_population_is_the_published_figure(wh):
    value = wh.execute(
        "SELECT value FROM ind.indicator_value WHERE indicator_id = 'registered_population' "
        "AND area_code = '330103000000' AND period = '2019-12'"
    ).fetchall()[0][0]
    assert value == 423_600


def test_every_indicator_for_every_level_and_month(wh):
    rows = wh.execute(
        "SELECT indicator_id, level, count(DISTINCT period), count(DISTINCT area_code) "
        "FROM ind.indicator_value GROUP BY ALL"
    ).fetchall()
    indicators = {r[0] for r in rows}
    # 55 layers; the loop's four (tasks_*) have no values while no task has been dispatched.
    assert len(indicators) == 51
    # Facilities and events need not be everywhere: car parks stand in 49 communities,
    # renovation plans cover 38, and the four air-quality stations four (in four streets).
    partial = {
        ("renovation_completion_rate", "community"): 38,
        **{(p, "community"): 49 for p in ("parking_occupancy", "parking_spaces")},
        ("parking_peak_occupancy", "community"): 49,
        **{(a, lvl): 4 for a in ("air_good_days_share", "pm25_latest")
           for lvl in ("community", "street")},
    }  # fmt: skip
    # Each demo extract is delivered once, for its last month: one month of delivery data.
    deliveries = {"data_timeliness", "data_rejected_share"}
    for indicator, level, periods, areas in rows:
        assert periods == (1 if indicator in deliveries else 24), (indicator, level)
        everywhere = {"district": 1, "street": 8, "community": 75, "park": 1}[level]
        assert areas == partial.get((indicator, level), everywhere), (indicator, level)


def test_district_is_the_sum_of_streets_and_streets_of_communities(wh):
    additive = [
        r[0]
        for r in wh.execute(
            "SELECT indicator_id FROM ind.indicator WHERE rollup = 'sum'"
        ).fetchall()
    ]
    assert len(additive) == 24  # 22, and the 督办 loop's two counts (no values in the demo)
    mismatches = wh.execute(
        """
        -- Months with a small count kept back publish no value there: the sums are checked
        -- where every cell is published (tests/pipelines/test_suppression.py covers the rest).
        WITH v AS (SELECT * FROM ind.indicator_value WHERE list_contains(?, indicator_id)
                   QUALIFY NOT bool_or(suppressed) OVER (PARTITION BY indicator_id, period)),
        streets AS (SELECT indicator_id, period, sum(value) AS total FROM v
                    WHERE level = 'street' GROUP BY ALL),
        communities AS (SELECT indicator_id, period, sum(value) AS total FROM v
                        WHERE level = 'community' GROUP BY ALL)
        SELECT d.indicator_id, d.period, d.value, s.total, c.total
        FROM v d JOIN streets s USING (indicator_id, period) JOIN communities c USING (indicator_id, period)
        WHERE d.level = 'district' AND (abs(d.value - s.total) > 1e-6 OR abs(s.total - c.total) > 1e-6)
        """,
        [additive],
    ).fetchall()
    assert mismatches == []
    # Every street of every additive indicator and month, where no community is kept back.
    street_sums = wh.execute(
        """
        SELECT s.indicator_id, s.area_code, s.period, s.value, sum(c.value), count(*)
        FROM ind.indicator_value s JOIN ind.indicator_value c
          ON c.parent_code = s.area_code AND c.indicator_id = s.indicator_id AND c.period = s.period
        WHERE s.level = 'street' AND list_contains(?, s.indicator_id) AND c.level = 'community'
          AND NOT s.suppressed
        GROUP BY ALL HAVING NOT bool_or(c.suppressed)
        """,
        [additive],
    ).fetchall()
    # 3,299 of the 22 × 8 × 24 street-months have every community published; the rest are
    # checked against the layers' own rows in test_rollup_property.py.
    assert len(street_sums) == 3_299
    assert [r for r in street_sums if abs(r[3] - r[4]) > 1e-6] == []


def test_ratios_are_recomputed_not_averaged(wh):
    district = wh.execute(
        "SELECT value FROM ind.indicator_value WHERE indicator_id = 'family_doctor_coverage' "
        "AND level = 'district' AND period = '2019-12'"
    ).fetchall()[0][0]
    # From the two departments' own rows: all contracts over all registered residents.
    contracts, residents, mean_of_communities = wh.execute(
        "SELECT sum(h.family_doctor_contracts), sum(p.registered_population), "
        "avg(h.family_doctor_contracts / p.registered_population) * 100 "
        "FROM stg.health_services h JOIN stg.population p USING (area_code, period) "
        "WHERE period = '2019-12'"
    ).fetchall()[0]
    assert residents == 423_600
    assert district == pytest.approx(contracts / residents * 100, rel=1e-12)
    assert abs(district - mean_of_communities) > 1e-3  # the unweighted mean would differ


def test_rerunning_the_same_files_changes_nothing(tmp_path, drop_demo):
    settings = make_settings(tmp_path)
    drop_demo(settings)
    first = run_refresh(settings, echo=lambda _l: None)
    assert first.ok
    snapshot = _values(settings)
    drop_demo(settings)  # the operator drops the very same files again
    second = run_refresh(settings, echo=lambda _l: None)
    assert {f.status for f in second.files} == {"unchanged"}
    again = _values(settings)
    assert [row[:3] for row in again] == [row[:3] for row in snapshot]
    # Layer SQL may sum doubles itself; equal to the last bits of double rounding.
    changed = [
        (a, b)
        for a, b in zip(snapshot, again, strict=True)
        if (a[3] is None) != (b[3] is None)
        or (a[3] is not None and a[3] != pytest.approx(b[3], rel=1e-12))
    ]
    assert changed == []
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    assert con.execute("SELECT count(*) FROM meta.load_run").fetchall()[0][0] == len(SOURCES)
    con.close()
    # Processed extracts are archived under their hash and leave the inbox.
    assert not any(settings.inbox.rglob("*.*"))
    assert len(list(settings.archive.rglob("*.*"))) == len(SOURCES)


def _values(settings):
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    try:
        return con.execute(
            "SELECT indicator_id, area_code, period, value FROM ind.indicator_value ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def test_publish_swaps_a_pointer_and_leaves_no_half_written_file(tmp_path, drop_demo):
    settings = make_settings(tmp_path, keep_versions=1)
    drop_demo(settings)
    run_refresh(settings, echo=lambda _l: None)
    for _ in range(3):
        run_refresh(settings, echo=lambda _l: None)
    pointer = settings.warehouse
    assert pointer.is_symlink()
    versions = sorted((pointer.parent / "versions").iterdir())
    # The served version plus `keep_versions` older ones; no build or WAL left behind.
    assert len(versions) == 2
    assert pointer.resolve() == versions[-1]
    assert not [p for p in versions if p.suffix != ".duckdb"]


@pytest.mark.slow
def test_a_broken_file_fails_its_source_alone(tmp_path, drop_demo):
    settings = make_settings(tmp_path)
    drop_demo(settings)
    broken = settings.inbox / "statistics" / "人口月报_损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    # The command as installed, in a process of its own, as an operator runs it.
    result = run_cockpit(settings, "refresh", process=True)
    assert result.returncode == 1
    assert "人口月报_损坏.xlsx" in result.stdout and "corrupt" in result.stdout
    assert "source statistics FAILED" in result.stderr
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    statuses = dict(con.execute("SELECT source, last_status FROM meta.source").fetchall())
    assert statuses["statistics"] == "failed"
    assert statuses["health"] == "ok"
    # The good statistics file in the same folder still loaded, and everything published.
    assert (
        con.execute(
            "SELECT count(*) FROM ind.indicator_value WHERE indicator_id = 'registered_population'"
        ).fetchall()[0][0]
        == 24 * 84
    )
    con.close()
    assert broken.exists(), "a failed file stays in the inbox for the operator"


def test_callers_names_and_phone_numbers_never_reach_the_warehouse(wh):
    columns = {r[0] for r in wh.execute("SELECT column_name FROM duckdb_columns()").fetchall()}
    assert not columns & {"诉求人", "联系电话", "填报人"}
    tickets = wh.execute(
        "SELECT count(*), count(DISTINCT area_code) FROM stg.hotline_ticket"
    ).fetchall()[0]
    assert tickets == (72_925, 75)  # 72,000, and the planted surge's 925
    leaked = wh.execute(
        "SELECT count(*) FROM meta.rejected_row WHERE record LIKE '%先生%' OR regexp_matches(record, '1[3-9][0-9]{9}')"
    ).fetchall()[0][0]
    assert leaked == 0


def test_every_loaded_extract_is_archived_exactly_as_received(demo, wh):
    runs = wh.execute(
        "SELECT file, file_hash, archive_path FROM meta.load_run WHERE status = 'ok'"
    ).fetchall()
    assert len(runs) == len(SOURCES)
    for file, digest, archive_path in runs:
        kept = demo.archive / archive_path
        assert kept.name.endswith(file)
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == digest


def test_a_newer_extract_replaces_its_months_and_no_others(tmp_path, drop_demo):
    settings = make_settings(tmp_path)
    drop_demo(settings)
    assert run_refresh(settings, echo=lambda _l: None).ok
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    before = dict(
        con.execute(
            "SELECT period, sum(clinic_visits) FROM stg.health_services GROUP BY period"
        ).fetchall()
    )
    con.close()
    # The health commission re-sends December 2019 with corrected numbers for two communities.
    correction = settings.inbox / "health" / "社区卫生服务月报_201912_更正.csv"
    correction.write_text(
        "统计期,社区编码,门诊人次,家庭医生签约人数,疫苗接种剂次\n"
        "2019-12,330103001051,1000,10,1\n"
        "2019-12,330103001052,2000,20,2\n",
        encoding="utf-8-sig",
    )
    assert run_refresh(settings, ["health"], echo=lambda _l: None).ok
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    after = dict(
        con.execute(
            "SELECT period, sum(clinic_visits) FROM stg.health_services GROUP BY period"
        ).fetchall()
    )
    district = con.execute(
        "SELECT value FROM ind.indicator_value WHERE indicator_id = 'clinic_visits' "
        "AND level = 'district' AND period = '2019-12'"
    ).fetchall()[0][0]
    con.close()
    assert after["2019-12"] == 3000 and district == 3000
    assert {p: v for p, v in after.items() if p != "2019-12"} == {
        p: v for p, v in before.items() if p != "2019-12"
    }


def test_the_government_services_catalog_reproduces_the_published_figures(wh):
    items, providers, one_trip, online = wh.execute(
        "SELECT count(*), count(DISTINCT provider), "
        "round(100.0 * count(*) FILTER (WHERE at_most_one_trip = '是') / count(*), 2), "
        "round(100.0 * count(*) FILTER (WHERE online = '是') / count(*), 2) "
        "FROM stg.service_items WHERE period = '2019-12'"
    ).fetchall()[0]
    assert (items, providers, one_trip, online) == (358, 42, 100.0, 95.53)


def test_event_sources_are_filed_under_the_month_they_happened(wh):
    months = wh.execute(
        "SELECT count(DISTINCT period), min(period), max(period) FROM stg.hotline_ticket"
    ).fetchall()[0]
    assert months == (24, "2018-01", "2019-12")
    wrong = wh.execute(
        "SELECT count(*) FROM stg.policy_payments WHERE period <> strftime(applied_on, '%Y-%m')"
    ).fetchall()[0][0]
    assert wrong == 0
    park = wh.execute("SELECT DISTINCT area_code FROM stg.park_footfall").fetchall()
    assert park == [("330103008P01",)]


def test_cockpit_status_lists_every_source_with_freshness_and_rejects(demo):
    result = run_cockpit(demo, "status")
    assert result.returncode == 0, result.stderr
    lines = {
        line.split()[0]: line.split()
        for line in result.stdout.splitlines()[3:]
        if line.strip() and not line.startswith(" ")
    }
    assert set(lines) == set(SOURCES)
    assert lines["housing"][1] == "区住建局"
    assert lines["housing"][-4:] == ["fresh", "ok", "1,800", "2"]
    assert lines["hotline"][-2:] == ["72,925", "0"]
    # Under each source, the file that serves its months.
    assert (
        "    serves 2018-01…2019-12 from 12345热线工单明细_201801-201912.csv, received "
        in result.stdout
    )
