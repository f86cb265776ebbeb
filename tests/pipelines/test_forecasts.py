"""Forecasts at every refresh (``ind.forecast``), their backtest (``ind.forecast_accuracy``)
and the early warnings of ``forecast_breach`` (``ind.forecast_warning``): on the demo's
published warehouse, and on small made-up panels where the answer is known."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.demo.problems import DRIFTS
from pipelines.forecast import publish_forecasts
from pipelines.forecast.backtest import red_probability
from pipelines.forecast.ets import ets_forecast

MONTHS = [str(p) for p in pd.period_range("2018-01", "2019-12", freq="M")]


def _panel_warehouse(series: dict[str, dict[str, np.ndarray]]) -> duckdb.DuckDBPyConnection:
    """A warehouse with only what the forecasts read: indicators that are higher-better
    with red below 50 at community level, warned of 3 months ahead at 80%."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ind")
    con.execute(
        "CREATE TABLE ind.indicator (indicator_id VARCHAR, direction VARCHAR, rollup VARCHAR,"
        " unit VARCHAR, suppress_below INTEGER, bounds STRUCT(level VARCHAR, green DOUBLE,"
        " amber DOUBLE, target DOUBLE)[], forecast_within INTEGER, forecast_probability DOUBLE)"
    )
    con.execute(
        "CREATE TABLE ind.indicator_value (indicator_id VARCHAR, area_code VARCHAR,"
        " level VARCHAR, parent_code VARCHAR, period VARCHAR, value DOUBLE, status VARCHAR)"
    )
    for indicator, areas in series.items():
        con.execute(
            "INSERT INTO ind.indicator VALUES (?, 'higher_better', 'ratio', '%', 0, "
            "[{'level': 'community', 'green': 60.0, 'amber': 50.0, 'target': NULL}], 3, 0.8)",
            [indicator],
        )
        for area, values in areas.items():
            status = np.where(values >= 60, "green", np.where(values >= 50, "amber", "red"))
            con.executemany(
                "INSERT INTO ind.indicator_value VALUES (?, ?, 'community', 'S', ?, ?, ?)",
                [(indicator, area, m, float(v), s) for m, v, s in
                 zip(MONTHS, values, status, strict=True)],
            )  # fmt: skip
    return con


def _steady(rng, n: int, level: float = 75.0) -> dict[str, np.ndarray]:
    return {f"A{i:02d}": level + rng.normal(0, 1.0, 24) for i in range(n)}


def _sliding(rng) -> np.ndarray:
    # Steady at 75, then down 3.5 points a month for the last 6: 54 in the last month,
    # amber, and red within the quarter if it goes on.
    values = 75 + rng.normal(0, 0.3, 24)
    values[18:] = 75 - 3.5 * np.arange(1, 7)
    return values


def test_a_slide_towards_red_is_warned_of_before_it_turns_red():
    rng = np.random.default_rng(3)
    con = _panel_warehouse({"plain": {**_steady(rng, 12), "SLIDE": _sliding(rng)}})
    counts = publish_forecasts(con)
    assert counts["indicators"] == 1
    warned = con.execute(
        "SELECT area_code, period, months, probability FROM ind.forecast_warning"
    ).fetchall()
    live = [w for w in warned if w[1] == "2019-12"]
    assert [w[0] for w in live] == ["SLIDE"]
    assert 1 <= live[0][2] <= 3 and live[0][3] >= 0.8
    forecast = con.execute(
        "SELECT period, value, lo95, lo80, hi80, hi95, method FROM ind.forecast "
        "WHERE area_code = 'SLIDE' ORDER BY period"
    ).fetchall()
    assert [f[0] for f in forecast] == ["2020-01", "2020-02", "2020-03"]
    assert all(lo95 <= lo80 <= v <= hi80 <= hi95 for _, v, lo95, lo80, hi80, hi95, _ in forecast)
    assert forecast[-1][1] < 50 and forecast[0][6] == "ets_aan"
    # The steady areas are forecast too, and none is warned of.
    assert con.execute("SELECT count(DISTINCT area_code) FROM ind.forecast").fetchone()[0] == 13


def test_a_forecast_that_does_not_beat_seasonal_naive_does_not_warn():
    rng = np.random.default_rng(4)
    season = 12 * np.sin(2 * np.pi * np.arange(24) / 12)
    areas = {code: v + season for code, v in _steady(rng, 12).items()}
    slide = _sliding(rng)
    areas["SLIDE"] = slide
    con = _panel_warehouse({"seasonal": areas})
    publish_forecasts(con)
    beats, mase, naive = con.execute(
        "SELECT beats_naive, mase, naive_mase FROM ind.forecast_accuracy"
    ).fetchone()
    assert not beats and mase > naive
    # Its own ETS forecast would have warned of the slide...
    fc = ets_forecast(slide[None, :], 3)
    assert red_probability(fc, np.array([50.0]), "higher_better").max() >= 0.8
    # ...but the indicator's forecasts lost to the seasonal naive one: no warning, and
    # what is published is the seasonal naive forecast.
    assert con.execute("SELECT count(*) FROM ind.forecast_warning").fetchone()[0] == 0
    methods = con.execute("SELECT DISTINCT method FROM ind.forecast").fetchall()
    assert methods == [("seasonal_naive",)]


