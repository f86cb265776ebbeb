"""Alerts (``ind.alert``): a colour alone is not an alert. Red for ``persist`` months in a
row, a clear worsening on last year, or standing out among siblings makes one; a rate on
too few cases is "few", never red; priority weighs severity, duration, worsening, distance
from the siblings and the people affected."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipelines.layers.engine import materialise
from pipelines.layers.spec import load_layer
from tests.helpers.layers import layer_spec, write_layer

STREET = "330103001000"


@pytest.fixture
def scratch(demo, tmp_path):
    """A writable copy of the demo warehouse and the communities of one street."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(demo.warehouse.resolve(), path)
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE stg.reading (area_code VARCHAR, period VARCHAR, num DOUBLE, den DOUBLE)"
    )
    communities = [
        r[0]
        for r in con.execute(
            "SELECT code FROM ind.area WHERE parent_code = ? AND level = 'community' ORDER BY code",
            [STREET],
        ).fetchall()
    ]
    assert len(communities) >= 6
    yield con, communities
    con.close()


def _rows(con, rows: list[tuple]) -> None:
    con.executemany("INSERT INTO stg.reading VALUES (?, ?, ?, ?)", rows)


def _materialise(con, tmp_path, **fields):
    rate = layer_spec(
        "on_time", rollup="ratio", scale=100, sources=["stg.reading"],
        thresholds={"green": 90, "amber": 80}, **fields,
    )  # fmt: skip
    people = layer_spec("registered_population", sources=["stg.reading"], direction="neutral")
    layers = [
        load_layer(write_layer(tmp_path, rate, "SELECT area_code, period, num AS numerator, "
                                "den AS denominator FROM stg.reading")),
        load_layer(write_layer(tmp_path, people, "SELECT area_code, period, den * 100 AS "
                                "value FROM stg.reading")),
    ]  # fmt: skip
    outcome = materialise(con, layers, "run")
    assert not outcome.errors


def _alerts(con, period: str = "2019-12", levels=("community",)) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT area_code, status, months_red, reasons_zh, reasons_en, priority FROM ind.alert "
        "WHERE indicator_id = 'on_time' AND period = ? AND list_contains(?, level) "
        "ORDER BY priority DESC",
        [period, list(levels)],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _status(con, code: str, period: str = "2019-12") -> str | None:
    return con.execute(
        "SELECT status FROM ind.indicator_value WHERE indicator_id = 'on_time' "
        "AND area_code = ? AND period = ?",
        [code, period],
    ).fetchall()[0][0]


def test_red_alerts_only_once_it_persists(scratch, tmp_path):
    con, (c1, c2, *_rest) = scratch
    # c1: red in November and December; c2: green in November, red in December.
    _rows(con, [
        (c1, "2019-11", 70, 100), (c1, "2019-12", 72, 100),
        (c2, "2019-11", 95, 100), (c2, "2019-12", 75, 100),
    ])  # fmt: skip
    _materialise(con, tmp_path)
    assert _status(con, c1) == _status(con, c2) == "red"
    alerts = _alerts(con)
    assert list(alerts) == [c1]
    status, months, zh, en, _priority = alerts[c1]
    assert (status, months, zh, en) == ("red", 2, ["连续2个月红"], ["red 2 months running"])
    assert _alerts(con, "2019-11") == {}  # one red month is not yet an alert


def test_a_rate_on_too_few_cases_is_few_not_red(scratch, tmp_path):
    con, (c1, c2, *_rest) = scratch
    _rows(con, [
        (c1, "2019-11", 5, 10), (c1, "2019-12", 5, 10),  # 50% of 10 cases
        (c2, "2019-11", 5, 10), (c2, "2019-12", 5, 10),
    ])  # fmt: skip
    _materialise(con, tmp_path)
    assert _status(con, c1) == "few"
    # The street's (and district's) 20 cases are enough to judge: 50% is red there.
    assert _alerts(con) == {}
    assert set(_alerts(con, levels=("street", "district"))) == {STREET, "330103000000"}
    street = con.execute(
        "SELECT status, value FROM ind.indicator_value WHERE indicator_id = 'on_time' "
        "AND area_code = ? AND period = '2019-12'",
        [STREET],
    ).fetchall()[0]
    assert street == ("red", 50.0)
    # A layer may set its own minimum: with 5, ten cases are judged, and red persists.
    con.execute("DROP TABLE ind.alert")
    _materialise(con, tmp_path, alerts={"min_base": 5})
    assert _status(con, c1) == "red" and {c1, c2} <= set(_alerts(con))


