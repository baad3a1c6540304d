"""Multi-layer, optionally bidirectional recurrent layers with torch.nn's interface.

:class:`RNN`, :class:`LSTM` and :class:`GRU` share everything but the cell kernel
(``cells/rnn.py``, ``cells/lstm.py``, ``cells/gru.py``). This file handles layouts
(batch_first, unbatched input), stacking layers, the reverse direction, dropout between layers,
variable lengths and the parameter bookkeeping; the kernels do the maths, time-major.

A reverse direction is the same kernel run on the time-reversed sequence. With ``lengths``,
each row's padded steps come first in reversed time; the kernel carries the initial state
through them, so the reverse pass of a row starts at its last valid step, as in torch's packed
sequences.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from rnnkit.nn import _checks
from rnnkit.nn._denormals import flush_denormals
from rnnkit.nn._threads import blas_threads_for
from rnnkit.nn.cells import gru, lstm, rnn
from rnnkit.nn.module import Module, Parameter

#: A layer's final (or initial) state: h, or the pair (h, c) for the LSTM.
States = np.ndarray | tuple[np.ndarray, np.ndarray]


def _layer_suffixes(layer: int, bidirectional: bool) -> list[str]:
    """torch's name endings for layer ``layer``'s parameters, one per direction."""
    return [f"_l{layer}", f"_l{layer}_reverse"][: 2 if bidirectional else 1]


class RNNBase(Module):
    """Shared machinery; use :class:`RNN`, :class:`LSTM` or :class:`GRU`."""

    gates = 1  # rows of W_ih per hidden unit: 1 (RNN), 4 (LSTM), 3 (GRU)
    n_states = 1  # h only, or (h, c) for the LSTM

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: DTypeLike = np.float32, seed: int | np.random.SeedSequence | None = None):
        super().__init__()
        self.input_size = _checks.check_positive_int("input_size", input_size)
        self.hidden_size = _checks.check_positive_int("hidden_size", hidden_size)
        self.num_layers = _checks.check_positive_int("num_layers", num_layers)
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.dropout = _checks.check_probability("dropout", dropout)
        self.bidirectional = bool(bidirectional)
        self.dtype = _checks.resolve_dtype(dtype)
        self.seed = seed
        rng = np.random.default_rng(seed)
        # torch: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))
        bound = 1.0 / math.sqrt(self.hidden_size)
        shapes = self.parameter_shapes(self.input_size, self.hidden_size, self.num_layers, self.bias,
                                       self.bidirectional)
        for name, shape in shapes.items():
            setattr(self, name, Parameter(rng.uniform(-bound, bound, size=shape).astype(self.dtype)))
        self._dropout_rng = np.random.default_rng(rng.integers(2**63))
        self._cache = None

    @classmethod
    def parameter_shapes(cls, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                         bidirectional: bool = False) -> dict[str, tuple[int, ...]]:
        """Every parameter's name and shape, in torch's order, computed without allocating:
        what a file loader compares a file's tensors with before it builds the layer."""
        H, G = hidden_size, cls.gates
        shapes: dict[str, tuple[int, ...]] = {}
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else H * (2 if bidirectional else 1)
            for suffix in _layer_suffixes(layer, bidirectional):
                shapes |= {"weight_ih" + suffix: (G * H, n_in), "weight_hh" + suffix: (G * H, H)}
                if bias:
                    shapes |= {"bias_ih" + suffix: (G * H,), "bias_hh" + suffix: (G * H,)}
        return shapes

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _suffixes(self, layer: int) -> list[str]:
        return _layer_suffixes(layer, self.bidirectional)

    def _weights(self, layer: int, suffix: str):
        def get(name):
            return getattr(self, name + suffix).data if self.bias or "weight" in name else None
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        for name, default in (("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s + ("" if self.dtype == np.float32 else f", dtype={self.dtype}")

    # --- the kernel, per subclass -------------------------------------------------------------
    def _cell_forward(self, x, states0, weights, valid):
        """Returns (hs (T+1, B, H), final states tuple, cache)."""
        raise NotImplementedError

    def _cell_backward(self, dout, dfinal, cache):
        """Returns (dx, initial-state gradients tuple, (dw_ih, dw_hh, db_ih, db_hh))."""
        raise NotImplementedError

    # --- argument handling ----------------------------------------------------------------------
    def _time_major(self, x) -> tuple[np.ndarray, bool]:
        x = _checks.as_float_array("input", x, self.dtype)
        if x.ndim not in (2, 3):
            raise ValueError(f"input: expected a 2-D (seq, features) or 3-D array, got shape {x.shape}")
        batched = x.ndim == 3
        if not batched:
            x = x[:, None, :]
        elif self.batch_first:
            x = x.transpose(1, 0, 2)
        if x.shape[2] != self.input_size:
            raise ValueError(f"input: expected {self.input_size} features in the last axis, got {x.shape[2]}")
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise ValueError(f"input: expected at least one step and one sequence, got shape {x.shape}")
        return np.ascontiguousarray(x), batched

    def _state_shape(self, batch: int, batched: bool) -> tuple[int, ...]:
        n = self.num_layers * self.num_directions
        return (n, batch, self.hidden_size) if batched else (n, self.hidden_size)

    def _initial_states(self, hx, batch: int, batched: bool) -> list[np.ndarray]:
        """Initial states as arrays (L*D, B, H), one per state kind (h, or h and c)."""
        shape = self._state_shape(batch, batched)
        if hx is None:
            return [np.zeros(self._state_shape(batch, True), self.dtype) for _ in range(self.n_states)]
        parts = (hx,) if self.n_states == 1 else hx
        if self.n_states == 2 and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise ValueError(f"hx: expected a pair (h0, c0), got {type(hx).__name__}")
        names = ("h0", "c0")
        out = []
        for name, part in zip(names, parts):
            arr = _checks.as_float_array(name, part, self.dtype)
            _checks.check_shape(name, arr, shape)
            out.append(np.ascontiguousarray(arr if batched else arr[:, None, :]))
        return out

    def _valid_mask(self, lengths, T: int, B: int, batched: bool):
        """Bool (T, B, 1) mask of steps inside each row's length, or None if all are full."""
        if lengths is None:
            return None
        arr = np.asarray(lengths)
        if arr.dtype.kind not in "iu":
            if arr.dtype.kind == "f" and np.all(arr == np.round(arr)):
                arr = arr.astype(np.int64)
            else:
                raise ValueError(f"lengths: expected integers, got dtype {arr.dtype}")
        arr = arr.reshape(-1) if not batched else arr
        if arr.shape != (B,):
            raise ValueError(f"lengths: expected shape ({B},), one length per sequence, got {arr.shape}")
        if arr.min() < 1 or arr.max() > T:
            raise ValueError(f"lengths: expected values in [1, {T}], got min {arr.min()} and max {arr.max()}")
        if np.all(arr == T):
            return None
        return (np.arange(T)[:, None] < arr[None, :])[:, :, None]

    # --- forward --------------------------------------------------------------------------------
    def forward(self, x: ArrayLike, hx: ArrayLike | tuple[ArrayLike, ArrayLike] | None = None,
                lengths: ArrayLike | None = None) -> tuple[np.ndarray, States]:
        """Run the layers over a sequence.

        Parameters
        ----------
        x : array, (T, B, input_size), (B, T, input_size) if ``batch_first``, or (T, input_size)
        hx : array (num_layers * num_directions, B, hidden_size), for the LSTM a pair (h0, c0);
            zeros if None. Unbatched input takes (num_layers * num_directions, hidden_size).
        lengths : ints, one per sequence, optional. Steps past a row's length are padding:
            their outputs are zero and the final state is the one at the row's last valid step.

        Returns
        -------
        output : array shaped like ``x`` with ``num_directions * hidden_size`` features,
            the top layer's states.
        h_n : array shaped like ``hx`` (LSTM: the pair ``(h_n, c_n)``).
        """
        xt, batched = self._time_major(x)
        T, B, _ = xt.shape
        valid = self._valid_mask(lengths, T, B, batched)
        states0 = self._initial_states(hx, B, batched)
        D = self.num_directions
        finals = [np.empty_like(s) for s in states0]
        caches, dropout_masks = [], []
        layer_in = xt
        with flush_denormals(), blas_threads_for(self._step_macs(B)):
            for layer in range(self.num_layers):
                mask = None
                if layer > 0 and self.training and self.dropout > 0:
                    keep = 1.0 - self.dropout
                    mask = (self._dropout_rng.random(layer_in.shape) < keep).astype(self.dtype) / keep
                    layer_in = layer_in * mask
                dropout_masks.append(mask)
                outs = []
                for d, suffix in enumerate(self._suffixes(layer)):
                    k = layer * D + d
                    seq = layer_in if d == 0 else np.ascontiguousarray(layer_in[::-1])
                    vmask = valid if (d == 0 or valid is None) else valid[::-1]
                    hs, last, cache = self._cell_forward(
                        seq, tuple(s[k] for s in states0), self._weights(layer, suffix), vmask)
                    for f, value in zip(finals, last):
                        f[k] = value
                    caches.append(cache)
                    outs.append(hs[1:] if d == 0 else hs[:0:-1])
                out = outs[0] if D == 1 else np.concatenate(outs, axis=-1)
                if valid is not None:
                    out = out * valid
                layer_in = out
        self._cache = (caches, dropout_masks, valid, batched, T, B)
        output = layer_in
        if not batched:
            output, finals = output[:, 0], [f[:, 0] for f in finals]
        elif self.batch_first:
            output = np.ascontiguousarray(output.transpose(1, 0, 2))
        else:
            output = np.ascontiguousarray(output)
        return output, (finals[0] if self.n_states == 1 else tuple(finals))

    # --- backward -------------------------------------------------------------------------------
    def backward(self, dout: ArrayLike | None = None,
                 dh_n: ArrayLike | tuple[ArrayLike | None, ArrayLike | None] | None = None
                 ) -> tuple[np.ndarray, States]:
        """Backpropagation through time for the last :meth:`forward`.

        Parameters
        ----------
        dout : array shaped like ``output``, or None (no loss on the outputs).
        dh_n : array shaped like ``h_n`` (LSTM: pair), or None (no loss on the final state).

        Returns
        -------
        dx : gradient with respect to ``x``, shaped like ``x``.
        dh0 : gradient with respect to ``hx`` (LSTM: the pair ``(dh0, dc0)``).

        Parameter gradients are added to ``p.grad`` for every parameter.
        """
        if self._cache is None:
            raise RuntimeError("backward() called before forward()")
        caches, dropout_masks, valid, batched, T, B = self._cache
        H, D = self.hidden_size, self.num_directions
        out_shape = (T, B, D * H)
        if dout is None:
            d_layer = np.zeros(out_shape, self.dtype)
        else:
            d = _checks.as_float_array("dout", dout, self.dtype)
            if not batched:
                _checks.check_shape("dout", d, (T, D * H))
                d = d[:, None, :]
            elif self.batch_first:
                _checks.check_shape("dout", d, (B, T, D * H))
                d = d.transpose(1, 0, 2)
            else:
                _checks.check_shape("dout", d, out_shape)
            d_layer = np.array(d, dtype=self.dtype, order="C")
        dfinals = self._final_state_grads(dh_n, B, batched)
        dstate0 = [np.empty_like(s) for s in dfinals]
        with flush_denormals(), blas_threads_for(self._step_macs(B)):
            for layer in range(self.num_layers - 1, -1, -1):
                if valid is not None:
                    d_layer *= valid  # padded outputs were zeroed: no gradient flows from them
                d_in = None
                for d, suffix in enumerate(self._suffixes(layer)):
                    k = layer * D + d
                    dseq = d_layer[..., d * H:(d + 1) * H]
                    dseq = np.ascontiguousarray(dseq if d == 0 else dseq[::-1])
                    dx, d0, grads = self._cell_backward(dseq, tuple(s[k] for s in dfinals), caches[k])
                    for target, value in zip(dstate0, d0):
                        target[k] = value
                    for name, g in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), grads):
                        if g is not None:
                            getattr(self, name + suffix).grad += g
                    dx = dx if d == 0 else dx[::-1]
                    d_in = dx if d_in is None else d_in + dx
                if dropout_masks[layer] is not None:
                    d_in = d_in * dropout_masks[layer]
                d_layer = d_in
        dx = d_layer
        if not batched:
            dx, dstate0 = dx[:, 0], [s[:, 0] for s in dstate0]
        elif self.batch_first:
            dx = dx.transpose(1, 0, 2)
        dx = np.ascontiguousarray(dx)
        return dx, (dstate0[0] if self.n_states == 1 else tuple(dstate0))

    def _step_macs(self, batch: int) -> int:
        """Multiply-adds of one recurrent GEMM: decides the BLAS thread count."""
        return batch * self.gates * self.hidden_size * self.hidden_size

    def _final_state_grads(self, dh_n, B: int, batched: bool) -> list[np.ndarray]:
        shape = self._state_shape(B, batched)
        if dh_n is None:
            return [np.zeros(self._state_shape(B, True), self.dtype) for _ in range(self.n_states)]
        parts = (dh_n,) if self.n_states == 1 else dh_n
        if self.n_states == 2 and (not isinstance(dh_n, (tuple, list)) or len(dh_n) != 2):
            raise ValueError(f"dh_n: expected a pair (dh_n, dc_n), got {type(dh_n).__name__}")
        out = []
        for name, part in zip(("dh_n", "dc_n"), parts):
            if part is None:
                out.append(np.zeros(self._state_shape(B, True), self.dtype))
                continue
            arr = _checks.as_float_array(name, part, self.dtype)
            _checks.check_shape(name, arr, shape)
            out.append(np.array(arr if batched else arr[:, None, :], dtype=self.dtype, order="C"))
        return out


