"""predict(y=...): forecasts from new history with the fitted networks, no refit."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.data import TimeSeries
from rnnkit.forecast import Forecaster

SMALL = dict(hidden_size=8, n_models=2, max_steps=20, seed=0)


def _series(n=80, shift=0.0, seed=0, start="2015-01-01"):
    t = np.arange(n)
    values = 50 + shift + 0.3 * t + 8 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(seed).normal(0, 1, n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS", name="month"))


def test_the_fitted_history_given_again_gives_the_same_point_forecast_and_the_model_is_unchanged():
    y = _series()
    fc = Forecaster(horizon=6, **SMALL).fit(y)
    before = fc.predict(level=[80])
    again = fc.predict(y=y, level=[80])
    np.testing.assert_allclose(again["forecast"], before["forecast"], rtol=1e-12)
    assert (again["hi_80"] > again["forecast"]).all()
    pd.testing.assert_frame_equal(fc.predict(level=[80]), before)  # nothing of the model moved


def test_newer_data_moves_the_forecast_to_its_end_without_refitting():
    y = _series(96)
    fc = Forecaster(horizon=6, **SMALL).fit(y[:80])
    out = fc.predict(y=y)  # 16 more months arrived
    assert out.index[0] == y.index[-1] + pd.offsets.MonthBegin() and out.index.name == "month"
    assert np.all(np.isfinite(out["forecast"]))
    assert not np.allclose(out["forecast"], fc.predict()["forecast"])


def test_a_global_model_forecasts_a_series_it_never_saw():
    frame = pd.concat([pd.DataFrame({"unique_id": k, "ds": s.index, "y": s.to_numpy()})
                       for k, s in (("a", _series(seed=1)), ("b", _series(shift=100, seed=2)))], ignore_index=True)
    fc = Forecaster(horizon=4, **SMALL).fit(frame)
    new = _series(60, shift=500, seed=3)  # far from both in level: the per-window scaling copes
    frame_new = pd.DataFrame({"unique_id": "new", "ds": new.index, "y": new.to_numpy()})
    out = fc.predict(y=pd.concat([frame[frame.unique_id == "a"], frame_new]), level=[90])
    assert list(out.columns) == ["unique_id", "ds", "forecast", "lo_90", "hi_90"]
    assert out["unique_id"].tolist() == ["a"] * 4 + ["new"] * 4
    new_part = out[out.unique_id == "new"]["forecast"]
    assert np.all(np.abs(new_part - new.iloc[-12:].mean()) < 60)  # near its own level, not a or b's
    np.testing.assert_allclose(out[out.unique_id == "a"]["forecast"].to_numpy(),
                               fc.predict()[lambda d: d.unique_id == "a"]["forecast"].to_numpy(), rtol=1e-12)


def test_new_history_that_does_not_fit_the_model_is_refused_naming_what_differs():
    fc = Forecaster(horizon=6, **SMALL).fit(_series())
    weekly = pd.Series(np.arange(60.0), index=pd.date_range("2015-01-05", periods=60, freq="W-MON"))
    with pytest.raises(ValueError, match="y: expected the fitted frequency 'MS', got 'W-MON'"):
        fc.predict(y=weekly)
    with pytest.raises(ValueError, match=r"y: expected at least \d+ points \(the model's input window"):
        fc.predict(y=_series(10))
    with pytest.raises(ValueError, match="y: expected the fitted covariates"):
        fc.predict(y=TimeSeries(index=_series().index, values=_series().to_numpy(), covariates=np.ones((80, 1)),
                                covariate_names=("x",), freq="MS"))
