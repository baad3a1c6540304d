"""Finding the recurrent layer inside a model and running the parts around it.

A diagnosable model is a recurrent layer (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``) or an
``nn.Sequential`` holding exactly one of them among its children, e.g. the forecaster network
``Sequential(GRU(..., batch_first=True), LastStep(batch_first=True), Linear(H, k))``. The
modules before the layer map the model's input to the layer's input; those after it map the
layer's output to the model's output. Diagnostics run in eval mode (no dropout) and leave the
model as they found it: training flags and accumulated ``p.grad`` are restored.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike

from rnnkit import nn
from rnnkit.nn import _checks

_X = TypeVar("_X", bound=ArrayLike)


@dataclass
class Parts:
    """A model cut around its recurrent layer."""

    before: list
    rnn: nn.RNNBase
    after: list


def split(model: nn.RNNBase | nn.Sequential, *, unidirectional: bool = True) -> Parts:
    """Cut ``model`` into (modules before, the recurrent layer, modules after)."""
    if isinstance(model, nn.RNNBase):
        parts = Parts([], model, [])
    elif isinstance(model, nn.Sequential):
        children = list(model._modules.values())
        found = [i for i, m in enumerate(children) if isinstance(m, nn.RNNBase)]
        if len(found) != 1:
            raise ValueError(f"model: expected an nn.Sequential holding exactly one recurrent layer "
                             f"(RNN, LSTM or GRU), got {len(found)}")
        i = found[0]
        parts = Parts(children[:i], children[i], children[i + 1:])
    else:
        raise TypeError(f"model: expected nn.RNN, nn.LSTM, nn.GRU or an nn.Sequential holding one, "
                        f"got {type(model).__name__}")
    if unidirectional and parts.rnn.bidirectional:
        raise ValueError("model: expected a unidirectional recurrent layer (bidirectional=False); "
                         "the gradient through time of a bidirectional layer runs both ways, "
                         "got bidirectional=True")
    return parts


def run(modules: Iterable[nn.Module], x: _X) -> _X | np.ndarray:
    """Forward through ``modules`` in order, passing on only the output of recurrent layers."""
    for m in modules:
        x = m(x)
        if isinstance(x, tuple):
            x = x[0]
    return x


def run_backward(modules: Sequence[nn.Module], d: np.ndarray) -> np.ndarray:
    """Backward through ``modules`` in reverse order (after :func:`run`)."""
    for m in reversed(modules):
        d = m.backward(d)
        if isinstance(d, tuple):
            d = d[0]
    return d


def check_input(rnn: nn.RNNBase, x: ArrayLike) -> np.ndarray:
    """The layer's input as a batched 3-D array of its dtype."""
    x = _checks.as_float_array("x", x, rnn.dtype)
    if x.ndim != 3:
        layout = "(batch, steps, features)" if rnn.batch_first else "(steps, batch, features)"
        raise ValueError(f"x: expected a batched 3-D array {layout}, got shape {x.shape}")
    return x


def time_major(rnn: nn.RNNBase, seq: np.ndarray) -> np.ndarray:
    """(T, B, F) view of a sequence laid out as the layer expects."""
    return np.ascontiguousarray(seq.transpose(1, 0, 2) if rnn.batch_first else seq)


def layer_copy(rnn: nn.RNNBase, layer: int) -> nn.RNNBase:
    """A one-layer, time-major copy of layer ``layer`` of ``rnn`` (same weights, eval mode)."""
    n_in = rnn.input_size if layer == 0 else rnn.hidden_size
    kwargs = {"num_layers": 1, "bias": rnn.bias, "dtype": rnn.dtype}
    if isinstance(rnn, nn.RNN):
        kwargs["nonlinearity"] = rnn.nonlinearity
    single = type(rnn)(n_in, rnn.hidden_size, **kwargs)
    single.load_state_dict({name.replace(f"_l{layer}", "_l0"): getattr(rnn, name).data
                            for name in rnn._parameters if name.endswith(f"_l{layer}")})
    return single.eval()


def top_layer_input(rnn: nn.RNNBase, x_rnn: np.ndarray) -> np.ndarray:
    """The input (T, B, F) of the top layer: ``x_rnn`` run through the layers below it."""
    seq = time_major(rnn, x_rnn)
    for layer in range(rnn.num_layers - 1):
        seq, _ = layer_copy(rnn, layer)(seq)
    return seq


def top_weights(rnn: nn.RNNBase) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(W_ih, W_hh, b_ih, b_hh) of the top layer; biases None without bias."""
    return rnn._weights(rnn.num_layers - 1, f"_l{rnn.num_layers - 1}")


@contextmanager
def untouched(model: nn.Module) -> Iterator[None]:
    """Run diagnostics in eval mode, then restore training flags and accumulated gradients."""
    flags = [(m, m.training) for m in model.modules()]
    grads = [(p, p.grad.copy()) for p in model.parameters()]
    model.eval()
    try:
        yield
    finally:
        for m, flag in flags:
            object.__setattr__(m, "training", flag)
        for p, g in grads:
            p.grad[...] = g