def test_every_series_with_two_clear_years_is_forecast_and_no_hidden_one(wh):
    history = wh.execute(
        """
        SELECT v.indicator_id, v.area_code,
               count(*) FILTER (WHERE v.value IS NOT NULL) AS known,
               bool_or(v.suppressed) AS hidden
        FROM ind.indicator_value v
        WHERE v.period > '2017-12'
        GROUP BY ALL
        """
    ).df()
    forecast = wh.execute(
        "SELECT indicator_id, area_code, count(*) AS months, min(period) AS first, "
        "max(period) AS last FROM ind.forecast GROUP BY ALL"
    ).df()
    both = history.merge(forecast, on=["indicator_id", "area_code"], how="left")
    # Series with a hidden month are never forecast (there are some to test).
    assert both["hidden"].sum() > 50
    assert both.loc[both["hidden"], "months"].isna().all()
    # Every series with 24 clear months is, three months ahead, unless a forecast of a
    # count would read under the threshold.
    clear = both[(~both["hidden"]) & (both["known"] == 24)]
    # Every indicator, those without a direction (a population) included.
    assert len(clear) > 2_800
    assert (clear["months"] == 3).mean() > 0.95
    assert set(forecast["first"]) == {"2020-01"} and set(forecast["last"]) == {"2020-03"}
    ordered = wh.execute(
        "SELECT count(*) FROM ind.forecast WHERE NOT (lo95 <= lo80 AND lo80 <= value "
        "AND value <= hi80 AND hi80 <= hi95)"
    ).fetchone()[0]
    assert ordered == 0
    small = wh.execute(
        "SELECT count(*) FROM ind.forecast f JOIN ind.indicator i USING (indicator_id) "
        "WHERE i.rollup = 'sum' AND i.suppress_below > 0 AND f.value < i.suppress_below"
    ).fetchone()[0]
    assert small == 0


def test_the_backtest_is_honest_about_accuracy(wh):
    rows = wh.execute(
        "SELECT indicator_id, mase, naive_mase, coverage80, coverage95, beats_naive, "
        "forecasts FROM ind.forecast_accuracy WHERE mase IS NOT NULL"
    ).df()
    assert len(rows) >= 30
    pooled80 = (rows["coverage80"] * rows["forecasts"]).sum() / rows["forecasts"].sum()
    pooled95 = (rows["coverage95"] * rows["forecasts"]).sum() / rows["forecasts"].sum()
    # The intervals hold about as often as they say.
    assert 0.72 <= pooled80 <= 0.90 and 0.88 <= pooled95 <= 0.99, (pooled80, pooled95)
    assert (rows["beats_naive"] == (rows["mase"] < rows["naive_mase"])).all()
    # Only forecasts that beat seasonal naive, with intervals honest enough to give a
    # probability, may warn; the demo has indicators that fail each.
    warns = wh.execute("SELECT indicator_id, warns FROM ind.forecast_accuracy").df()
    rows = rows.merge(warns, on="indicator_id")
    assert (rows["warns"] == (rows["beats_naive"] & (rows["coverage80"] >= 0.6))).all()
    assert (~rows["beats_naive"]).any() and (rows["beats_naive"] & ~rows["warns"]).any()
    silent = wh.execute(
        "SELECT count(*) FROM ind.forecast_warning w JOIN ind.forecast_accuracy a "
        "USING (indicator_id) WHERE NOT a.warns"
    ).fetchone()[0]
    assert silent == 0
    # Most of the demo's indicators are noise around a level, where smoothing beats
    # repeating last year; not every one.
    assert 0.6 < rows["beats_naive"].mean() < 1.0


@pytest.mark.parametrize("drift", DRIFTS, ids=lambda d: d.id)
def test_every_planted_slide_is_warned_of_two_months_before_it_turns_red(wh, drift):
    statuses = dict(
        wh.execute(
            "SELECT period, status FROM ind.indicator_value WHERE indicator_id = ? "
            "AND area_code = ?",
            [drift.indicator, drift.area_code],
        ).fetchall()
    )
    if drift.red_from <= "2019-12":
        # Turned red in the data: red from the month planted, not before.
        before = str(pd.Period(drift.red_from, freq="M") - 1)
        assert statuses[drift.red_from] == "red" and statuses[before] != "red"
    else:
        assert statuses["2019-12"] in ("green", "amber")
    latest_ok = str(pd.Period(drift.red_from, freq="M") - 2)
    warned = wh.execute(
        "SELECT min(period) FROM ind.forecast_warning WHERE indicator_id = ? AND area_code = ?",
        [drift.indicator, drift.area_code],
    ).fetchone()[0]
    assert warned is not None and warned <= latest_ok
    # The warning is an alert of its month, with its reason in both languages.
    zh, en, months = wh.execute(
        "SELECT reasons_zh, reasons_en, forecast_months FROM ind.alert "
        "WHERE indicator_id = ? AND area_code = ? AND period = ?",
        [drift.indicator, drift.area_code, warned],
    ).fetchone()
    assert any(r.startswith(f"预计{months}个月内转红（概率") for r in zh), zh
    assert any(r.startswith(f"forecast to turn red within {months} month") for r in en), en


def test_the_warnings_raised_on_history_are_judged_by_what_followed(wh):
    raised, judged, false = wh.execute(
        "SELECT sum(warnings), sum(warnings_judged), sum(false_warnings) FROM ind.forecast_accuracy"
    ).fetchone()
    # The slide planted to turn red inside the data is warned of on history, and both
    # warnings came true; the live warnings are not yet judged.
    assert judged >= 2 and raised >= judged
    assert false / judged <= 0.3
    live = wh.execute(
        "SELECT count(*) FROM ind.forecast_warning WHERE period = '2019-12'"
    ).fetchone()[0]
    assert live >= 2
