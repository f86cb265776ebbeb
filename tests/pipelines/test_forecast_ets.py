"""The forecasts' exponential smoothing is hand-written in numpy for speed
(``pipelines/forecast/ets.py``); statsmodels' ``ETSModel`` is the reference it is held to:
the same states, forecasts and interval widths given the same parameters, and a grid fit
as good as statsmodels' optimiser."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from pipelines.forecast import ets

Z80 = 1.2815515655446004


def _series(seed: int, n: int = 24) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 60 + np.cumsum(rng.normal(0, 1, n)) + rng.normal(0, 1.5, n) + 0.3 * np.arange(n)


def _reference(y: np.ndarray, trend: bool, params: list[float] | None = None):
    """statsmodels with the same initial states as ours: the level at the first value,
    the trend the mean of the first three differences; the first value is not fitted."""
    extra = {"initial_trend": (y[3] - y[0]) / 3} if trend else {}
    model = ETSModel(
        pd.Series(y[1:]), error="add", trend="add" if trend else None,
        initialization_method="known", initial_level=y[0], **extra,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.smooth(params) if params else model.fit(disp=False)


@pytest.mark.parametrize("seed", range(5))
def test_simple_smoothing_matches_statsmodels_given_the_same_alpha(seed):
    y, alpha = _series(seed), 0.35
    level, sse = ets.smooth_ann(y[None, :], np.array([[alpha]]))
    ref = _reference(y, trend=False, params=[alpha])
    assert sse[0, 0] == pytest.approx(ref.sse, rel=1e-9)
    assert level[0, 0] == pytest.approx(ref.forecast(1).iloc[0], rel=1e-9)
    frame = ref.get_prediction(start=len(y) - 1, end=len(y) + 1).summary_frame(alpha=0.2)
    sd = np.sqrt(ets.ann_variance(np.array([ref.sse / (len(y) - 1)]), np.array([alpha]), 3))
    assert (frame["pi_upper"] - frame["mean"]).to_numpy() == pytest.approx(Z80 * sd[0], rel=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_holts_trend_matches_statsmodels_given_the_same_alpha_and_beta(seed):
    y, alpha, beta = _series(seed), 0.5, 0.1
    level, trend, sse = ets.smooth_aan(y[None, :], np.array([[alpha]]), np.array([[beta]]))
    ref = _reference(y, trend=True, params=[alpha, beta])
    assert sse[0, 0] == pytest.approx(ref.sse, rel=1e-9)
    ahead = level[0, 0] + np.arange(1, 4) * trend[0, 0]
    assert ahead == pytest.approx(ref.forecast(3).to_numpy(), rel=1e-9)
    frame = ref.get_prediction(start=len(y) - 1, end=len(y) + 1).summary_frame(alpha=0.2)
    sigma2 = np.array([ref.sse / (len(y) - 1)])
    sd = np.sqrt(ets.aan_variance(sigma2, np.array([alpha]), np.array([beta]), 3))
    assert (frame["pi_upper"] - frame["mean"]).to_numpy() == pytest.approx(Z80 * sd[0], rel=1e-6)


def test_the_grid_fits_about_as_well_as_statsmodels_optimiser():
    ys = np.array([_series(seed) for seed in range(20)])
    _, sse_ann = ets.smooth_ann(ys, np.broadcast_to(ets._ALPHAS, (20, len(ets._ALPHAS))))
    _, _, sse_aan = ets.smooth_aan(
        ys,
        np.broadcast_to(ets._HOLT[:, 0], (20, len(ets._HOLT))),
        np.broadcast_to(ets._HOLT[:, 1], (20, len(ets._HOLT))),
    )
    for i, y in enumerate(ys):
        assert sse_ann[i].min() <= 1.01 * _reference(y, trend=False).sse
        assert sse_aan[i].min() <= 1.05 * _reference(y, trend=True).sse


def test_a_steady_slide_chooses_the_trend_and_a_noisy_level_does_not():
    rng = np.random.default_rng(7)
    slide = 40 - 1.5 * np.arange(24) + rng.normal(0, 0.2, 24)
    noise = 40 + rng.normal(0, 2, 24)
    fc = ets.ets_forecast(np.array([slide, noise]), 3)
    assert list(fc.method) == ["ets_aan", "ets_ann"]
    # The slide goes on; the noisy level stays where it was.
    assert fc.mean[0] == pytest.approx(slide[-1] - 1.5 * np.arange(1, 4), abs=0.6)
    assert abs(fc.mean[1, 2] - fc.mean[1, 0]) < 1e-9
    # Intervals widen with the horizon.
    assert (np.diff(fc.sd, axis=1) >= 0).all()


def test_the_seasonal_naive_forecast_repeats_last_year():
    y = np.array([np.arange(24, dtype=float), 100 + np.sin(np.arange(24))])
    fc = ets.seasonal_naive(y, 3)
    assert fc.mean.tolist() == y[:, 12:15].tolist()
    with pytest.raises(ValueError, match="more than 12 months"):
        ets.seasonal_naive(y[:, :12], 3)
