"""Nothing after a forecast origin reaches fitting, scaling, deseasonalising or calibration:
change the future and the fitted model is bit-identical."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.forecast._ensemble import HeldOut
from rnnkit.forecast._inputs import as_series
from rnnkit.forecast._transform import SeriesTransform
from rnnkit.forecast.baselines import ETS, AutoReg

FAST = dict(n_models=2, max_steps=30, eval_every=10, patience=2, hidden_size=6)


def monthly(seed=0, n=96):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    values = np.exp(3 + 0.01 * t + 0.2 * np.sin(2 * np.pi * t / 12) + 0.05 * rng.standard_normal(n))
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=n, freq="MS"))


def weights(fc):
    return [v.copy() for net in fc.nets_ for v in net.state_dict().values()]


def test_the_future_after_the_origin_changes_nothing():
    y = monthly()
    origin = 80
    a = Forecaster(horizon=6, seed=0, **FAST).fit(y[:origin])
    changed = y.copy()
    changed.iloc[origin:] *= 5.0  # a wild future
    b = Forecaster(horizon=6, seed=0, **FAST).fit(changed[:origin])
    for wa, wb in zip(weights(a), weights(b)):
        np.testing.assert_array_equal(wa, wb)
    np.testing.assert_array_equal(a.calibration(), b.calibration())
    pd.testing.assert_frame_equal(a.predict(level=[80]), b.predict(level=[80]))


@pytest.mark.parametrize("deseasonalise", ["stl", "none"])
def test_phase_one_sees_nothing_after_its_cut(deseasonalise):
    """The held-out origins' transform, scale and training examples come from the values before
    the cut only; their windows and targets may use later values (that is what they test)."""
    y = as_series(monthly())
    w, h, n_val = 24, 6, 10
    cut = len(y) - h - n_val + 1

    def held(values):
        series = as_series(pd.Series(values, index=y.index))
        return HeldOut(series, w, h, h, n_val, SeriesTransform("auto", deseasonalise, [12], keep=w))

    a = held(np.asarray(y.values))
    later = np.asarray(y.values).copy()
    later[cut:] = later[cut:] * 3 + 7
    b = held(later)
    for name in ("x", "y"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.normaliser.scale_ == b.normaliser.scale_ and a.error_scale == b.error_scale
    assert a.transform.to_dict() == b.transform.to_dict()
    assert not np.array_equal(a.x_val, b.x_val)  # the held-out windows do read the later values


def test_seasonal_part_beyond_the_fit_repeats_the_last_season():
    y = np.asarray(monthly().values)
    tf = SeriesTransform("auto", "stl", [12], keep=24).fit(y[:72])
    inside = tf.seasonal(np.arange(60, 72))
    np.testing.assert_array_equal(tf.seasonal(np.arange(72, 84)), inside)
    np.testing.assert_array_equal(tf.seasonal(np.arange(84, 96)), inside)
    back = tf.inverse(tf.forward(y[48:72], start=48)[None], np.array([48]))[0]
    np.testing.assert_allclose(back, y[48:72], rtol=1e-12)
    again = SeriesTransform.from_dict(tf.to_dict())
    np.testing.assert_array_equal(again.seasonal(np.arange(60, 90)), tf.seasonal(np.arange(60, 90)))


def test_sklearn_clone_and_params():
    sklearn_base = pytest.importorskip("sklearn.base")
    fc = Forecaster(horizon=5, hidden_size=7, seed=3)
    twin = sklearn_base.clone(fc)
    assert twin is not fc and twin.get_params() == fc.get_params()
    assert fc.set_params(hidden_size=9) is fc and fc.hidden_size == 9
    with pytest.raises(ValueError, match="hiden_size: not a parameter of Forecaster"):
        fc.set_params(hiden_size=1)
    from rnnkit.exceptions import NotFittedError

    with pytest.raises(NotFittedError) as info:
        Forecaster(horizon=2).predict()
    assert isinstance(info.value, ValueError) and isinstance(info.value, AttributeError)


def test_a_season_needs_two_full_cycles_in_the_values_it_is_fitted_on():
    """Regression: which seasons to remove was decided from the whole training length, so the
    phase-one fit (on fewer values) could remove a yearly season from less than two years."""
    t = np.arange(800)
    noise = 0.1 * np.random.default_rng(0).standard_normal(800)
    y = 10 + np.sin(2 * np.pi * t / 7) + 2 * np.sin(2 * np.pi * t / 365) + noise
    tf = SeriesTransform("none", "stl", [7, 365], keep=14)
    assert tf.fit(y[:727]).periods_ == [7]          # 727 < 2 * 365 + 1
    assert tf.fit(y[:731]).periods_ == [7, 365]


def test_only_a_strong_season_is_removed():
    """A season that is mostly noise stays in what the network reads (removing it would repeat
    that noise into every forecast); a clear one is removed."""
    from rnnkit.forecast._transform import MIN_SEASON_STRENGTH, season_strength

    rng = np.random.default_rng(1)
    walk = np.cumsum(rng.standard_normal(400))  # a price: no season at all
    assert SeriesTransform("none", "stl", [52], keep=60).fit(walk).periods_ == []
    assert SeriesTransform("auto", "stl", [12], keep=24).fit(np.asarray(monthly().values)).periods_ == [12]
    season, rest = np.sin(np.arange(120)), 0.1 * rng.standard_normal(120)
    assert season_strength(season, rest) > 0.95 > MIN_SEASON_STRENGTH > season_strength(rest, season)
    assert season_strength(np.zeros(5), np.zeros(5)) == 0.0


@pytest.mark.parametrize("make", [lambda: Forecaster(horizon=6, seed=0, **FAST),
                                  lambda: AutoReg(horizon=6), lambda: ETS(horizon=6)],
                         ids=["forecaster", "autoreg", "ets"])
def test_a_series_longer_than_max_fit_points_is_fitted_on_its_latest_points(make, monkeypatch):
    """Bounded work on any length: the points before the latest ``max_fit_points`` change
    nothing, in the fit, the intervals or the history kept."""
    model = make()
    monkeypatch.setattr(type(model), "max_fit_points", 72)
    y = monthly(n=120)
    older = y.copy()
    older.iloc[:48] = older.iloc[:48] * 3 + 50  # another past, long ago
    a, b = model.fit(y).predict(level=[80]), make().fit(older).predict(level=[80])
    pd.testing.assert_frame_equal(a, b)
    assert len(model.series_) == 72 and model.series_.index[0] == y.index[48]


def test_a_zero_after_the_fitted_part_of_a_logged_series_is_read_at_a_floor():
    # The log is chosen on the positive values a transform is fitted on; a shop's first closed
    # day in the held-out part (or in new history) used to become log(0) = -inf, and the fit
    # failed as "training diverged".
    tf = SeriesTransform("auto", "none", [], keep=5).fit(np.array([4.0, 5.0, 6.0]))
    assert tf.log_ and tf.floor_ == 2.0
    np.testing.assert_allclose(tf.forward(np.array([0.0, 5.0])), np.log([2.0, 5.0]))
    assert SeriesTransform.from_dict(tf.to_dict()).floor_ == 2.0
    y = 100 + 10 * np.sin(np.arange(160) * 2 * np.pi / 7) + np.random.default_rng(0).normal(0, 1, 160)
    y[150] = 0.0
    fc = Forecaster(horizon=7, seed=0, max_steps=25, n_models=1).fit(y)
    assert np.isfinite(fc.predict()["forecast"]).all()
