"""The RNN Forecaster: reproducibility, files, leakage, intervals, refusals. Small budgets keep
this fast; accuracy is measured in benchmarks/forecast_accuracy.py, not here."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster, Naive
from rnnkit.forecast.backtest import backtest, backtest_metrics

FAST = dict(n_models=2, max_steps=60, eval_every=20, patience=2, hidden_size=8)


@pytest.fixture(scope="module")
def seasonal():
    t = np.arange(96)
    rng = np.random.default_rng(0)
    values = 50 + 0.3 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, len(t))
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=len(t), freq="MS"), name="sales")


@pytest.fixture(scope="module")
def fitted(seasonal):
    return Forecaster(horizon=6, seed=3, **FAST).fit(seasonal)


def test_forecast_frame(fitted, seasonal):
    out = fitted.predict(level=[80, 95])
    assert list(out.columns) == ["forecast", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert out.index[0] == pd.Timestamp("2018-01-01") and len(out) == 6
    assert np.all(out.lo_95 <= out.lo_80) and np.all(out.lo_80 <= out.forecast)
    assert np.all(out.forecast <= out.hi_80) and np.all(out.hi_80 <= out.hi_95)
    assert fitted.season_length_ == 12 and fitted.training_["window"] >= 12


def test_same_seed_same_forecast_and_other_seed_differs(fitted, seasonal):
    again = Forecaster(horizon=6, seed=3, **FAST).fit(seasonal)
    np.testing.assert_array_equal(again.predict(level=[90]), fitted.predict(level=[90]))
    other = Forecaster(horizon=6, seed=4, **FAST).fit(seasonal)
    assert not np.allclose(other.predict()["forecast"], fitted.predict()["forecast"])


def test_save_load_round_trip_is_identical(fitted, tmp_path):
    path = tmp_path / "model.safetensors"
    fitted.save(path)
    loaded = Forecaster.load(path)
    pd.testing.assert_frame_equal(loaded.predict(level=[80]), fitted.predict(level=[80]))
    assert loaded.get_params() == fitted.get_params()
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]  # no temporary left


def test_saved_recurrent_layer_loads_into_torch(fitted, tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.numpy import load_file

    fitted.save(tmp_path / "m.safetensors")
    tensors = load_file(str(tmp_path / "m.safetensors"))
    gru = torch.nn.GRU(1, 8, batch_first=True)
    gru.load_state_dict({k[len("m0.rnn."):]: torch.from_numpy(v) for k, v in tensors.items()
                         if k.startswith("m0.rnn.")})
    head = torch.nn.Linear(8, 6)
    head.load_state_dict({k[len("m0.head."):]: torch.from_numpy(v) for k, v in tensors.items()
                          if k.startswith("m0.head.")})
    x = np.random.default_rng(0).standard_normal((2, 24, 1)).astype(np.float32)
    ours = fitted.nets_[0](x)
    out, _ = gru(torch.from_numpy(x))
    np.testing.assert_allclose(head(out[:, -1]).detach().numpy(), ours, rtol=1e-5, atol=1e-6)


def test_backtest_fold_never_sees_its_future(seasonal):
    """Change everything after the first fold's origin: that fold's forecasts stay the same."""
    model = Forecaster(horizon=4, seed=0, **FAST)
    first = backtest(model, seasonal, folds=2)
    origin = first[first.fold == 0]["origin"].iloc[0]
    poisoned = seasonal.copy()
    poisoned[poisoned.index >= origin] = 1e6
    again = backtest(model, poisoned, folds=2)
    np.testing.assert_array_equal(first[first.fold == 0]["forecast"], again[again.fold == 0]["forecast"])
    assert not np.allclose(first[first.fold == 1]["forecast"], again[again.fold == 1]["forecast"])


def test_scaler_is_fitted_without_the_held_out_tail(seasonal):
    """Phase one normalises with training values only: poisoning the held-out tail leaves the
    phase-one scale unchanged."""
    base = Forecaster(horizon=6, seed=0, refit=False, **FAST).fit(seasonal)
    poisoned = seasonal.copy()
    poisoned.iloc[-3:] = 1e6
    other = Forecaster(horizon=6, seed=0, refit=False, **FAST).fit(poisoned)
    for a, b in zip(base.pipelines_, other.pipelines_):
        assert a.normalisers[0].scale_ == b.normalisers[0].scale_
        assert a.transforms[0].to_dict() == b.transforms[0].to_dict()


def test_backtest_metrics(seasonal):
    results = Naive(3).backtest(seasonal, folds=3, level=[80])
    assert len(results) == 9 and set(results.fold) == {0, 1, 2}
    metrics = backtest_metrics(results, seasonal, "auto")
    assert {"mae", "rmse", "mape", "smape", "mase", "coverage_80", "width_80"} <= set(metrics)


def test_recursive_and_direct_and_covariates(seasonal):
    rec = Forecaster(horizon=5, strategy="recursive", seed=0, **FAST).fit(seasonal)
    assert rec.strategy_ == "recursive" and len(rec.predict(horizon=9)) == 9
    cov = pd.DataFrame({"temp": np.cos(np.arange(96))}, index=seasonal.index)
    direct = Forecaster(horizon=5, seed=0, **FAST).fit(seasonal, covariates=cov)
    assert direct.strategy_ == "direct" and len(direct.predict()) == 5
    with pytest.raises(ValueError, match="covariates"):
        direct.predict(horizon=7)


@pytest.mark.parametrize("kwargs,match", [
    (dict(cell="transformer"), "cell"),
    (dict(strategy="sideways"), "strategy"),
    (dict(hidden_size=0), "hidden_size"),
    (dict(window=1), "window"),
])
def test_refusals(seasonal, kwargs, match):
    with pytest.raises(ValueError, match=match):
        Forecaster(horizon=3, **kwargs).fit(seasonal)


def test_refuses_a_series_too_short():
    with pytest.raises(ValueError, match="needs at least"):
        Forecaster(horizon=12).fit(np.arange(15.0))


def test_recursive_refuses_covariates(seasonal):
    with pytest.raises(ValueError, match="recursive"):
        Forecaster(horizon=3, strategy="recursive").fit(seasonal, covariates=np.ones((96, 1)))


def test_few_origins_warning_points_at_the_callers_line(fitted):
    with pytest.warns(UserWarning, match="calibration origins") as record:
        fitted.predict(level=[99])
    assert record[0].filename == __file__


def test_worker_processes_do_not_change_the_forecast(seasonal):
    alone = Forecaster(horizon=4, seed=5, n_jobs=1, **FAST).fit(seasonal)
    side_by_side = Forecaster(horizon=4, seed=5, n_jobs=2, **FAST).fit(seasonal)
    pd.testing.assert_frame_equal(alone.predict(level=[80]), side_by_side.predict(level=[80]))
    def steps(training):  # the choices, without the wall-clock seconds
        return [(p["best_step"], [s["steps"] for s in p["phase1"]]) for p in training["pipelines"] if "phase1" in p]

    assert steps(alone.training_) == steps(side_by_side.training_)


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, True])
def test_refuses_a_bad_n_jobs(seasonal, n_jobs):
    with pytest.raises(ValueError, match="n_jobs"):
        Forecaster(horizon=3, n_jobs=n_jobs).fit(seasonal)


def test_numpy_typed_settings_save_and_load(seasonal, tmp_path):
    fc = Forecaster(horizon=np.int64(3), hidden_size=np.int32(8), lr=np.float32(0.01), n_models=1,
                    max_steps=20, eval_every=10, seed=0).fit(seasonal)
    fc.save(tmp_path / "m.safetensors")
    assert Forecaster.load(tmp_path / "m.safetensors").horizon == 3


def test_refit_never_trains_past_max_steps(seasonal):
    fc = Forecaster(horizon=3, n_models=1, max_steps=10, eval_every=25, hidden_size=4).fit(seasonal)
    pipe = fc.training_["pipelines"][0]
    assert pipe["best_step"] <= 10 and pipe["refit"][0]["steps"] <= 10


def test_direct_strategy_on_a_short_series_is_refused_by_length(seasonal):
    with pytest.raises(ValueError, match="needs at least"):
        Forecaster(horizon=12, strategy="direct", window=8).fit(seasonal[:24])
    cov = pd.DataFrame({"temp": np.arange(30.0)}, index=seasonal.index[:30])
    with pytest.raises(ValueError, match="needs at least"):
        Forecaster(horizon=12).fit(seasonal[:30], covariates=cov)


@pytest.mark.parametrize("kwargs", [dict(clip_norm=0), dict(clip_norm=None), dict(lr=-1e-3)])
def test_refuses_bad_training_settings(seasonal, kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Forecaster(horizon=3, **kwargs).fit(seasonal)


def test_float64_networks_see_float64_inputs(seasonal):
    fc = Forecaster(horizon=3, dtype="float64", n_models=1, max_steps=10, eval_every=5, hidden_size=4).fit(seasonal)
    x = fc.recent_inputs(batch=8)
    assert x.dtype == np.float64 and fc.nets_[0][0].weight_hh_l0.data.dtype == np.float64


def test_time_zone_and_integer_steps_survive_a_file(tmp_path):
    t = np.arange(80)
    values = 10 + np.sin(2 * np.pi * t / 7) + 0.01 * t
    zoned = pd.Series(values, index=pd.date_range("2021-03-01", periods=80, freq="D", tz="Europe/Paris"))
    stepped = pd.Series(values, index=pd.RangeIndex(100, 260, 2))
    for y in (zoned, stepped):
        fc = Forecaster(horizon=3, n_models=1, max_steps=10, eval_every=5, hidden_size=4).fit(y)
        fc.save(tmp_path / "m.safetensors")
        loaded = Forecaster.load(tmp_path / "m.safetensors")
        assert loaded.series_.index.equals(fc.series_.index)  # values, and the zone or the steps
        assert loaded.series_.index.dtype == fc.series_.index.dtype
        pd.testing.assert_frame_equal(loaded.predict(), fc.predict())


def test_ensemble_members_are_independent(seasonal):
    """Seeds come from SeedSequence spawn keys: no member's weights repeat another's (the old
    seed + i scheme gave member i's head the first values of member i+1's weight_ih_l0)."""
    fc = Forecaster(horizon=3, n_models=3, max_steps=1, eval_every=1, hidden_size=4, refit=False).fit(seasonal)
    flat = [np.concatenate([v.ravel() for v in net.state_dict().values()]) for net in fc.nets_]
    values = [set(np.round(f, 7)) for f in flat]
    for i in range(3):
        for j in range(i + 1, 3):
            assert len(values[i] & values[j]) <= 2, (i, j)  # not even a shifted copy
    again = Forecaster(horizon=3, n_models=3, max_steps=1, eval_every=1, hidden_size=4, refit=False).fit(seasonal)
    for a, b in zip(fc.nets_, again.nets_):  # and the same seed gives the same ensemble
        for k, v in a.state_dict().items():
            np.testing.assert_array_equal(v, b.state_dict()[k])


def test_pipelines_option(seasonal, tmp_path):
    fc = Forecaster(horizon=3, n_models=3, max_steps=10, eval_every=5, hidden_size=4).fit(seasonal)
    assert [(p.transform, p.deseasonalise, p.members, p.model) for p in fc.pipelines_] == \
        [("auto", "none", [0, 2], "network"), ("none", "stl", [1], "network"), ("auto", "stl", [], "ets")]
    # "auto" is ("log", "stl", "ets"): the networks dealt in turn to the network pipelines
    raw = Forecaster(horizon=3, pipelines=("raw",), n_models=2, max_steps=10, eval_every=5, hidden_size=4).fit(seasonal)
    assert len(raw.pipelines_) == 1 and raw.pipelines_[0].members == [0, 1]
    raw.save(tmp_path / "raw.safetensors")
    again = Forecaster.load(tmp_path / "raw.safetensors")
    assert again.pipelines == ("raw",)
    pd.testing.assert_frame_equal(again.predict(), raw.predict())
    for bad in ("logs", ("log", "log"), (), 3):
        with pytest.raises(ValueError, match="pipelines: expected"):
            Forecaster(horizon=3, pipelines=bad).fit(seasonal)


@pytest.mark.parametrize("combine", ["best", "inverse", "mean"])
def test_combine_option_weighs_the_pipelines_by_their_held_out_errors(seasonal, combine, tmp_path):
    fc = Forecaster(horizon=3, combine=combine, n_models=2, max_steps=10, eval_every=5, hidden_size=4).fit(seasonal)
    errors = [p["held_out_error"] for p in fc.training_["pipelines"]]
    shares = np.array([p.weights[0] for p in fc.pipelines_])
    assert shares.sum() == pytest.approx(1.0)
    expected = {"best": np.eye(3)[int(np.argmin(errors))], "mean": [1 / 3] * 3,
                "inverse": np.power(errors, -4.0) / np.power(errors, -4.0).sum()}[combine]
    np.testing.assert_allclose(shares, expected)
    parts = [p[0] for p in fc._pipeline_forecasts([fc.series_], 3)]
    np.testing.assert_allclose(fc.predict()["forecast"].to_numpy(), shares @ np.array(parts))
    fc.save(tmp_path / "m.safetensors")
    pd.testing.assert_frame_equal(Forecaster.load(tmp_path / "m.safetensors").predict(), fc.predict())
    with pytest.raises(ValueError, match="combine: expected one of"):
        Forecaster(horizon=3, combine="median").fit(seasonal)
    state = {name: getattr(fc, name) for name in fc.__dict__ if name.endswith("_") and name != "series_"}
    state.pop("calibration_errors_", None)
    for bad in ([np.nan], [-0.5], [0.7]):  # shares from a damaged file are refused, not predicted with
        broken = [type(p)(p.transform, p.deseasonalise, p.members, p.transforms, p.normalisers, list(p.weights))
                  for p in fc.pipelines_]
        broken[0].weights = bad
        with pytest.raises(ValueError, match="shares of each series' forecast"):
            Forecaster.from_fitted(fc.get_params(), dict(state, pipelines_=broken))


def test_combine_weights_edge_cases():
    from rnnkit.forecast._pipelines import combine_weights

    errors = np.array([[1.0, 0.0, np.nan, np.inf], [3.0, 2.0, 1.0, np.inf]])
    np.testing.assert_allclose(combine_weights(errors, "best"), [[1, 1, 0, 0.5], [0, 0, 1, 0.5]])
    np.testing.assert_allclose(combine_weights(errors, "inverse"),
                               [[81 / 82, 1, 0, 0.5], [1 / 82, 0, 1, 0.5]])
    np.testing.assert_allclose(combine_weights(errors, "mean"), np.full((2, 4), 0.5))


def test_a_file_written_by_version_0_1_0_loads_and_predicts_as_then():
    """tests/forecast/files/forecaster-0.1.0.* were written by rnnkit 0.1.0 (commit 9644711):
    before pipelines, transforms and from_fitted. The file still loads and forecasts the same."""
    from pathlib import Path

    here = Path(__file__).parent / "files"
    fc = Forecaster.load(here / "forecaster-0.1.0.safetensors")
    then = pd.read_csv(here / "forecaster-0.1.0.csv", index_col=0, parse_dates=True)
    now = fc.predict(level=[80])
    np.testing.assert_allclose(now.to_numpy(), then.to_numpy(), rtol=1e-6)
    assert fc.pipelines == ("raw",) and list(now.index) == list(then.index)


def test_a_file_whose_pipelines_do_not_match_its_networks_is_refused(seasonal, tmp_path):
    import json

    from safetensors.numpy import load_file, save_file

    fc = Forecaster(horizon=3, n_models=2, max_steps=10, eval_every=5, hidden_size=4).fit(seasonal)
    path = tmp_path / "m.safetensors"
    fc.save(path)
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as fh:
        header = fh.metadata()
    key = next(iter(header))
    meta = json.loads(header[key])
    meta["pipelines"][1]["members"] = [0]  # network 1 belongs to no pipeline, network 0 to two
    bad = tmp_path / "bad.safetensors"
    save_file(load_file(str(path)), str(bad), metadata={key: json.dumps(meta)})
    with pytest.raises(ValueError, match=r"bad.safetensors': not a valid rnnkit model file: state: pipelines hold"):
        Forecaster.load(bad)
