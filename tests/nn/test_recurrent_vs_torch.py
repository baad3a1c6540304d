"""Forward outputs, final states and every gradient equal torch.nn in float64, over the whole
grid of options (cell x nonlinearity x layers x directions x batch_first x bias x lengths)."""
import itertools

import numpy as np
import pytest

from rnnkit import nn
from torch_reference import relative_error, torch, torch_run, torch_twin

CELLS = [("RNN", "tanh"), ("RNN", "relu"), ("LSTM", None), ("GRU", None)]
GRID = [(cell, nl, *rest) for (cell, nl), *rest in itertools.product(
    CELLS, [1, 2], [False, True], [False, True], [True, False], [False, True])]
TOL = 1e-8
T, B, I, H = 6, 4, 3, 5


def make(cell, nonlinearity, **kwargs):
    if nonlinearity is not None:
        kwargs["nonlinearity"] = nonlinearity
    return getattr(nn, cell)(I, H, dtype=np.float64, seed=7, **kwargs)


def compare(module, x, hx, lengths, rng):
    """Run both, backpropagate the same random cotangents, return every relative error."""
    twin = torch_twin(module)
    lstm = isinstance(module, nn.LSTM)
    out, h_n = module(x, hx, lengths=lengths)
    xt = torch.tensor(x, requires_grad=True)
    hxt = None if hx is None else (
        tuple(torch.tensor(h, requires_grad=True) for h in hx) if lstm else torch.tensor(hx, requires_grad=True))
    out_t, h_n_t = torch_run(twin, xt, hxt, lengths)
    finals, finals_t = (h_n, h_n_t) if lstm else ((h_n,), (h_n_t,))
    dout = rng.standard_normal(out.shape)
    dfinals = tuple(rng.standard_normal(f.shape) for f in finals)
    objective = (out_t * torch.from_numpy(dout)).sum() + sum(
        (f * torch.from_numpy(d)).sum() for f, d in zip(finals_t, dfinals))
    objective.backward()
    dx, dh0 = module.backward(dout, dfinals if lstm else dfinals[0])
    errors = {"output": relative_error(out, out_t), "dx": relative_error(dx, xt.grad)}
    for k, (f, ft) in enumerate(zip(finals, finals_t)):
        errors[f"final[{k}]"] = relative_error(f, ft)
    if hx is not None:
        for k, (d, ht) in enumerate(zip(dh0 if lstm else (dh0,), hxt if lstm else (hxt,))):
            errors[f"dhx[{k}]"] = relative_error(d, ht.grad)
    theirs = dict(twin.named_parameters())
    for name, p in module.named_parameters():
        errors[name] = relative_error(p.grad, theirs[name].grad)
    return errors


@pytest.mark.parametrize("cell,nonlinearity,layers,bidirectional,batch_first,bias,variable", GRID,
                         ids=lambda v: str(v))
def test_matches_torch(cell, nonlinearity, layers, bidirectional, batch_first, bias, variable):
    rng = np.random.default_rng(0)
    module = make(cell, nonlinearity, num_layers=layers, bidirectional=bidirectional,
                  batch_first=batch_first, bias=bias)
    x = rng.standard_normal((B, T, I) if batch_first else (T, B, I))
    shape = (layers * (2 if bidirectional else 1), B, H)
    hx = rng.standard_normal(shape)
    if cell == "LSTM":
        hx = (hx, rng.standard_normal(shape))
    lengths = [T, 2, 5, 1] if variable else None
    errors = compare(module, x, hx, lengths, rng)
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_unbatched_and_default_state_match_torch(cell, nonlinearity, bidirectional):
    rng = np.random.default_rng(1)
    module = make(cell, nonlinearity, num_layers=2, bidirectional=bidirectional)
    x = rng.standard_normal((T, I))
    errors = compare(module, x, None, None, rng)
    assert max(errors.values()) <= TOL, errors
    out, _ = module(x)
    assert out.shape == (T, H * (2 if bidirectional else 1))


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_eval_mode_dropout_is_identity_like_torch(cell, nonlinearity):
    rng = np.random.default_rng(2)
    module = make(cell, nonlinearity, num_layers=3, dropout=0.5).eval()
    errors = compare(module, rng.standard_normal((T, B, I)), None, [3, 6, 1, 4], rng)
    assert max(errors.values()) <= TOL, errors


def test_state_dict_loads_into_torch_and_back():
    module = nn.LSTM(I, H, num_layers=2, bidirectional=True, seed=3)
    twin = torch_twin(module)
    back = nn.LSTM(I, H, num_layers=2, bidirectional=True, seed=99)
    back.load_state_dict({k: v.detach().numpy() for k, v in twin.state_dict().items()})
    for (name, a), (_, b) in zip(module.named_parameters(), back.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)
    assert list(module.state_dict()) == list(twin.state_dict())


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
@pytest.mark.parametrize("variable", [False, True])
@pytest.mark.parametrize("block_floats", [1, 250])
def test_backward_in_blocks_of_steps_matches_torch(cell, nonlinearity, variable, block_floats, monkeypatch):
    """The kernels' backward runs in blocks of steps sized for the cache; at this test's sizes one
    block holds the whole sequence, so force blocks of 1 step and of 3-4 steps (the last one
    partial for the GRU: 4 + 2 of T = 6)."""
    from rnnkit.nn.cells import common

    monkeypatch.setattr(common, "BLOCK_FLOATS", block_floats)
    rng = np.random.default_rng(1)
    module = make(cell, nonlinearity, num_layers=2, bidirectional=True)
    x = rng.standard_normal((T, B, I))
    lengths = [T, 2, 5, 1] if variable else None
    errors = compare(module, x, None, lengths, rng)
    assert max(errors.values()) <= TOL, errors
