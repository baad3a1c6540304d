"""One global Forecaster over several series (long format): shapes, files, scale handling,
refusals. Small budgets keep this fast."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster

FAST = dict(n_models=1, max_steps=40, eval_every=20, patience=2, hidden_size=8)


def seasonal(n, level, amplitude, seed, start="2000-01-01"):
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 0.3, n)
    return pd.Series(level + 0.1 * t + amplitude * np.sin(2 * np.pi * t / 12) + noise,
                     index=pd.date_range(start, periods=n, freq="MS"))


def long_format(series: dict) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"unique_id": key, "ds": s.index, "y": s.to_numpy()})
                      for key, s in series.items()], ignore_index=True)


@pytest.fixture(scope="module")
def panel():
    return {"north": seasonal(90, 20, 4, 0), "south": seasonal(110, 500, 60, 1, start="1999-01-01"),
            "east": seasonal(100, 5, 1, 2)}


@pytest.fixture(scope="module")
def fitted(panel):
    return Forecaster(horizon=6, seed=0, **FAST).fit(long_format(panel))


def test_long_format_in_and_out(fitted, panel):
    out = fitted.predict(level=[80])
    assert list(out.columns) == ["unique_id", "ds", "forecast", "lo_80", "hi_80"]
    assert list(pd.unique(out.unique_id)) == ["north", "south", "east"]
    for key, s in panel.items():
        part = out[out.unique_id == key]
        assert part.ds.iloc[0] == s.index[-1] + pd.offsets.MonthBegin(1) and len(part) == 6
        assert np.all(part.lo_80 < part.forecast) and np.all(part.forecast < part.hi_80)
    assert fitted.training_["series"] == 3


def test_each_series_is_forecast_on_its_own_scale(fitted, panel):
    out = fitted.predict(level=[80])
    for key, s in panel.items():
        part = out[out.unique_id == key]
        recent = s.to_numpy()[-24:]
        spread = recent.max() - recent.min()
        assert recent.min() - spread < part.forecast.min() and part.forecast.max() < recent.max() + spread
    width = {k: float((out.hi_80 - out.lo_80)[out.unique_id == k].mean()) for k in panel}
    assert width["south"] > 10 * width["east"]  # intervals scale with each series


def test_scaling_a_series_scales_its_forecast(panel):
    """Every series is normalised by its own level and scale: multiplying one series by 1000
    and shifting it leaves the training problem unchanged, so its forecast moves the same way."""
    fc = Forecaster(horizon=4, seed=1, **FAST).fit(panel)
    moved = dict(panel, east=panel["east"] * 1000 + 7)
    other = Forecaster(horizon=4, seed=1, **FAST).fit(moved)
    a, b = fc.predict(), other.predict()
    np.testing.assert_allclose(b[b.unique_id == "east"].forecast.to_numpy(),
                               a[a.unique_id == "east"].forecast.to_numpy() * 1000 + 7, rtol=1e-4)
    np.testing.assert_allclose(b[b.unique_id == "north"].forecast, a[a.unique_id == "north"].forecast, rtol=1e-4)


def test_a_panel_of_one_is_the_single_series_model(panel):
    single = Forecaster(horizon=4, seed=2, **FAST).fit(panel["north"]).predict(level=[90])
    one = Forecaster(horizon=4, seed=2, **FAST).fit({"north": panel["north"]}).predict(level=[90])
    np.testing.assert_allclose(one.forecast, single.forecast)
    np.testing.assert_allclose(one.hi_90, single.hi_90)


def test_global_model_beats_naive_on_held_out_ends(panel):
    """Forecasts of the last 6 points of every series, from a model fitted on the rest."""
    h = 6
    train = {k: s.iloc[:-h] for k, s in panel.items()}
    out = Forecaster(horizon=h, seed=0, n_models=1, max_steps=150, eval_every=25, hidden_size=16).fit(train).predict()
    ours = naive = 0.0
    for key, s in panel.items():
        actual = s.to_numpy()[-h:]
        ours += np.abs(out[out.unique_id == key].forecast.to_numpy() - actual).mean() / s.std()
        naive += np.abs(s.to_numpy()[-h - 1] - actual).mean() / s.std()
    assert ours < 0.7 * naive


def test_save_load_round_trip(fitted, tmp_path):
    fitted.save(tmp_path / "global.safetensors")
    loaded = Forecaster.load(tmp_path / "global.safetensors")
    pd.testing.assert_frame_equal(loaded.predict(level=[80, 95]), fitted.predict(level=[80, 95]))


def test_same_seed_same_forecast(fitted, panel):
    again = Forecaster(horizon=6, seed=0, **FAST).fit(long_format(panel))
    pd.testing.assert_frame_equal(again.predict(), fitted.predict())


def test_covariate_columns_of_a_long_frame(panel):
    frame = long_format(panel)
    frame["temp"] = np.cos(np.arange(len(frame)))
    fc = Forecaster(horizon=3, seed=0, **FAST).fit(frame, covariates=["temp"])
    assert fc.strategy_ == "direct" and len(fc.predict()) == 9


@pytest.mark.parametrize("make,match", [
    (lambda p: {"a": p["north"], "b": p["north"].asfreq("D").interpolate()}, "same frequency"),
    (lambda p: {"a": p["north"], "b": p["north"].iloc[:12]}, "series 'b'.*needs at least"),
    (lambda p: {}, "at least one series"),
])
def test_refusals(panel, make, match):
    with pytest.raises(ValueError, match=match):
        Forecaster(horizon=6, **FAST).fit(make(panel))


def test_refuses_bad_covariates_and_panel_backtest(panel):
    with pytest.raises(TypeError, match="covariates"):
        Forecaster(horizon=3).fit(long_format(panel), covariates="temp")
    with pytest.raises(ValueError, match="backtest takes one series"):
        Forecaster(horizon=3).backtest(long_format(panel))


def test_series_ids_are_strings_or_integers_and_survive_a_file(panel, tmp_path):
    with pytest.raises(TypeError, match="series ids"):
        Forecaster(horizon=3, **FAST).fit({("a", 1): panel["north"], ("b", 2): panel["east"]})
    fc = Forecaster(horizon=3, **FAST).fit({np.int64(7): panel["north"], 8: panel["east"]})
    fc.save(tmp_path / "ids.safetensors")
    loaded = Forecaster.load(tmp_path / "ids.safetensors")
    assert list(pd.unique(loaded.predict().unique_id)) == [7, 8]


def test_calibration_of_a_global_model_is_in_scale_units(fitted):
    errors = fitted.calibration()
    assert errors.shape == (fitted.training_["held_out"], 6) and np.all(errors >= 0)
    assert len(fitted.calibration_scales_) == 3


def test_a_long_frame_with_its_own_column_names_gets_them_back(tmp_path):
    """statsforecast's id_col/time_col/target_col: the forecast comes back under the user's names,
    also after save and load; the defaults stay unique_id, ds."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("2020-01-01", periods=40, freq="MS")
    frame = pd.concat([pd.DataFrame({"store": key, "week": dates, "units": 10 + rng.standard_normal(40).cumsum()})
                       for key in ("a", "b")], ignore_index=True)
    model = Forecaster(horizon=3, hidden_size=8, n_models=1, max_steps=5, seed=0)
    model.fit(frame, id_col="store", time_col="week", target_col="units")
    out = model.predict()
    assert list(out.columns[:3]) == ["store", "week", "forecast"] and set(out["store"]) == {"a", "b"}
    model.save(tmp_path / "m.safetensors")
    again = Forecaster.load(tmp_path / "m.safetensors").predict()
    pd.testing.assert_frame_equal(again, out)
    with pytest.raises(TypeError, match="id_col: expected a column name"):
        model.fit(frame, id_col=3, time_col="week", target_col="units")
    with pytest.raises(ValueError, match="target_col: no column 'y'"):
        model.fit(frame, id_col="store", time_col="week")
