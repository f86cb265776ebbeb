"""Forecasts at every refresh: ``ind.forecast`` (3 months ahead, with 80% and 95%
intervals, for every indicator × area with two years of history), ``ind.forecast_accuracy``
(each indicator's rolling-origin backtest) and ``ind.forecast_warning`` (the early
warnings of the rule ``forecast_breach``, live and as they would have been raised on
history). Alerts read the warnings; the cockpits read all three."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pipelines.forecast.backtest import (
    HORIZON,
    MIN_HISTORY,
    Z80,
    Z95,
    Backtest,
    EarlyWarning,
    backtest,
    clipped,
    false_warnings,
    red_probability,
    warnings_at,
)
from pipelines.forecast.ets import Forecast, ets_forecast, seasonal_naive
from pipelines.forecast.series import Panel, months_after, panels

__all__ = ["FORECAST_DDL", "publish_forecasts"]

FORECAST_DDL = """
CREATE OR REPLACE TABLE ind.forecast (
    indicator_id VARCHAR, area_code VARCHAR, level VARCHAR, parent_code VARCHAR,
    period VARCHAR, months_ahead INTEGER, value DOUBLE, lo80 DOUBLE, hi80 DOUBLE,
    lo95 DOUBLE, hi95 DOUBLE, method VARCHAR, p_red DOUBLE,
    PRIMARY KEY (indicator_id, area_code, period)
);
CREATE OR REPLACE TABLE ind.forecast_accuracy (
    indicator_id VARCHAR PRIMARY KEY, series INTEGER, origins INTEGER, forecasts INTEGER,
    mase DOUBLE, naive_mase DOUBLE, coverage80 DOUBLE, coverage95 DOUBLE,
    beats_naive BOOLEAN, warns BOOLEAN, warnings INTEGER, warnings_judged INTEGER,
    false_warnings INTEGER
);
CREATE OR REPLACE TABLE ind.forecast_warning (
    indicator_id VARCHAR, area_code VARCHAR, period VARCHAR, months INTEGER,
    probability DOUBLE, PRIMARY KEY (indicator_id, area_code, period)
);
"""


def _live(panel: Panel, beats: bool) -> tuple[np.ndarray, Forecast | None]:
    """The rows with two years of history and no gap up to the last month, and their
    forecast: the ETS models' where they beat the seasonal naive forecast in the
    backtest, else the seasonal naive one."""
    recent = panel.values[:, -MIN_HISTORY:]
    rows = np.flatnonzero((panel.values.shape[1] >= MIN_HISTORY) & ~np.isnan(recent).any(axis=1))
    if not len(rows):
        return rows, None
    # Each row's history goes back to its last gap (or the panel's first month); rows
    # with the same length are fitted together.
    gaps = np.isnan(panel.values[rows])
    start = np.where(gaps.any(axis=1), gaps.shape[1] - np.argmax(gaps[:, ::-1], axis=1), 0)
    model = ets_forecast if beats else seasonal_naive
    mean = np.empty((len(rows), HORIZON))
    sd = np.empty((len(rows), HORIZON))
    method = np.empty(len(rows), dtype=object)
    for s in np.unique(start):
        part = np.flatnonzero(start == s)
        hist = panel.values[rows[part], s:]
        fc = clipped(panel, model(hist, HORIZON), hist)
        mean[part], sd[part], method[part] = fc.mean, fc.sd, fc.method
    fc = Forecast(mean, sd, method)
    # A count that would read under the suppression threshold is not published: it
    # would say what "<k" hides.
    k = panel.indicator.suppress_below
    if panel.indicator.rollup == "sum" and k > 0:
        shown = (fc.mean >= k).all(axis=1)
        rows = rows[shown]
        fc = Forecast(fc.mean[shown], fc.sd[shown], fc.method[shown])
    return rows, fc


def _forecast_frame(panel: Panel, rows: np.ndarray, fc: Forecast) -> pd.DataFrame:
    n = len(rows)
    p_red = red_probability(fc, panel.bound()[rows], panel.indicator.direction)
    mean, sd = fc.mean.ravel(), fc.sd.ravel()
    return pd.DataFrame(
        {
            "indicator_id": panel.indicator.id,
            "area_code": np.repeat(panel.codes[rows], HORIZON),
            "level": np.repeat(panel.levels[rows], HORIZON),
            "parent_code": np.repeat(panel.parents[rows], HORIZON),
            "period": np.tile(months_after(panel.periods[-1], HORIZON), n),
            "months_ahead": np.tile(np.arange(1, HORIZON + 1), n),
            "value": mean,
            "lo80": mean - Z80 * sd,
            "hi80": mean + Z80 * sd,
            "lo95": mean - Z95 * sd,
            "hi95": mean + Z95 * sd,
            "method": np.repeat(fc.method.astype(str), HORIZON),
            "p_red": np.round(p_red.ravel(), 4),
        }
    )


def _accuracy_row(panel: Panel, bt: Backtest) -> tuple:
    # The warnings counted are those it raised: none where its forecasts may not warn.
    raised = bt.warnings if bt.warns else []
    judged, false = false_warnings(panel, raised)
    return (
        panel.indicator.id, bt.series, bt.origins, bt.errors, bt.mase, bt.naive_mase,
        bt.coverage80, bt.inside95 / bt.errors if bt.errors else None,
        bt.beats_naive, bt.warns, len(raised), judged, false,
    )  # fmt: skip


def _warning_rows(panel: Panel, warnings: list[EarlyWarning]) -> list[tuple]:
    return [
        (panel.indicator.id, panel.codes[w.row], panel.periods[w.origin], w.months,
         round(w.probability, 4))
        for w in warnings
    ]  # fmt: skip


def publish_forecasts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild the three forecast tables from the published values; returns how many
    forecasts, indicators backtested and early warnings (live and on history) there are."""
    con.execute(FORECAST_DDL)
    forecasts: list[pd.DataFrame] = []
    accuracy, warnings = [], []
    for panel in panels(con):
        bt = backtest(panel)
        if bt.origins:
            accuracy.append(_accuracy_row(panel, bt))
        rows, fc = _live(panel, bt.beats_naive)
        if fc is None:
            continue
        forecasts.append(_forecast_frame(panel, rows, fc))
        # Only forecasts that beat the seasonal naive one on their indicator, with honest
        # intervals, may warn.
        if bt.warns:
            live = warnings_at(panel, rows, panel.values.shape[1], fc)
            warnings.extend(_warning_rows(panel, bt.warnings + live))
    frame = pd.concat(forecasts, ignore_index=True) if forecasts else None
    if frame is not None:
        con.register("_forecast_frame", frame)
        con.execute("INSERT INTO ind.forecast BY NAME SELECT * FROM _forecast_frame")
        con.unregister("_forecast_frame")
    if accuracy:
        con.executemany(
            f"INSERT INTO ind.forecast_accuracy VALUES ({', '.join(['?'] * 13)})", accuracy
        )
    if warnings:
        raised = pd.DataFrame(
            warnings, columns=["indicator_id", "area_code", "period", "months", "probability"]
        )
        con.register("_warning_frame", raised)
        con.execute("INSERT INTO ind.forecast_warning BY NAME SELECT * FROM _warning_frame")
        con.unregister("_warning_frame")
    return {
        "forecasts": 0 if frame is None else len(frame),
        "indicators": len(accuracy),
        "warnings": len(warnings),
    }
