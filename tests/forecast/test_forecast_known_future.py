"""Known-future covariates, calendar and holiday inputs, static covariates of global models."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster

H = 14


def promo_series(n=300, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2021-01-01", periods=n, freq="D")
    promo = (rng.random(n) < 0.2).astype(float)
    y = pd.Series(10 + np.sin(np.arange(n) * 2 * np.pi / 7) + 5 * promo + rng.normal(0, 0.3, n), index=index)
    return y, pd.DataFrame({"promo": promo}, index=index)


def small(**kw):
    settings = dict(horizon=H, seed=0, max_steps=150, n_models=2, n_jobs=None) | kw
    return Forecaster(**settings)


def test_a_future_covariate_that_carries_the_signal_is_learned():
    y, promo = promo_series()
    with_it = small(strategy="recursive").fit(y[:-H], future_covariates=promo[:-H])
    futr = with_it.make_future_frame()
    assert list(futr.columns) == ["promo"] and futr["promo"].isna().all() and len(futr) == H
    futr["promo"] = promo["promo"].to_numpy()[-H:]
    error = np.mean(np.abs(with_it.predict(futr_df=futr)["forecast"].to_numpy() - y.to_numpy()[-H:]))
    without = small(strategy="recursive").fit(y[:-H])
    error0 = np.mean(np.abs(without.predict()["forecast"].to_numpy() - y.to_numpy()[-H:]))
    assert error < 0.6 * error0


def test_predict_refuses_missing_future_rows_naming_the_first(tmp_path):
    y, promo = promo_series(200)
    model = small(max_steps=25).fit(y[:-H], future_covariates=promo[:-H])
    with pytest.raises(ValueError, match="futr_df: expected the future values"):
        model.predict()
    futr = promo.iloc[-H:].drop(promo.index[-H + 3])
    with pytest.raises(ValueError, match=r"futr_df: no row for \(2021-07-09\)"):
        model.predict(futr_df=futr)
    first = model.predict(futr_df=promo.iloc[-H:], level=[80])
    model.save(tmp_path / "m.safetensors")
    again = Forecaster.load(tmp_path / "m.safetensors").predict(futr_df=promo.iloc[-H:], level=[80])
    pd.testing.assert_frame_equal(first, again)


def test_calendar_and_holidays_are_inputs_known_ahead(tmp_path):
    y, _ = promo_series(200)
    model = small(max_steps=25, calendar="auto", holidays="US").fit(y)
    assert model.known_.calendar == ("dayofweek", "dayofyear") and model.known_.width == 5
    assert model.recent_inputs(batch=4).shape[-1] == 1 + 5 + 1
    model.save(tmp_path / "m.safetensors")
    pd.testing.assert_frame_equal(model.predict(), Forecaster.load(tmp_path / "m.safetensors").predict())
    with pytest.raises(ValueError, match="holidays: expected a country code"):
        small(holidays="XX").fit(y)
    with pytest.raises(ValueError, match="calendar: expected None"):
        small(calendar=["weekday"]).fit(y)


def test_the_fit_is_bit_identical_whatever_the_known_future_after_the_cutoff():
    y, promo = promo_series(200)
    changed = promo.copy()
    changed.iloc[-H:] = 1 - changed.iloc[-H:]
    a = small(max_steps=25).cross_validation(y, n_windows=1, future_covariates=promo)
    b = small(max_steps=25).cross_validation(y, n_windows=1, future_covariates=changed)
    a0 = small(max_steps=25).fit(y[:-H], future_covariates=promo[:-H])
    b0 = small(max_steps=25).fit(y[:-H], future_covariates=changed[:-H])
    for p, q in zip(a0.nets_, b0.nets_):
        for x, z in zip(p.parameters(), q.parameters()):
            np.testing.assert_array_equal(x.data, z.data)
    assert not np.allclose(a["forecast"], b["forecast"])  # the future rows are read, and only at predict


def panel_with_statics():
    rng = np.random.default_rng(1)
    index = pd.date_range("2020-01-01", periods=120, freq="D")
    rows, statics = [], []
    for i, kind in enumerate(["a", "b", "a", "b"]):
        level = 10.0 if kind == "a" else 30.0
        y = level + np.sin(np.arange(120) * 2 * np.pi / 7) + rng.normal(0, 0.5, 120)
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": index, "y": y}))
        statics.append({"unique_id": f"s{i}", "kind": kind, "size": float(i)})
    return pd.concat(rows, ignore_index=True), pd.DataFrame(statics)


def test_static_covariates_of_a_global_model(tmp_path):
    frame, statics = panel_with_statics()
    model = small(max_steps=25, horizon=7).fit(frame, static_covariates=statics)
    assert model.static_.width == 3  # size, and kind one-hot over a, b
    out = model.predict()
    assert list(out["unique_id"].unique()) == ["s0", "s1", "s2", "s3"]
    model.save(tmp_path / "m.safetensors")
    pd.testing.assert_frame_equal(out, Forecaster.load(tmp_path / "m.safetensors").predict())
    with pytest.raises(ValueError, match="static_covariates: no row for series 's3'"):
        small(max_steps=25, horizon=7).fit(frame, static_covariates=statics.iloc[:3])
    new = frame[frame.unique_id == "s0"].assign(unique_id="new")
    with pytest.raises(ValueError, match="static_df: no row for series 'new'"):
        model.predict(y=new)
    row = pd.DataFrame([{"unique_id": "new", "kind": "a", "size": 0.0}])
    assert len(model.predict(y=new, static_df=row)) == 7
    with pytest.raises(ValueError, match="static_covariates: they describe each series"):
        small().fit(frame[frame.unique_id == "s0"]["y"].to_numpy(), static_covariates=statics)


def test_the_direct_strategy_learns_a_known_effect_through_the_regression_step():
    y, promo = promo_series()
    with_it = small(strategy="direct").fit(y[:-H], future_covariates=promo[:-H])
    assert with_it.pipelines_[0].transforms[0].regression_ is not None
    error = np.mean(np.abs(with_it.predict(futr_df=promo.iloc[-H:])["forecast"].to_numpy() - y.to_numpy()[-H:]))
    without = small(strategy="direct").fit(y[:-H])
    error0 = np.mean(np.abs(without.predict()["forecast"].to_numpy() - y.to_numpy()[-H:]))
    assert error < 0.3 * error0
    off = small(strategy="direct", known_regression=False, max_steps=25).fit(y[:-H], future_covariates=promo[:-H])
    assert all(t.regression_ is None for p in off.pipelines_ for t in p.transforms)
    with pytest.raises(TypeError, match="known_regression: expected True or False"):
        small(known_regression="yes").fit(y)


def test_the_regression_step_is_undone_exactly_and_round_trips():
    from rnnkit.forecast._transform import SeriesTransform

    rng = np.random.default_rng(1)
    n = 120
    temperature = rng.normal(20, 6, n)
    flag = (rng.random(n) < 0.3).astype(float)
    known = np.column_stack([temperature, flag])
    y = 50 + 0.08 * (temperature - 20) ** 2 - 4 * flag + rng.normal(0, 0.1, n)
    tf = SeriesTransform("none", "none", [], keep=10, regress=True).fit(y[:100], known[:100])
    rest = tf.forward(y[:100], known=known[:100])
    assert np.std(rest) < 0.15  # the bowl in temperature and the flag are taken out
    assert tf.regression_.squared_.tolist() == [True, False]  # a 0/1 flag is not squared
    back = tf.inverse(tf.forward(y[90:], start=90, known=known[90:])[None], np.array([90]), known[None, 90:])[0]
    np.testing.assert_allclose(back, y[90:], rtol=1e-12)
    again = SeriesTransform.from_dict(tf.to_dict(), known_width=2)
    np.testing.assert_array_equal(again.forward(y, known=known), tf.forward(y, known=known))
    with pytest.raises(ValueError, match="known: this transform took out a regression"):
        tf.forward(y)
    with pytest.raises(ValueError, match="expected 3 known inputs"):
        SeriesTransform.from_dict(tf.to_dict(), known_width=3)
    broken = tf.to_dict()
    broken["regression"]["coef"][0] = float("nan")
    with pytest.raises(ValueError, match="transform.regression: NaN"):
        SeriesTransform.from_dict(broken, known_width=2)
    # Fitted on the first 100 values only: the later ones do not move it.
    changed = y.copy()
    changed[100:] += 1000
    other = SeriesTransform("none", "none", [], keep=10, regress=True).fit(changed[:100], known[:100])
    np.testing.assert_array_equal(other.regression_.coef_, tf.regression_.coef_)
