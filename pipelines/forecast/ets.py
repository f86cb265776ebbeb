"""Exponential smoothing for many short monthly series at once: ETS(A,N,N) (simple
exponential smoothing) and ETS(A,A,N) (Holt's linear trend), each series choosing its
model by AICc, with the seasonal naive forecast as the baseline.

Hand-written in numpy, on purpose. The maintained libraries fit one series at a time:
statsmodels' ``ETSModel`` takes 5.4 ms a series with its intervals on this machine (the
demo's 3,100 series would add 17 s to a refresh, a city's 186,000 some 17 minutes), and
statsforecast, which is vectorised, requires pandas < 3. Here every series of an indicator
is one row of a matrix, and the smoothing parameters are chosen on a grid by the
one-step sum of squared errors, all rows at once. ``tests/pipelines/test_forecast_ets.py``
holds the recursions, forecasts and interval widths to statsmodels' ``ETSModel`` given the
same parameters, and the grid's fit to statsmodels' optimiser.

Intervals are the models' analytic ones (Hyndman et al., *Forecasting with Exponential
Smoothing*, 2008, table 6.1, class 1), with σ² estimated from the one-step errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEASON = 12
_ALPHAS = np.round(np.arange(0.05, 1.0, 0.05), 2)
# (α, β) pairs for Holt's trend: β ≤ α keeps the trend slower than the level.
_HOLT = np.array(
    [(a, b) for a in np.round(np.arange(0.1, 1.0, 0.1), 1) for b in (0.01, 0.05, 0.1, 0.2, 0.3)
     if b <= a]
)  # fmt: skip
# Leading points that set the initial trend: the mean first difference over them.
_TREND_START = 4


@dataclass(frozen=True)
class Forecast:
    """Forecasts for n series over h months: means and standard deviations (n × h), and
    the model each series chose ("ets_ann", "ets_aan" or "seasonal_naive")."""

    mean: np.ndarray
    sd: np.ndarray
    method: np.ndarray


def _initial_trend(y: np.ndarray) -> np.ndarray:
    k = min(_TREND_START, y.shape[1]) - 1
    return (y[:, k] - y[:, 0]) / max(k, 1)


def smooth_ann(y: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SES for each row of ``y`` (n × T) under each α of ``alpha`` (n × g): the final
    level and the sum of squared one-step errors (both n × g). The level starts at the
    first observation, so T − 1 errors count."""
    level = np.repeat(y[:, :1], alpha.shape[1], axis=1)
    sse = np.zeros_like(level)
    for t in range(1, y.shape[1]):
        err = y[:, t, None] - level
        sse += err * err
        level += alpha * err
    return level, sse


def smooth_aan(
    y: np.ndarray, alpha: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Holt's linear trend in error-correction form (l += b + αe, b += βe) for each row
    under each (α, β): the final level and trend, and the sum of squared one-step errors."""
    level = np.repeat(y[:, :1], alpha.shape[1], axis=1)
    trend = np.repeat(_initial_trend(y)[:, None], alpha.shape[1], axis=1)
    sse = np.zeros_like(level)
    for t in range(1, y.shape[1]):
        err = y[:, t, None] - (level + trend)
        sse += err * err
        level += trend + alpha * err
        trend += beta * err
    return level, trend, sse


def ann_variance(sigma2: np.ndarray, alpha: np.ndarray, horizon: int) -> np.ndarray:
    h = np.arange(1, horizon + 1)
    return sigma2[:, None] * (1 + (h - 1) * alpha[:, None] ** 2)


def aan_variance(
    sigma2: np.ndarray, alpha: np.ndarray, beta: np.ndarray, horizon: int
) -> np.ndarray:
    h = np.arange(1, horizon + 1)
    a, b = alpha[:, None], beta[:, None]
    return sigma2[:, None] * (1 + (h - 1) * (a * a + a * b * h + b * b * h * (2 * h - 1) / 6))


def _aicc(sse: np.ndarray, m: int, k: int) -> np.ndarray:
    # Gaussian likelihood of m one-step errors; k counts the smoothing parameters, the
    # initial states and σ.
    return m * np.log(np.maximum(sse, 1e-12) / m) + 2 * k + 2 * k * (k + 1) / max(m - k - 1, 1)


def ets_forecast(y: np.ndarray, horizon: int) -> Forecast:
    """Fit ETS(A,N,N) and ETS(A,A,N) to each row of ``y`` (n × T, no gaps), keep the one
    with the lower AICc, and forecast ``horizon`` months with standard deviations."""
    n, t_len = y.shape
    m = t_len - 1
    alphas = np.broadcast_to(_ALPHAS, (n, len(_ALPHAS)))
    level_n, sse_n = smooth_ann(y, alphas)
    best_n = sse_n.argmin(axis=1)
    rows = np.arange(n)
    holt_a = np.broadcast_to(_HOLT[:, 0], (n, len(_HOLT)))
    holt_b = np.broadcast_to(_HOLT[:, 1], (n, len(_HOLT)))
    level_t, trend_t, sse_t = smooth_aan(y, holt_a, holt_b)
    best_t = sse_t.argmin(axis=1)
    sse_ann, sse_aan = sse_n[rows, best_n], sse_t[rows, best_t]
    trend_wins = _aicc(sse_aan, m, 5) < _aicc(sse_ann, m, 3)
    h = np.arange(1, horizon + 1)
    a_n = _ALPHAS[best_n]
    mean_n = np.repeat(level_n[rows, best_n][:, None], horizon, axis=1)
    var_n = ann_variance(sse_ann / max(m - 2, 1), a_n, horizon)
    a_t, b_t = _HOLT[best_t, 0], _HOLT[best_t, 1]
    mean_t = level_t[rows, best_t][:, None] + h * trend_t[rows, best_t][:, None]
    var_t = aan_variance(sse_aan / max(m - 4, 1), a_t, b_t, horizon)
    mean = np.where(trend_wins[:, None], mean_t, mean_n)
    var = np.where(trend_wins[:, None], var_t, var_n)
    method = np.where(trend_wins, "ets_aan", "ets_ann")
    return Forecast(mean, np.sqrt(var), method)


def seasonal_naive(y: np.ndarray, horizon: int) -> Forecast:
    """The same month last year, with σ from the year-on-year differences. Needs at
    least a year and a month of history."""
    n, t_len = y.shape
    if t_len <= SEASON:
        raise ValueError(f"seasonal naive needs more than {SEASON} months, not {t_len}")
    h = np.arange(horizon)
    mean = y[:, t_len - SEASON + h % SEASON]
    diffs = y[:, SEASON:] - y[:, :-SEASON]
    sigma = np.sqrt(np.mean(diffs * diffs, axis=1))
    # A year ahead and beyond repeats last year again: the error grows by whole years.
    sd = sigma[:, None] * np.sqrt(1 + h // SEASON)
    return Forecast(mean, sd, np.full(n, "seasonal_naive"))


def naive_scale(y: np.ndarray) -> np.ndarray:
    """The mean absolute year-on-year difference of each row: MASE's scale."""
    return np.mean(np.abs(y[:, SEASON:] - y[:, :-SEASON]), axis=1)
