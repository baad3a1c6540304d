"""Feed-forward layers with torch.nn's names and initialisation: Linear, Embedding, Dropout."""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from rnnkit.nn import _checks
from rnnkit.nn.module import Module, Parameter


class Linear(Module):
    """``y = x W^T + b`` over the last axis, as ``torch.nn.Linear``.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default True
    dtype : float32 (default) or float64
    seed : int or None
        Weights and bias ~ U(-1/sqrt(in_features), 1/sqrt(in_features)), torch's default.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: DTypeLike = np.float32,
                 seed: int | np.random.SeedSequence | None = None):
        super().__init__()
        self.in_features = _checks.check_positive_int("in_features", in_features)
        self.out_features = _checks.check_positive_int("out_features", out_features)
        self.dtype = _checks.resolve_dtype(dtype)
        rng = np.random.default_rng(seed)
        bound = 1.0 / math.sqrt(self.in_features)
        self.weight = Parameter(rng.uniform(-bound, bound, (out_features, in_features)).astype(self.dtype))
        self.bias = Parameter(rng.uniform(-bound, bound, out_features).astype(self.dtype)) if bias else None
        self._x = None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

    def forward(self, x: ArrayLike) -> np.ndarray:
        x = _checks.as_float_array("input", x, self.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"input: expected {self.in_features} features in the last axis, got shape {x.shape}")
        self._x = x
        y = x @ self.weight.data.T
        if self.bias is not None:
            y += self.bias.data
        return y

    def backward(self, dy: ArrayLike) -> np.ndarray:
        """Accumulate dW = sum dy^T x and db = sum dy; return dx = dy W."""
        x = self._x
        if x is None:
            raise RuntimeError("backward() called before forward()")
        dy = _checks.as_float_array("dy", dy, self.dtype)
        _checks.check_shape("dy", dy, x.shape[:-1] + (self.out_features,))
        flat_dy = dy.reshape(-1, self.out_features)
        self.weight.grad += flat_dy.T @ x.reshape(-1, self.in_features)
        if self.bias is not None:
            self.bias.grad += flat_dy.sum(axis=0)
        return dy @ self.weight.data


class Embedding(Module):
    """Lookup table from integer ids to vectors, as ``torch.nn.Embedding`` (weights ~ N(0, 1))."""

    def __init__(self, num_embeddings: int, embedding_dim: int, dtype: DTypeLike = np.float32,
                 seed: int | np.random.SeedSequence | None = None):
        super().__init__()
        self.num_embeddings = _checks.check_positive_int("num_embeddings", num_embeddings)
        self.embedding_dim = _checks.check_positive_int("embedding_dim", embedding_dim)
        self.dtype = _checks.resolve_dtype(dtype)
        rng = np.random.default_rng(seed)
        self.weight = Parameter(rng.standard_normal((num_embeddings, embedding_dim)).astype(self.dtype))
        self._ids = None

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"

    def forward(self, ids: ArrayLike) -> np.ndarray:
        ids = np.asarray(ids)
        if ids.dtype.kind not in "iu":
            raise ValueError(f"ids: expected an integer array, got dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_embeddings):
            raise ValueError(
                f"ids: expected values in [0, {self.num_embeddings - 1}], got min {ids.min()} and max {ids.max()}")
        self._ids = ids
        return self.weight.data[ids]

    def backward(self, dy: ArrayLike) -> None:
        """Scatter-add the rows of ``dy`` into the used rows of the table; ids get no gradient."""
        if self._ids is None:
            raise RuntimeError("backward() called before forward()")
        dy = _checks.as_float_array("dy", dy, self.dtype)
        _checks.check_shape("dy", dy, self._ids.shape + (self.embedding_dim,))
        np.add.at(self.weight.grad, self._ids.reshape(-1), dy.reshape(-1, self.embedding_dim))
        return None


class Dropout(Module):
    """Zero each element with probability ``p`` in training and scale the rest by 1/(1-p);
    the identity in eval mode, as ``torch.nn.Dropout``. ``seed`` fixes the masks."""

    def __init__(self, p: float = 0.5, seed: int | np.random.SeedSequence | None = None):
        super().__init__()
        self.p = _checks.check_probability("p", p)
        self._rng = np.random.default_rng(seed)
        self._mask = None

    def extra_repr(self) -> str:
        return f"p={self.p}"

    def forward(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x)
        if not self.training or self.p == 0.0:
            self._mask = None
            return x
        keep = 1.0 - self.p
        self._mask = (self._rng.random(x.shape) < keep).astype(x.dtype) / keep
        return x * self._mask

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy if self._mask is None else dy * self._mask
