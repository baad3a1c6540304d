"""Gradient flow, Jacobian norms and memory equal torch.autograd in float64, for every cell
(RNN tanh and relu, LSTM, GRU) with one and two layers, on the forecaster's network shape
Sequential(rnn, LastStep, Linear)."""
import diag_reference as ref
import numpy as np
import pytest

from rnnkit import nn
from rnnkit.diagnostics import gradient_flow, jacobian_norms, memory_horizon

CELLS = [("RNN", "tanh"), ("RNN", "relu"), ("LSTM", None), ("GRU", None)]
GRID = [(c, nl, L) for c, nl in CELLS for L in (1, 2)]
B, T, I, H, O = 3, 6, 2, 4, 2
TOL = 1e-10


def network(cell, nonlinearity, layers, seed=3):
    kwargs = {"nonlinearity": nonlinearity} if nonlinearity else {}
    rnn = getattr(nn, cell)(I, H, num_layers=layers, batch_first=True, dtype=np.float64, seed=seed, **kwargs)
    # larger weights than the default, so nothing is near zero and relu units switch
    for p in rnn.parameters():
        p.data *= 2.0
    head = nn.Linear(H, O, dtype=np.float64, seed=seed)
    return nn.Sequential(rnn, nn.LastStep(batch_first=True), head), rnn, head


def close(ours, theirs, tol=TOL):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-12)) < tol, (ours, theirs)


@pytest.mark.parametrize("cell,nonlinearity,layers", GRID, ids=str)
def test_gradient_flow_matches_torch(cell, nonlinearity, layers):
    rng = np.random.default_rng(0)
    model, rnn, head = network(cell, nonlinearity, layers)
    x, dout = rng.standard_normal((B, T, I)), rng.standard_normal((B, O))
    flow = gradient_flow(model, x, dout)
    assert flow.shape == (T,)
    close(flow, ref.gradient_flow(rnn, head, x, dout))


@pytest.mark.parametrize("cell,nonlinearity,layers", GRID, ids=str)
def test_jacobian_norms_match_torch(cell, nonlinearity, layers):
    rng = np.random.default_rng(1)
    model, rnn, _ = network(cell, nonlinearity, layers)
    x = rng.standard_normal((B, T, I))
    jac = jacobian_norms(model, x)
    spec, frob = ref.jacobian_norms(rnn, x)
    close(jac.spectral, spec, 1e-9)
    close(jac.frobenius, frob, 1e-9)
    assert jac.spectral[0] == pytest.approx(1.0) and jac.frobenius[0] == pytest.approx(np.sqrt(H))


@pytest.mark.parametrize("cell,nonlinearity,layers", GRID, ids=str)
def test_memory_matches_torch(cell, nonlinearity, layers):
    rng = np.random.default_rng(2)
    model, rnn, head = network(cell, nonlinearity, layers)
    x = rng.standard_normal((B, T, I))
    mem = memory_horizon(model, x)
    close(mem.sensitivity, ref.memory(rnn, head, x))


def test_bare_layer_time_major_matches_sequential():
    """A bare layer (time-major, full sequence output) gives what the same layer gives inside
    Sequential(layer, LastStep) with dout on the last step."""
    rng = np.random.default_rng(3)
    rnn = nn.GRU(I, H, num_layers=2, dtype=np.float64, seed=4)
    x = rng.standard_normal((T, B, I))
    dout = np.zeros((T, B, H))
    dout[-1] = rng.standard_normal((B, H))
    flow = gradient_flow(rnn, x, dout)
    model = nn.Sequential(rnn, nn.LastStep())
    close(flow, gradient_flow(model, x, dout[-1]))
    close(jacobian_norms(rnn, x).frobenius, jacobian_norms(model, x).frobenius)
    close(memory_horizon(rnn, x).sensitivity, memory_horizon(model, x).sensitivity)


@pytest.mark.parametrize("cell", ["LSTM", "RNN"])
def test_jacobian_against_finite_differences(cell):
    """dh_T/dh_{T-k} by central differences of the engine's own forward, restarted at T-k."""
    rng = np.random.default_rng(5)
    rnn = getattr(nn, cell)(I, H, dtype=np.float64, seed=6)
    x = rng.standard_normal((T, 1, I))
    out, _ = rnn(x)
    states = None
    if cell == "LSTM":  # the cell states, from the engine run step by step
        cs, hc = [], None
        for t in range(T):
            _, hc = rnn(x[t:t + 1], hc)
            cs.append(hc[1])
    jac = jacobian_norms(rnn, x)
    eps = 1e-6
    for k in (1, 3, T - 1):
        start = T - k - 1  # x index of the state h_{T-k}
        J = np.zeros((H, H))
        for j in range(H):
            cols = []
            for sign in (1, -1):
                h = out[start].copy()[None]
                h[0, 0, j] += sign * eps
                states = (h, cs[start]) if cell == "LSTM" else h
                y, _ = rnn(x[start + 1:], states)
                cols.append(y[-1, 0])
            J[:, j] = (cols[0] - cols[1]) / (2 * eps)
        assert jac.frobenius[k] == pytest.approx(np.linalg.norm(J), rel=1e-6)
        assert jac.spectral[k] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)


def test_memory_against_finite_differences():
    rng = np.random.default_rng(7)
    model, _, _ = network("GRU", None, 2)
    x = rng.standard_normal((B, T, I))
    mem = memory_horizon(model, x)
    eps = 1e-6
    sens = np.zeros(T)
    for t in range(T):
        for i in range(I):
            xp, xm = x.copy(), x.copy()
            xp[:, t, i] += eps
            xm[:, t, i] -= eps
            d = (model(xp) - model(xm)) / (2 * eps)  # (B, O): row b moved only by its own input
            sens[T - 1 - t] += np.abs(d).mean() / I
    close(mem.sensitivity, sens, 1e-6)
