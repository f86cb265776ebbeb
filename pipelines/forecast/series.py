"""The published values of one indicator as a matrix (areas × months), and what the
forecasts need to know about each row: its level, its red boundary, its statuses."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

# Every published value, in month order. Hidden cells come back NULL (their value is
# gone), so a row with one is never forecast.
_VALUES = """
SELECT v.indicator_id, v.area_code, v.level, v.parent_code, v.period, v.value, v.status
FROM ind.indicator_value v
ORDER BY v.indicator_id, v.area_code, v.period
"""

_INDICATORS = """
SELECT indicator_id, direction, rollup, unit, suppress_below, bounds,
       forecast_within, forecast_probability
FROM ind.indicator
ORDER BY indicator_id
"""


@dataclass(frozen=True)
class Indicator:
    id: str
    direction: str
    rollup: str
    unit: str
    suppress_below: int
    # The red boundary (amber's far side) for each level that has one.
    red_bound: dict[str, float]
    within: int | None
    probability: float | None


@dataclass(frozen=True)
class Panel:
    """One indicator's rows: ``values`` and ``red`` (whether each value's status is red;
    ``judged`` whether it has a colour at all) are n areas × T consecutive months."""

    indicator: Indicator
    codes: np.ndarray
    levels: np.ndarray
    parents: np.ndarray
    periods: list[str]
    values: np.ndarray
    red: np.ndarray
    judged: np.ndarray

    def bound(self) -> np.ndarray:
        """Each row's red boundary (NaN where its level has none)."""
        return np.array([self.indicator.red_bound.get(lv, np.nan) for lv in self.levels])


def indicators(con: duckdb.DuckDBPyConnection) -> dict[str, Indicator]:
    out = {}
    for iid, direction, rollup, unit, k, bounds, within, prob in con.execute(
        _INDICATORS
    ).fetchall():
        red = {b["level"]: b["amber"] for b in bounds or [] if b["amber"] is not None}
        out[iid] = Indicator(iid, direction, rollup, unit or "", k or 0, red, within, prob)
    return out


def months_after(period: str, horizon: int) -> list[str]:
    start = pd.Period(period, freq="M")
    return [str(start + h) for h in range(1, horizon + 1)]


def panels(con: duckdb.DuckDBPyConnection) -> list[Panel]:
    """One panel per indicator, over the months from its first to its last published
    period. Indicators without a direction are forecast too (a population's next months);
    only those with a red boundary can warn."""
    specs = indicators(con)
    frame = con.execute(_VALUES).df()
    out = []
    for iid, rows in frame.groupby("indicator_id", sort=True):
        if iid not in specs:
            continue
        first, last = rows["period"].min(), rows["period"].max()
        periods = [str(p) for p in pd.period_range(first, last, freq="M")]
        col = {p: n for n, p in enumerate(periods)}
        codes, row = np.unique(rows["area_code"].to_numpy(), return_inverse=True)
        cols = rows["period"].map(col).to_numpy()
        shape = (len(codes), len(periods))
        values = np.full(shape, np.nan)
        values[row, cols] = rows["value"].to_numpy(dtype=float, na_value=np.nan)
        status = np.full(shape, None, dtype=object)
        status[row, cols] = rows["status"].to_numpy()
        first_row = np.unique(row, return_index=True)[1]
        out.append(
            Panel(
                specs[iid], codes, rows["level"].to_numpy()[first_row],
                rows["parent_code"].to_numpy()[first_row], periods, values,
                status == "red", np.isin(status, ["green", "amber", "red"]),
            )
        )  # fmt: skip
    return out
