"""The damped-trend smoother pipeline: the same maths as statsmodels, honest origins, files."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.forecast._smoothing import MAX_FIT_POINTS, ExponentialSmoother

FAST = dict(n_models=2, max_steps=20, eval_every=10, patience=2, hidden_size=6)


def trending(n=120, seed=0):
    rng = np.random.default_rng(seed)
    return 50 + np.cumsum(0.3 + rng.standard_normal(n))


def monthly(seed=0, n=96):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    values = np.exp(3 + 0.01 * t + 0.2 * np.sin(2 * np.pi * t / 12) + 0.05 * rng.standard_normal(n))
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=n, freq="MS"))


@pytest.mark.parametrize("drift", [2.0, 0.0])
def test_filter_and_forecast_equal_statsmodels_for_the_form_aicc_chooses(drift):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    z = 50 + np.cumsum(drift + np.random.default_rng(0).standard_normal(120))
    ours = ExponentialSmoother().fit(z)
    damped = ExponentialSmoothing(z, trend="add", damped_trend=True).fit(use_brute=False)
    simple = ExponentialSmoothing(z).fit(use_brute=False)
    theirs = simple if simple.aicc <= damped.aicc else damped
    assert (theirs is damped) == (drift > 0)  # a strong drift keeps its trend, a random walk none
    assert ours.alpha_ == theirs.params["smoothing_level"]
    assert (ours.beta_, ours.phi_) == ((0.0, 1.0) if theirs is simple else
                                       (theirs.params["smoothing_trend"], theirs.params["damping_trend"]))
    np.testing.assert_allclose(ours.forecast(9), theirs.forecast(9), rtol=1e-12)
    level, trend = ours.states(z)
    one_step = np.concatenate([[ours.level0_ + ours.phi_ * ours.trend0_], level[:-1] + ours.phi_ * trend[:-1]])
    np.testing.assert_allclose(one_step, theirs.fittedvalues, rtol=1e-12)


def test_a_forecast_from_an_origin_reads_nothing_after_it():
    z = trending()
    model = ExponentialSmoother().fit(z[:80])
    first = np.array([80, 90, 100])
    paths = model.forecast_from(z, first, 6)
    changed = z.copy()
    changed[100:] += 1000.0  # from the last origin's first forecast position on
    np.testing.assert_array_equal(model.forecast_from(changed, first, 6), paths)
    for row, f in zip(paths, first):  # each the forecast of the model advanced to its origin
        np.testing.assert_allclose(row, ExponentialSmoother.from_dict(model.to_dict()).advance(z[:f]).forecast(6))


def test_fit_reads_at_most_the_latest_points():
    z = trending(MAX_FIT_POINTS + 300)
    long, tail = ExponentialSmoother().fit(z), ExponentialSmoother().fit(z[300:])
    assert long.start_ == 300 and (long.alpha_, long.phi_) == (tail.alpha_, tail.phi_)
    np.testing.assert_allclose(long.forecast(5), tail.forecast(5))


def test_constant_and_short_series_give_a_flat_forecast():
    np.testing.assert_array_equal(ExponentialSmoother().fit(np.full(30, 4.0)).forecast(3), [4.0] * 3)
    np.testing.assert_array_equal(ExponentialSmoother().fit(np.array([1.0, 2.0, 5.0])).forecast(2), [5.0, 5.0])


@pytest.mark.parametrize("change", [{"model": "damped"}, {"alpha": 1.5}, {"phi": 0.0}, {"level": float("nan")},
                                    {"trend": "1"}, {"start": -1}, {"beta": True}])
def test_files_refuse_what_fit_cannot_make(change):
    d = ExponentialSmoother().fit(trending()).to_dict()
    with pytest.raises(ValueError, match="smoother"):
        ExponentialSmoother.from_dict({**d, **change})


def test_the_smoother_pipeline_takes_a_share_and_round_trips(tmp_path):
    y = monthly()
    fc = Forecaster(horizon=6, seed=0, pipelines=("log", "ets"), **FAST).fit(y)
    smooth = fc.pipelines_[1]
    assert smooth.model == "ets" and smooth.members == [] and fc.pipelines_[0].members == [0, 1]
    assert len(smooth.smoothers) == 1 and 0 < smooth.weights[0] < 1
    info = fc.training_["pipelines"][1]
    assert info["model"] == "ets" and "held_out_error" in info and "best_step" not in info
    parts = [p[0] for p in fc._pipeline_forecasts([fc.series_], 6)]
    shares = np.array([p.weights[0] for p in fc.pipelines_])
    np.testing.assert_allclose(fc.predict()["forecast"].to_numpy(), shares @ np.array(parts))
    fc.save(tmp_path / "m.safetensors")
    again = Forecaster.load(tmp_path / "m.safetensors")
    pd.testing.assert_frame_equal(again.predict(level=[80]), fc.predict(level=[80]))
    # from new history the smoother is refitted on it, as the transforms are
    pd.testing.assert_frame_equal(again.predict(y=y[:-4]), fc.predict(y=y[:-4]))


def test_the_smoother_pipeline_is_honest():
    y = monthly()
    origin = 80
    a = Forecaster(horizon=6, seed=0, pipelines=("stl", "ets"), **FAST).fit(y[:origin])
    changed = y.copy()
    changed.iloc[origin:] *= 5.0
    b = Forecaster(horizon=6, seed=0, pipelines=("stl", "ets"), **FAST).fit(changed[:origin])
    assert a.pipelines_[1].smoothers[0].to_dict() == b.pipelines_[1].smoothers[0].to_dict()
    np.testing.assert_array_equal(a.calibration(), b.calibration())
    pd.testing.assert_frame_equal(a.predict(level=[80]), b.predict(level=[80]))


def test_a_smoother_alone_is_refused():
    with pytest.raises(ValueError, match="pipelines: expected at least one network pipeline"):
        Forecaster(horizon=3, pipelines=("ets",)).fit(monthly())


def test_without_refit_the_smoother_forecasts_from_the_end():
    y = monthly()
    fc = Forecaster(horizon=6, seed=0, pipelines=("log", "ets"), refit=False, **FAST).fit(y)
    smoother, transform = fc.pipelines_[1].smoothers[0], fc.pipelines_[1].transforms[0]
    # fitted before the cut, its state moved through every value
    expected = ExponentialSmoother.from_dict(smoother.to_dict()).advance(transform.forward(np.asarray(y.values)))
    assert (smoother.level_, smoother.trend_) == (expected.level_, expected.trend_)


def test_a_large_panel_fits_its_smoothers_in_workers_to_the_same_result(monkeypatch):
    from rnnkit.forecast import _smoothing

    series = [trending(60, seed) for seed in range(6)]
    alone = _smoothing.fit_smoothers(series, n_jobs=1)
    monkeypatch.setattr(_smoothing, "PARALLEL_FROM", 2)
    shared = _smoothing.fit_smoothers(series, n_jobs=2)
    assert [m.to_dict() for m in shared] == [m.to_dict() for m in alone]
