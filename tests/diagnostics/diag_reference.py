"""The diagnostics recomputed with torch.autograd (float64): the lower layers with torch.nn.RNN/
LSTM/GRU, the top layer unrolled with torch.nn.RNNCell/LSTMCell/GRUCell so that every state h_t
is a tensor whose gradient torch keeps."""
from __future__ import annotations

import numpy as np

from rnnkit import nn
from torch_reference import torch


def _tensor(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def lower_and_cell(rnn: nn.RNNBase):
    """(torch layer for layers 0..L-2 or None, torch cell holding the top layer's weights)."""
    kind = type(rnn).__name__
    L, H = rnn.num_layers, rnn.hidden_size
    state = rnn.state_dict()
    lower = None
    if L > 1:
        kwargs = {"num_layers": L - 1, "bias": rnn.bias, "dtype": torch.float64}
        if kind == "RNN":
            kwargs["nonlinearity"] = rnn.nonlinearity
        lower = getattr(torch.nn, kind)(rnn.input_size, H, **kwargs)
        lower.load_state_dict({k: _tensor(v) for k, v in state.items() if not k.endswith(f"_l{L - 1}")})
    n_in = rnn.input_size if L == 1 else H
    kwargs = {"bias": rnn.bias, "dtype": torch.float64}
    if kind == "RNN":
        kwargs["nonlinearity"] = rnn.nonlinearity
    cell = getattr(torch.nn, kind + "Cell")(n_in, H, **kwargs)
    cell.load_state_dict({k[: -len(f"_l{L - 1}")]: _tensor(v) for k, v in state.items()
                          if k.endswith(f"_l{L - 1}")})
    return lower, cell


def unroll(rnn: nn.RNNBase, x):
    """Top layer states as a list of tensors h_1..h_T (and c_1..c_T for the LSTM), each (B, H);
    ``x`` (B, T, I) batch-first, a tensor."""
    lower, cell = lower_and_cell(rnn)
    seq = x if lower is None else lower(x.transpose(0, 1))[0].transpose(0, 1)
    B = x.shape[0]
    h = torch.zeros(B, rnn.hidden_size, dtype=torch.float64)
    c = torch.zeros_like(h)
    hs, cs = [], []
    for t in range(seq.shape[1]):
        if isinstance(rnn, nn.LSTM):
            h, c = cell(seq[:, t], (h, c))
            cs.append(c)
        else:
            h = cell(seq[:, t], h)
        hs.append(h)
    return hs, cs, seq, cell


def gradient_flow(rnn, head, x, dout):
    """mean_b ||dL/dh_t|| with L = sum(head(h_T) * dout)."""
    hs, _, _, _ = unroll(rnn, _tensor(x))
    for h in hs:
        h.retain_grad()
    y = hs[-1] @ _tensor(head.weight.data).T + _tensor(head.bias.data)
    (y * _tensor(dout)).sum().backward()
    return np.array([h.grad.norm(dim=1).mean().item() for h in hs])


def jacobian_norms(rnn, x):
    """(spectral, frobenius) of dh_T/dh_{T-k}, k = 0..T-1, batch means; c held fixed (LSTM)."""
    with torch.no_grad():
        hs, cs, seq, cell = unroll(rnn, _tensor(x))
    T, B = len(hs), x.shape[0]
    lstm = isinstance(rnn, nn.LSTM)
    spec, frob = np.zeros(T), np.zeros(T)
    for k in range(T):  # lag k: from the state after step T-k (index T-k-1)
        start = T - k - 1
        for b in range(B):
            def run(h, b=b, start=start):
                c = cs[start][b] if lstm else None
                for t in range(start + 1, T):
                    if lstm:
                        h, c = cell(seq[b, t], (h, c))
                    else:
                        h = cell(seq[b, t], h)
                return h

            J = torch.autograd.functional.jacobian(run, hs[start][b].clone())
            spec[k] += torch.linalg.matrix_norm(J, 2).item() / B
            frob[k] += torch.linalg.matrix_norm(J, "fro").item() / B
    return spec, frob


def memory(rnn, head, x):
    """mean over rows, outputs and features of |dy_T/dx_{T-k}|, by lag k."""
    xt = _tensor(x).requires_grad_(True)
    hs, _, _, _ = unroll(rnn, xt)
    y = hs[-1] @ _tensor(head.weight.data).T + _tensor(head.bias.data)
    total = np.zeros(x.shape[1])
    for o in range(y.shape[1]):
        (g,) = torch.autograd.grad(y[:, o].sum(), xt, retain_graph=True)
        total += g.abs().mean(dim=(0, 2)).numpy()
    return (total / y.shape[1])[::-1]
