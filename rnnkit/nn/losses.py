"""Losses with their gradients: mean squared error and cross-entropy from logits.

Each loss is a small object, as in torch (``loss = criterion(input, target)``), whose
``backward(grad=1.0)`` returns the gradient with respect to ``input``. The functional forms
``mse_loss`` and ``cross_entropy`` return the value only.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction: expected one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


class MSELoss:
    """``mean((input - target)^2)`` (or sum, or elementwise with ``reduction="none"``)."""

    def __init__(self, reduction: str = "mean"):
        self.reduction = _check_reduction(reduction)
        self._diff = None

    def __call__(self, input, target):
        input, target = np.asarray(input), np.asarray(target)
        if input.shape != target.shape:
            raise ValueError(f"target: expected shape {input.shape} (as input), got {target.shape}")
        self._diff = input - target.astype(input.dtype, copy=False)
        sq = self._diff * self._diff
        if self.reduction == "none":
            return sq
        return float(sq.sum() if self.reduction == "sum" else sq.mean())

    def backward(self, grad: ArrayLike = 1.0) -> np.ndarray:
        if self._diff is None:
            raise RuntimeError("backward() called before the loss was computed")
        g = 2.0 * self._diff * np.asarray(grad, dtype=self._diff.dtype)
        return g / self._diff.size if self.reduction == "mean" else g


class CrossEntropyLoss:
    """Cross-entropy of integer targets under softmax(logits), as ``torch.nn.CrossEntropyLoss``.

    ``input`` is (N, C) logits (or (C,) for one sample), ``target`` (N,) class ids. Targets
    equal to ``ignore_index`` (padded steps) contribute nothing, and the mean is over the
    others. Computed with the log-sum-exp shift, so large logits do not overflow.
    """

    def __init__(self, ignore_index: int = -100, reduction: str = "mean"):
        self.ignore_index = int(ignore_index)
        self.reduction = _check_reduction(reduction)
        self._cache = None

    def __call__(self, input, target):
        logits = np.asarray(input)
        target = np.asarray(target)
        single = logits.ndim == 1
        if single:
            logits, target = logits[None, :], target.reshape(1)
        if logits.ndim != 2:
            raise ValueError(f"input: expected (N, C) logits, got shape {logits.shape}")
        if target.dtype.kind not in "iu":
            raise ValueError(f"target: expected integer class ids, got dtype {target.dtype}")
        if target.shape != logits.shape[:1]:
            raise ValueError(f"target: expected shape {logits.shape[:1]}, got {target.shape}")
        used = target != self.ignore_index
        ids = np.where(used, target, 0)
        C = logits.shape[1]
        if used.any() and (ids[used].min() < 0 or ids[used].max() >= C):
            raise ValueError(f"target: expected class ids in [0, {C - 1}] or ignore_index, "
                             f"got min {ids[used].min()} and max {ids[used].max()}")
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_probs = shifted - log_z
        losses = -log_probs[np.arange(len(ids)), ids] * used
        self._cache = (log_probs, ids, used, single)
        if self.reduction == "none":
            return losses
        total = float(losses.sum())
        if self.reduction == "sum":
            return total
        n_used = int(used.sum())
        return total / n_used if n_used else float("nan")  # torch also gives nan here

    def backward(self, grad: ArrayLike = 1.0) -> np.ndarray:
        """d loss / d logits = softmax(logits) - onehot(target), on the used rows."""
        if self._cache is None:
            raise RuntimeError("backward() called before the loss was computed")
        log_probs, ids, used, single = self._cache
        g = np.exp(log_probs)
        g[np.arange(len(ids)), ids] -= 1.0
        g *= used[:, None]
        grad = np.asarray(grad, dtype=g.dtype)
        if self.reduction == "none":
            g *= grad.reshape(-1, 1)
        else:
            if self.reduction == "mean":
                g /= max(int(used.sum()), 1)
            g *= grad
        return g[0] if single else g


def mse_loss(input: ArrayLike, target: ArrayLike, reduction: str = "mean") -> float | np.ndarray:
    """Mean squared error; see :class:`MSELoss`."""
    return MSELoss(reduction)(input, target)


def cross_entropy(input: ArrayLike, target: ArrayLike, ignore_index: int = -100,
                  reduction: str = "mean") -> float | np.ndarray:
    """Cross-entropy from logits; see :class:`CrossEntropyLoss`."""
    return CrossEntropyLoss(ignore_index, reduction)(input, target)
