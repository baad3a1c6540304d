"""What the diagnostics show and how they refuse bad input: vanishing and exploding Jacobians of
a tanh RNN, spectral radii equal to the largest |eigenvalue|, the memory horizon's threshold,
float32, and a model left exactly as it was."""
import numpy as np
import pytest

from rnnkit import nn
from rnnkit.diagnostics import (
    diagnose,
    gradient_flow,
    horizon_of,
    jacobian_norms,
    memory_horizon,
    recurrent_spectral_radii,
    spectral_radius,
)

H = 8


def linear_regime_rnn(scale: float) -> nn.RNN:
    """tanh RNN with W_hh = scale * Q (Q orthogonal) and no bias: fed zeros, its state stays 0,
    tanh' = 1, so dh_T/dh_{T-k} = (scale Q)^k exactly, with every singular value scale^k."""
    rnn = nn.RNN(1, H, dtype=np.float64, seed=0)
    q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((H, H)))
    rnn.weight_hh_l0.data[...] = scale * q
    rnn.bias_ih_l0.data[...] = 0
    rnn.bias_hh_l0.data[...] = 0
    return rnn


@pytest.mark.parametrize("scale", [0.5, 1.5])
def test_jacobian_norms_are_powers_of_the_scale(scale):
    T = 30
    jac = jacobian_norms(linear_regime_rnn(scale), np.zeros((T, 2, 1)))
    k = np.arange(T)
    np.testing.assert_allclose(jac.spectral, scale ** k, rtol=1e-9)
    np.testing.assert_allclose(jac.frobenius, np.sqrt(H) * scale ** k, rtol=1e-9)


def test_small_weights_vanish_large_weights_explode():
    rng = np.random.default_rng(1)
    T = 40
    x = rng.standard_normal((T, 4, 1))
    small = nn.RNN(1, H, dtype=np.float64, seed=2)
    small.weight_hh_l0.data *= 0.3
    vanishing = jacobian_norms(small, x).spectral
    assert vanishing[-1] < 1e-10 * vanishing[1]
    assert np.all(np.diff(vanishing[1:]) < 0)
    big = linear_regime_rnn(1.0)
    big.weight_hh_l0.data[...] = 3.0 * np.random.default_rng(3).standard_normal((H, H)) / np.sqrt(H)
    exploding = jacobian_norms(big, np.zeros((T, 2, 1))).spectral
    assert exploding[-1] > 1e10
    # the gradient of a loss on the last step grows with lag too
    flow = gradient_flow(big, np.zeros((T, 2, 1)), np.concatenate([np.zeros((T - 1, 2, H)), np.ones((1, 2, H))]))
    assert flow[0] > 1e8 * flow[-1]


@pytest.mark.parametrize("cell,gates", [("RNN", ["h"]), ("LSTM", list("ifgo")), ("GRU", list("rzn"))])
def test_spectral_radii_are_largest_absolute_eigenvalues(cell, gates):
    rnn = getattr(nn, cell)(3, 5, num_layers=2, seed=4)
    model = nn.Sequential(rnn, nn.LastStep(), nn.Linear(5, 1))
    radii = recurrent_spectral_radii(model)
    expected = {}
    for layer in (0, 1):
        w = getattr(rnn, f"weight_hh_l{layer}").data.astype(np.float64)
        for k, gate in enumerate(gates):
            key = f"0.weight_hh_l{layer}" + ("" if cell == "RNN" else f":{gate}")
            expected[key] = np.max(np.abs(np.linalg.eigvals(w[k * 5:(k + 1) * 5])))
    assert radii.keys() == expected.keys()
    for key, value in expected.items():
        assert radii[key] == pytest.approx(value, rel=1e-12)
    assert recurrent_spectral_radii(rnn)["weight_hh_l1" + ("" if cell == "RNN" else f":{gates[0]}")] == \
        pytest.approx(expected["0.weight_hh_l1" + ("" if cell == "RNN" else f":{gates[0]}")])


def test_spectral_radius_of_a_rotation_and_errors():
    assert spectral_radius([[0.0, -2.0], [2.0, 0.0]]) == pytest.approx(2.0)  # eigenvalues +-2i
    with pytest.raises(ValueError, match="matrix: expected a square"):
        spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="model: expected a recurrent layer"):
        recurrent_spectral_radii(nn.Linear(2, 2))
    with pytest.raises(TypeError, match="model: expected an rnnkit nn.Module"):
        recurrent_spectral_radii("lstm")


def test_horizon_threshold():
    s = np.array([1.0, 0.5, 0.2, 0.011, 0.01, 0.009, 0.0])
    assert horizon_of(s) == 4  # 0.01 >= 1% of the peak; 0.009 is not
    assert horizon_of(s, fraction=0.1) == 2
    assert horizon_of(np.array([0.0, 2.0, 0.5, 0.03])) == 3  # peak need not be at lag 0
    assert horizon_of(np.zeros(3)) == 0
    with pytest.raises(ValueError, match="fraction"):
        horizon_of(s, fraction=0)
    with pytest.raises(ValueError, match="sensitivity"):
        horizon_of(np.array([]))


