"""Forecasts from every origin of an indicator's history, and what they say: how accurate
they were (MASE against the seasonal naive forecast, and how often the 80% interval held
the value), and the early warnings they would have raised.

A rolling-origin backtest: at each month with at least ``MIN_TRAIN`` months behind it,
forecast up to ``HORIZON`` months from the history up to then alone, and compare with
what was published later. The same code gives the live forecast, from the last month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from pipelines.forecast.ets import Forecast, ets_forecast, naive_scale, seasonal_naive
from pipelines.forecast.series import Panel

HORIZON = 3
# Months of history a live forecast needs: two full years, so that the seasonal naive
# baseline and the year-on-year scale stand on a whole year each.
MIN_HISTORY = 24
# Months a backtest origin needs behind it: a year and a quarter, so that the seasonal
# naive forecast and MASE's scale (year-on-year differences) exist.
MIN_TRAIN = 15
# How many of the most recent origins the backtest takes.
ORIGINS = 9
Z80, Z95 = 1.2815515655446004, 1.959963984540054
# An indicator's forecasts warn only where their 80% intervals held at least this share
# of the values in the backtest: narrower intervals would overstate every probability.
MIN_COVERAGE80 = 0.6


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x). numpy has no erf; Abramowitz & Stegun 7.1.26 (error < 1.5e-7) is far finer
    than a probability shown in whole percent, and a thousand times faster than calling
    ``math.erf`` per value on a city's series."""
    z = np.abs(x) / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429))))  # fmt: skip
    erf = 1 - poly * np.exp(-z * z)
    return 0.5 * (1 + np.sign(x) * erf)


def red_probability(fc: Forecast, bound: np.ndarray, direction: str) -> np.ndarray:
    """P(the value is red) in each forecast month: beyond the amber boundary."""
    with np.errstate(divide="ignore", invalid="ignore"):
        below = normal_cdf((bound[:, None] - fc.mean) / fc.sd)
        below = np.where(fc.sd > 0, below, (fc.mean < bound[:, None]).astype(float))
    return below if direction == "higher_better" else 1 - below


def clipped(panel: Panel, fc: Forecast, history: np.ndarray) -> Forecast:
    """No forecast below 0 for figures that never were, nor above 100 for a percentage."""
    lo = np.where(np.nanmin(history, axis=1) >= 0, 0.0, -np.inf)[:, None]
    hi = 100.0 if panel.indicator.unit == "%" else np.inf
    return Forecast(np.clip(fc.mean, lo, hi), fc.sd, fc.method)


@dataclass(frozen=True)
class EarlyWarning:
    row: int
    origin: int  # index of the month the warning is raised in
    months: int  # first month ahead whose probability of red reaches the rule's
    probability: float


def warnings_at(panel: Panel, rows: np.ndarray, origin: int, fc: Forecast) -> list[EarlyWarning]:
    """The rule ``forecast_breach``: an area not red now, predicted red within N months
    with probability ≥ p. Rows without a colour now (too few cases) are not judged."""
    ind = panel.indicator
    if ind.within is None or ind.probability is None:
        return []
    prob = red_probability(fc, panel.bound()[rows], ind.direction)[:, : ind.within]
    now = origin - 1
    eligible = panel.judged[rows, now] & ~panel.red[rows, now] & ~np.isnan(prob).all(axis=1)
    reached = np.nan_to_num(prob) >= ind.probability
    out = []
    for i in np.flatnonzero(eligible & reached.any(axis=1)):
        h = int(np.argmax(reached[i]))
        out.append(EarlyWarning(int(rows[i]), now, h + 1, float(prob[i, h])))
    return out


@dataclass
class Backtest:
    series: int = 0
    origins: int = 0
    abs_scaled: list[float] = field(default_factory=list)
    naive_scaled: list[float] = field(default_factory=list)
    inside80: int = 0
    inside95: int = 0
    errors: int = 0
    warnings: list[EarlyWarning] = field(default_factory=list)

    @property
    def mase(self) -> float | None:
        return float(np.mean(self.abs_scaled)) if self.abs_scaled else None

    @property
    def naive_mase(self) -> float | None:
        return float(np.mean(self.naive_scaled)) if self.naive_scaled else None

    @property
    def beats_naive(self) -> bool:
        return self.mase is not None and self.mase < (self.naive_mase or 0)

    @property
    def coverage80(self) -> float | None:
        return self.inside80 / self.errors if self.errors else None

    @property
    def warns(self) -> bool:
        """Whether its forecasts may raise early warnings: they beat the seasonal naive
        forecast, and their intervals were honest enough to give probabilities."""
        return self.beats_naive and (self.coverage80 or 0) >= MIN_COVERAGE80


def backtest(panel: Panel) -> Backtest:
    """The rolling-origin backtest over the rows with no gap in their history."""
    out = Backtest()
    t_len = panel.values.shape[1]
    rows = np.flatnonzero(~np.isnan(panel.values).any(axis=1))
    out.series = len(rows)
    if not len(rows):
        return out
    y = panel.values[rows]
    for origin in range(max(MIN_TRAIN, t_len - ORIGINS), t_len):
        train, ahead = y[:, :origin], y[:, origin : origin + HORIZON]
        h = ahead.shape[1]
        scale = naive_scale(train)
        keep = scale > 0
        fc = clipped(panel, ets_forecast(train, HORIZON), train)
        base = seasonal_naive(train, HORIZON)
        err = np.abs(ahead - fc.mean[:, :h])[keep] / scale[keep, None]
        naive_err = np.abs(ahead - base.mean[:, :h])[keep] / scale[keep, None]
        out.abs_scaled.extend(err.ravel())
        out.naive_scaled.extend(naive_err.ravel())
        low80, high80 = fc.mean[:, :h] - Z80 * fc.sd[:, :h], fc.mean[:, :h] + Z80 * fc.sd[:, :h]
        low95, high95 = fc.mean[:, :h] - Z95 * fc.sd[:, :h], fc.mean[:, :h] + Z95 * fc.sd[:, :h]
        out.inside80 += int(((ahead >= low80) & (ahead <= high80)).sum())
        out.inside95 += int(((ahead >= low95) & (ahead <= high95)).sum())
        out.errors += ahead.size
        out.origins += 1
        out.warnings.extend(warnings_at(panel, rows, origin, fc))
    return out


def false_warnings(panel: Panel, warnings: list[EarlyWarning]) -> tuple[int, int]:
    """Of the warnings whose N months have all been published since: how many, and how
    many of them were followed by no red month within N."""
    within, t_len = panel.indicator.within or 0, panel.values.shape[1]
    judged = [w for w in warnings if w.origin + within < t_len]
    false = sum(not panel.red[w.row, w.origin + 1 : w.origin + 1 + within].any() for w in judged)
    return len(judged), false
