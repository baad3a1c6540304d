"""cross_validation over panels: statsforecast's shape, honest folds, refit choices."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster, coverage_by_window, cross_validation, cv_metrics

SMALL = dict(hidden_size=8, n_models=1, max_steps=10, seed=0)


def _panel(n=60):
    rng = np.random.default_rng(0)
    parts = []
    for key, level, start in (("a", 10.0, "2015-01-01"), ("b", 50.0, "2016-01-01")):  # different ends
        t = np.arange(n)
        parts.append(pd.DataFrame({"unique_id": key, "ds": pd.date_range(start, periods=n, freq="MS"),
                                   "y": level + 0.5 * t + 3 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.5, n)}))
    return pd.concat(parts, ignore_index=True)


def test_the_frame_has_statsforecasts_shape_and_the_actuals_after_each_cutoff():
    panel = _panel()
    out = Forecaster(horizon=3, **SMALL).cross_validation(panel, n_windows=2, level=[80])
    assert list(out.columns) == ["unique_id", "ds", "cutoff", "y", "forecast", "lo_80", "hi_80"]
    assert len(out) == 2 * 2 * 3
    b = panel[panel.unique_id == "b"].set_index("ds")["y"]
    rows = out[out.unique_id == "b"]
    assert rows["cutoff"].unique().tolist() == [b.index[-7], b.index[-4]]  # the last stamp each fold saw
    np.testing.assert_array_equal(rows["y"].to_numpy(), b.iloc[-6:].to_numpy())
    assert (rows["ds"] > rows["cutoff"]).all()
    metrics = cv_metrics(out)
    assert list(metrics.index) == ["a", "b", "all"] and "coverage_80" in metrics and "mase" not in metrics
    by_window = coverage_by_window(out)  # the series end at different dates: window k is each one's k-th cutoff
    assert by_window.index.tolist() == [1, 2] and by_window["coverage_80"].between(0, 100).all()


def test_no_row_after_a_cutoff_reaches_its_fold(monkeypatch):
    """Change every value after the first window's cutoff: that fold's model (weights, scales,
    transforms) and its forecasts and intervals are bit-identical."""
    fitted = []
    original = Forecaster.fit

    def recording_fit(self, *args, **kwargs):
        fitted.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Forecaster, "fit", recording_fit)
    panel = _panel()
    changed = panel.copy()
    for key in ("a", "b"):
        rows = changed.index[changed.unique_id == key][-6 + 3 - 3:]  # the 6 points after window 0's cutoff
        changed.loc[rows, "y"] += 1000.0 * np.arange(1, len(rows) + 1)
    model = Forecaster(horizon=3, **SMALL)
    first = model.cross_validation(panel, n_windows=2, level=[80])
    second = model.cross_validation(changed, n_windows=2, level=[80])
    window0 = first["cutoff"].isin(first.groupby("unique_id")["cutoff"].min())
    pd.testing.assert_frame_equal(first[window0].drop(columns="y"), second[window0].drop(columns="y"))
    fold_a, fold_b = fitted[0], fitted[2]  # window 0 of each run
    for (name, p), (_, q) in zip(fold_a.nets_[0].named_parameters(), fold_b.nets_[0].named_parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    np.testing.assert_array_equal(fold_a.scaled_errors_, fold_b.scaled_errors_)
    np.testing.assert_array_equal(fold_a.calibration_scales_, fold_b.calibration_scales_)


def test_refit_false_fits_once_and_refit_k_every_k_windows(monkeypatch):
    calls = []
    original = Forecaster.fit
    monkeypatch.setattr(Forecaster, "fit", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    panel = _panel()
    out = cross_validation(Forecaster(horizon=2, **SMALL), panel, n_windows=3, refit=False)
    assert len(calls) == 1 and np.isfinite(out["forecast"]).all() and len(out) == 2 * 3 * 2
    calls.clear()
    cross_validation(Forecaster(horizon=2, **SMALL), panel, n_windows=3, refit=2)
    assert len(calls) == 2


def test_one_series_and_the_refusals():
    y = _panel().query("unique_id == 'a'").set_index("ds")["y"].rename_axis("month")
    out = Forecaster(horizon=3, **SMALL).cross_validation(y, n_windows=2)
    assert list(out.columns[:4]) == ["month", "cutoff", "y", "forecast"]
    with pytest.raises(ValueError, match=r"y: series 'a': 30 windows of 3 steps, 3 apart, need more than 90"):
        Forecaster(horizon=3, **SMALL).cross_validation(_panel(), n_windows=30)
    with pytest.raises(ValueError, match="refit must be >= 1"):
        Forecaster(horizon=3, **SMALL).cross_validation(_panel(), refit=0)