class RNN(RNNBase):
    """Elman RNN, ``h_t = phi(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, as ``torch.nn.RNN``.

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers : int, default 1
    nonlinearity : {"tanh", "relu"}, default "tanh"
    bias : bool, default True
    batch_first : bool, default False
    dropout : float, default 0.0, applied to the outputs of every layer but the last in training
    bidirectional : bool, default False
    dtype : float32 (default) or float64
    seed : int or None, for the initial weights and dropout masks
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: DTypeLike = np.float32,
                 seed: int | np.random.SeedSequence | None = None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity: expected 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype, seed)
        self.nonlinearity = nonlinearity

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s if self.nonlinearity == "tanh" else s + ", nonlinearity='relu'"

    def _cell_forward(self, x, states0, weights, valid):
        hs, cache = rnn.forward(x, states0[0], *weights, valid=valid, relu=self.nonlinearity == "relu")
        return hs, (hs[-1],), cache

    def _cell_backward(self, dout, dfinal, cache):
        dx, dh0, grads = rnn.backward(dout, dfinal[0], cache)
        return dx, (dh0,), grads


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o, as ``torch.nn.LSTM`` (without ``proj_size``).

    ``forward(x, (h0, c0), lengths)`` returns ``output, (h_n, c_n)``;
    ``backward(dout, (dh_n, dc_n))`` returns ``dx, (dh0, dc0)``. Other arguments as :class:`RNN`.
    """

    gates = 4
    n_states = 2

    def _cell_forward(self, x, states0, weights, valid):
        hs, c_n, cache = lstm.forward(x, states0[0], states0[1], *weights, valid=valid)
        return hs, (hs[-1], c_n), cache

    def _cell_backward(self, dout, dfinal, cache):
        dx, dh0, dc0, grads = lstm.backward(dout, dfinal[0], dfinal[1], cache)
        return dx, (dh0, dc0), grads


class GRU(RNNBase):
    """Gated recurrent unit, gates r, z, n, as ``torch.nn.GRU``:
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.
    Arguments as :class:`RNN` (without ``nonlinearity``)."""

    gates = 3

    def _cell_forward(self, x, states0, weights, valid):
        hs, cache = gru.forward(x, states0[0], *weights, valid=valid)
        return hs, (hs[-1],), cache

    def _cell_backward(self, dout, dfinal, cache):
        dx, dh0, grads = gru.backward(dout, dfinal[0], cache)
        return dx, (dh0,), grads
