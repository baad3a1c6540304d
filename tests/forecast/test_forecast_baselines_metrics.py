import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import (
    ETS,
    AutoReg,
    Drift,
    Naive,
    NotFittedError,
    SeasonalNaive,
    coverage,
    mae,
    mape,
    mase,
    rmse,
    smape,
)


def monthly(values):
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=len(values), freq="MS"))


def test_metrics_on_known_values():
    a, f = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 2.0])
    assert mae(a, f) == pytest.approx(1.0)
    assert rmse(a, f) == pytest.approx(np.sqrt(5 / 3))
    assert mape(a, f) == pytest.approx(100 * (1 + 0 + 0.5) / 3)
    assert smape(a, f) == pytest.approx(100 * (2 / 3 + 0 + 4 / 6) / 3)
    history = np.array([1.0, 3.0, 2.0, 5.0])  # seasonal naive (m=2) in-sample errors 1, 2
    assert mase(a, f, history, season_length=2) == pytest.approx(1.0 / 1.5)
    assert coverage(a, a - 1, a + 1) == 100.0
    with pytest.raises(ValueError, match="shape"):
        mae(a, f[:2])


def test_naive_seasonal_naive_drift():
    y = monthly(np.arange(1.0, 25.0))
    assert list(Naive(3).fit(y).predict()["forecast"]) == [24.0] * 3
    assert list(SeasonalNaive(14).fit(y).predict()["forecast"]) == list(np.arange(13.0, 25.0)) + [13.0, 14.0]
    np.testing.assert_allclose(Drift(2).fit(y).predict()["forecast"], [25.0, 26.0])
    assert SeasonalNaive(1).fit(y).season_length_ == 12  # read from the monthly frequency


def test_predict_index_continues_the_dates():
    y = monthly(np.arange(30.0))
    out = Naive(4).fit(y).predict()
    assert list(out.index) == list(pd.date_range("2002-07-01", periods=4, freq="MS"))


def test_autoreg_matches_statsmodels_on_a_pure_ar_process():
    from statsmodels.tsa.ar_model import AutoReg as SMAutoReg

    rng = np.random.default_rng(0)
    y = np.zeros(300)
    for t in range(2, 300):
        y[t] = 0.6 * y[t - 1] - 0.3 * y[t - 2] + rng.standard_normal()
    model = AutoReg(5, season_length=1).fit(y)
    ref = SMAutoReg(y, lags=model.lags_, trend="c").fit().predict(start=300, end=304)
    np.testing.assert_allclose(model.predict()["forecast"], ref)
    assert 2 in list(np.atleast_1d(model.lags_))


def test_ets_finds_the_trend():
    y = monthly(10 + 0.5 * np.arange(60) + np.random.default_rng(1).normal(0, 0.1, 60))
    out = ETS(6).fit(y).predict()["forecast"].to_numpy()
    np.testing.assert_allclose(out, 10 + 0.5 * np.arange(60, 66), atol=0.5)


def test_intervals_are_calibrated_on_a_random_walk():
    """Split-conformal intervals of the naive forecast on a Gaussian random walk cover about
    as often as promised, measured over many later origins."""
    rng = np.random.default_rng(3)
    y = np.cumsum(rng.standard_normal(2000))
    hits = {80: [], 95: []}
    for origin in range(200, 2000, 45):
        model = Naive(1).fit(y[:origin])
        model.calibration_origins = 39
        out = model.predict(level=[80, 95])
        for lv in hits:
            hits[lv].append(out[f"lo_{lv}"].iloc[0] <= y[origin] <= out[f"hi_{lv}"].iloc[0])
    assert 0.65 <= np.mean(hits[80]) <= 0.95
    assert np.mean(hits[95]) >= 0.85


@pytest.mark.parametrize("call,match", [
    (lambda: Naive(0).fit(np.arange(10.0)), "horizon"),
    (lambda: Naive(2).predict(), "not fitted"),
    (lambda: Naive(2).fit(np.arange(10.0)).predict(level=[120]), "level"),
    (lambda: Naive(2).fit(np.arange(10.0)).predict(horizon=-1), "horizon"),
    (lambda: Naive(2).fit(np.ones((3, 3))), "1-D"),
    (lambda: SeasonalNaive(2, season_length=0).fit(np.arange(10.0)), "season_length"),
])
def test_refusals(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_not_fitted_is_a_value_error():
    assert issubclass(NotFittedError, ValueError)