def test_worse_than_a_year_ago_alerts_at_once(scratch, tmp_path):
    con, (c1, c2, *_rest) = scratch
    _rows(con, [
        (c1, "2018-12", 98, 100), (c1, "2019-11", 95, 100), (c1, "2019-12", 60, 100),
        (c2, "2018-12", 90, 100), (c2, "2019-11", 95, 100), (c2, "2019-12", 85, 100),
    ])  # fmt: skip
    _materialise(con, tmp_path)
    alerts = _alerts(con)
    # c1 fell from 98% to 60%: 39% worse. c2 is amber, only 6% worse: not an alert.
    assert list(alerts) == [c1]
    assert alerts[c1][2:4] == (["同比恶化39%"], ["39% worse than a year ago"])


def test_standing_out_among_siblings_alerts_with_a_robust_z_score(scratch, tmp_path):
    con, communities = scratch
    values = [95, 96, 94, 95, 96, 80]  # five alike, and one far below its siblings
    _rows(con, [(c, "2019-12", v, 100) for c, v in zip(communities, values, strict=False)])
    _materialise(con, tmp_path)
    alerts = _alerts(con)
    worst = communities[5]
    assert list(alerts) == [worst]
    # median 95, MAD 1: (95 - 80) / 1.4826 = 10.1 MADs
    assert alerts[worst][2] == ["街道内最差, 偏离中位数10.1倍MAD"]
    assert alerts[worst][3] == ["worst in its street, 10.1 MADs from the median"]


def test_one_area_far_from_identical_siblings_scores_highest_not_blank(scratch, tmp_path):
    """Five communities share one value (their MAD is 0) and one has fallen far below
    them: the robust z must not divide by zero and say nothing exactly then."""
    con, communities = scratch
    values = [97, 97, 97, 97, 97, 20]
    _rows(con, [(c, "2019-12", v, 100) for c, v in zip(communities, values, strict=False)])
    _materialise(con, tmp_path)
    alerts = _alerts(con)
    worst = communities[5]
    assert list(alerts) == [worst]
    # Mean absolute deviation from the median 97: 77 / 6; × 1.2533 = 16.08; 77 / 16.08.
    assert alerts[worst][2] == ["街道内最差, 偏离中位数4.8倍MAD"]
    z = con.execute("SELECT sibling_mads FROM ind.alert WHERE area_code = ?", [worst]).fetchone()[0]
    assert z == pytest.approx(77 / (1.2533 * 77 / 6), rel=1e-3)


def test_priority_weighs_severity_duration_and_people(scratch, tmp_path):
    con, (c1, c2, c3, *_rest) = scratch
    _rows(con, [
        # c1 and c2 alike, red for three months; c2 has ten times the people.
        *[(c, p, 70, den) for c, den in ((c1, 100), (c2, 1000))
          for p in ("2019-10", "2019-11", "2019-12")],
        # c3 red for two months only, with as many people as c1.
        (c3, "2019-11", 70, 100), (c3, "2019-12", 70, 100),
    ])  # fmt: skip
    _materialise(con, tmp_path)
    alerts = _alerts(con)
    assert list(alerts) == [c2, c1, c3]
    assert alerts[c2][4] > alerts[c1][4] > alerts[c3][4]


def test_the_bounds_themselves_count(scratch, tmp_path):
    con, communities = scratch
    c1, c2 = communities[:2]
    # c1, in November: exactly 30% worse than a year before (100% → 70%), red once.
    _rows(con, [(c1, "2018-11", 100, 100), (c1, "2019-11", 70, 100)])
    # December: exactly five communities, the least a robust comparison needs.
    _rows(con, [(c, "2019-12", v, 100) for c, v in zip(communities[1:6], [95, 96, 94, 95, 82],
                                                          strict=True)])  # fmt: skip
    _materialise(con, tmp_path)
    assert _alerts(con, "2019-11")[c1][2] == ["同比恶化30%"]
    december = _alerts(con)
    assert list(december) == [communities[5]]
    assert december[communities[5]][2] == ["街道内最差, 偏离中位数8.8倍MAD"]
    assert c2 not in december


def test_fewer_than_five_siblings_are_not_compared(scratch, tmp_path):
    con, communities = scratch
    _rows(con, [(c, "2019-12", v, 100) for c, v in zip(communities[:4], [95, 96, 94, 82],
                                                       strict=True)])  # fmt: skip
    _materialise(con, tmp_path)
    assert _alerts(con) == {}