def test_memory_horizon_of_an_exponential_memory():
    """A linear RNN unit h_t = a h_{t-1} + x_t has |dh_T/dx_{T-k}| = a^k: the 1% horizon is
    the largest k with a^k >= 0.01."""
    rnn = nn.RNN(1, 1, nonlinearity="relu", bias=False, dtype=np.float64, seed=0)
    rnn.weight_ih_l0.data[...] = 1.0
    rnn.weight_hh_l0.data[...] = 0.8
    mem = memory_horizon(rnn, np.ones((40, 2, 1)))  # positive inputs: relu stays linear
    np.testing.assert_allclose(mem.sensitivity, 0.8 ** np.arange(40), rtol=1e-12)
    assert mem.horizon == int(np.floor(np.log(0.01) / np.log(0.8)))


def test_outputs_selects_one_unit_per_row():
    rng = np.random.default_rng(5)
    model = nn.Sequential(nn.GRU(2, 4, batch_first=True, dtype=np.float64, seed=1), nn.LastStep(True),
                          nn.Linear(4, 3, dtype=np.float64, seed=1))
    x = rng.standard_normal((2, 5, 2))
    per_unit = [memory_horizon(model, x, outputs=np.array([o, o])).sensitivity for o in range(3)]
    np.testing.assert_allclose(np.mean(per_unit, axis=0), memory_horizon(model, x).sensitivity, rtol=1e-12)
    with pytest.raises(ValueError, match="outputs: expected 2 integers in \\[0, 2\\]"):
        memory_horizon(model, x, outputs=np.array([0, 3]))


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_float32_agrees_with_float64(cell):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((12, 3, 2))
    m64 = getattr(nn, cell)(2, 6, dtype=np.float64, seed=7)
    m32 = getattr(nn, cell)(2, 6, seed=7)
    m32.load_state_dict(m64.state_dict())
    d64 = diagnose(m64, x)
    d32 = diagnose(m32, x.astype(np.float32))
    for name in ("grad_norm", "jacobian_spectral", "jacobian_frobenius", "memory"):
        np.testing.assert_allclose(getattr(d32, name), getattr(d64, name), rtol=2e-3, atol=1e-7)
    assert d32.info["dtype"] == "float32" and d32.horizon == d64.horizon


def test_model_is_left_as_it_was():
    rng = np.random.default_rng(8)
    model = nn.Sequential(nn.LSTM(2, 4, num_layers=2, dropout=0.5, batch_first=True, seed=0),
                          nn.LastStep(True), nn.Linear(4, 1, seed=0))
    for p in model.parameters():
        p.grad[...] = rng.standard_normal(p.grad.shape)
    grads = [p.grad.copy() for p in model.parameters()]
    weights = model.state_dict()
    x = rng.standard_normal((3, 7, 2))
    d1 = diagnose(model, x)
    d2 = diagnose(model, x)  # eval mode inside: no dropout, so the same numbers
    np.testing.assert_array_equal(d1.grad_norm, d2.grad_norm)
    assert model.training and all(m.training for m in model.modules())
    for p, g in zip(model.parameters(), grads):
        np.testing.assert_array_equal(p.grad, g)
    for name, w in model.state_dict().items():
        np.testing.assert_array_equal(w, weights[name])


def test_diagnosis_table():
    rng = np.random.default_rng(9)
    model = nn.Sequential(nn.RNN(1, 5, batch_first=True, seed=0), nn.LastStep(True), nn.Linear(5, 1, seed=0))
    d = diagnose(model, rng.standard_normal((10, 9, 1)), rows=3)
    rows = d.rows()
    assert [r["lag"] for r in rows] == list(range(9))
    assert set(rows[0]) == {"lag", "grad_norm", "jacobian_spectral", "jacobian_frobenius", "memory"}
    assert d.info["jacobian_rows"] == 3 and d.info["steps"] == 9 and d.info["batch"] == 10
    assert d.to_dict()["spectral_radii"].keys() == {"weight_hh_l0"}


def test_bad_input_is_refused():
    x = np.zeros((4, 2, 1))
    with pytest.raises(ValueError, match="model: expected a unidirectional"):
        gradient_flow(nn.GRU(1, 3, bidirectional=True), x)
    with pytest.raises(TypeError, match="model: expected nn.RNN, nn.LSTM, nn.GRU"):
        gradient_flow(nn.Linear(1, 1), x)
    with pytest.raises(ValueError, match="exactly one recurrent layer"):
        jacobian_norms(nn.Sequential(nn.GRU(1, 3), nn.GRU(3, 3)), x)
    with pytest.raises(ValueError, match="x: expected a batched 3-D array"):
        gradient_flow(nn.GRU(1, 3), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="dout: expected the shape"):
        gradient_flow(nn.GRU(1, 3), x, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="max_lag: expected an integer in \\[0, 3\\]"):
        jacobian_norms(nn.GRU(1, 3), x, max_lag=4)
    with pytest.raises(ValueError, match="rows: expected a positive integer"):
        jacobian_norms(nn.GRU(1, 3), x, rows=0)
    # bidirectional layers have a memory (a plain input gradient)
    assert memory_horizon(nn.GRU(1, 3, bidirectional=True), x).sensitivity.shape == (4,)
