"""The torch forecasting backend against the numpy one: the same trained weights, the same
predictions, and files that move between them.

Tolerance for training, 1e-8 (float64): both backends run the same algorithm on the same
minibatch indices, so they differ only in the rounding of operations summed in another order
(BLAS vs MKL GEMMs, the loss' mean); such differences start near 1e-16 and grow through a few
dozen Adam steps (whose division by sqrt(v) amplifies them where v is small) but stay far
below 1e-8, while any real difference (another index, one step more, another clipping rule)
shows at 1e-3. Forward passes are compared at 1e-10.
"""
import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from rnnkit.backends import NumpyBackend, get_backend
from rnnkit.forecast import Forecaster
from rnnkit.forecast._training import build_network, predict, train_network
from rnnkit.torch.backend import TorchBackend

SETTINGS = {"lr": 1e-2, "batch_size": 16, "max_steps": 40, "eval_every": 8, "patience": 2, "clip_norm": 0.5, "seed": 3}


def problem(seed=0, n=120):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8, 2))
    y = np.stack([np.tanh(x[:, -2:, 0].sum(1)), x[:, -1, 1]], axis=1) + 0.05 * rng.normal(size=(n, 2))
    return x, y, rng.normal(size=(15, 8, 2)), rng.normal(size=(15, 2)).astype(np.float32)


def trained(backend, cell, layers, **overrides):
    x, y, xv, yv = problem()
    net = build_network(cell, 2, 6, layers, 2, seed=1, dtype=np.float64)
    kwargs = dict(SETTINGS, x_val=xv, y_val=yv, **overrides)
    if kwargs.get("fixed_steps"):
        kwargs.pop("x_val"), kwargs.pop("y_val")
    return net, train_network(backend, net, x, y, **kwargs)


def assert_same_weights(a, b, atol=1e-8):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        np.testing.assert_allclose(sb[k], sa[k], rtol=0, atol=atol, err_msg=k)


@pytest.mark.parametrize("cell,layers", [("rnn", 1), ("lstm", 2), ("gru", 1), ("gru", 2)])
def test_training_gives_the_weights_of_the_numpy_backend(cell, layers):
    a, sa = trained(NumpyBackend(), cell, layers)
    b, sb = trained(TorchBackend("cpu"), cell, layers)
    assert_same_weights(a, b)
    assert (sa["steps"], sa["best_step"]) == (sb["steps"], sb["best_step"])  # same early stopping
    for curve in ("train_curve", "val_curve"):
        np.testing.assert_allclose(np.array(sb[curve]), np.array(sa[curve]), atol=1e-10)


def test_fixed_steps_and_a_batch_larger_than_the_data():
    a, sa = trained(NumpyBackend(), "gru", 1, fixed_steps=10, batch_size=500)
    b, sb = trained(TorchBackend("cpu"), "gru", 1, fixed_steps=10, batch_size=500)
    assert_same_weights(a, b)
    assert sa["steps"] == sb["steps"] == 10 and sb["val_curve"] == []


def test_the_step_callback_runs_once_per_step():
    calls = []
    _, s = trained(TorchBackend("cpu"), "rnn", 1, on_step=lambda: calls.append(1))
    assert len(calls) == s["steps"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_predictions_match(cell, rng):
    net = build_network(cell, 2, 6, 2, 3, seed=0, dtype=np.float64)
    x = rng.normal(size=(2100, 8, 2))  # more than one prediction batch of 1024
    np.testing.assert_allclose(predict(TorchBackend("cpu"), net, x), predict(NumpyBackend(), net, x),
                               rtol=0, atol=1e-10)


def test_float32_networks_stay_float32(rng):
    net = build_network("gru", 2, 6, 1, 1, seed=0)
    out = predict(TorchBackend("cpu"), net, rng.normal(size=(4, 8, 2)))
    assert out.dtype == np.float32
    assert get_backend("torch", "cpu").name == "torch"


# --- the Forecaster on either backend ----------------------------------------------------------
FAST = {"n_models": 1, "max_steps": 30, "eval_every": 10, "patience": 2, "hidden_size": 6, "dtype": "float64", "seed": 0}


def panel():
    t = np.arange(60)
    frames = []
    for i, (level, amp) in enumerate([(10, 2), (200, 30)]):
        y = level + 0.1 * t + amp * np.sin(2 * np.pi * t / 12 + i) + np.random.default_rng(i).normal(0, 0.2, 60)
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2020-01-01", periods=60, freq="MS"),
                                    "y": y}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def fitted():
    data = panel()
    return {b: Forecaster(horizon=4, backend=b, device="cpu" if b == "torch" else None, **FAST).fit(data)
            for b in ("numpy", "torch")}


def test_a_global_forecaster_fits_the_same_on_both_backends(fitted):
    a, b = fitted["numpy"].predict(level=[80]), fitted["torch"].predict(level=[80])
    pd.testing.assert_frame_equal(a[["unique_id", "ds"]], b[["unique_id", "ds"]])
    np.testing.assert_allclose(b.drop(columns=["unique_id", "ds"]).to_numpy(),
                               a.drop(columns=["unique_id", "ds"]).to_numpy(), rtol=1e-8)


@pytest.mark.parametrize("trained_on,predicted_on", [("torch", "numpy"), ("numpy", "torch")])
def test_a_file_from_one_backend_predicts_the_same_on_the_other(fitted, trained_on, predicted_on, tmp_path):
    model = fitted[trained_on]
    model.save(tmp_path / "m.safetensors")
    loaded = Forecaster.load(tmp_path / "m.safetensors", backend=predicted_on,
                             device="cpu" if predicted_on == "torch" else None)
    assert loaded.backend == predicted_on
    a, b = model.predict(level=[80]), loaded.predict(level=[80])
    pd.testing.assert_frame_equal(a[["unique_id", "ds"]], b[["unique_id", "ds"]])
    np.testing.assert_allclose(b.drop(columns=["unique_id", "ds"]).to_numpy(),
                               a.drop(columns=["unique_id", "ds"]).to_numpy(), rtol=0, atol=1e-10)


def test_one_series_on_torch_matches_numpy():
    y = panel().query("unique_id == 's1'").set_index("ds")["y"]
    a = Forecaster(horizon=3, **FAST).fit(y).predict()
    b = Forecaster(horizon=3, backend="torch", device="cpu", **FAST).fit(y).predict()
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-8)
