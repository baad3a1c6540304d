"""A small training loop for models built from the engine: minibatches, an optimiser, optional
clipping and a validation set, with the history of losses. Enough to reproduce the seeds'
forecaster in a few lines (examples/seed_forecaster.py); the forecasting and text packages have
loops of their own where they need more.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnnkit.nn.clip import clip_grad_norm_
from rnnkit.nn.losses import CrossEntropyLoss, MSELoss
from rnnkit.nn.module import Module
from rnnkit.nn.optim import Adam, Optimizer


@dataclass
class History:
    """Mean training loss per epoch and, with validation data, the validation loss."""

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)


def _criterion(loss):
    if loss == "mse":
        return MSELoss()
    if loss == "cross_entropy":
        return CrossEntropyLoss()
    if hasattr(loss, "backward"):
        return loss
    raise ValueError(f"loss: expected 'mse', 'cross_entropy' or a loss object, got {loss!r}")


def evaluate(model: Module, x, y, loss="mse", batch_size: int = 256) -> float:
    """Mean loss of ``model`` on ``(x, y)`` in eval mode (batch-size weighted)."""
    criterion = _criterion(loss)
    was_training = model.training
    model.eval()
    total, n = 0.0, len(x)
    for start in range(0, n, batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        total += criterion(model(xb), yb) * len(xb)
    model.train(was_training)
    return total / n


def fit(model: Module, x, y, *, loss="mse", optimizer: Optimizer | None = None, lr: float = 1e-3,
        epochs: int = 10, batch_size: int = 32, clip_norm: float | None = None,
        validation: tuple | None = None, seed: int | None = 0, verbose: bool = False) -> History:
    """Train ``model`` on samples ``x`` (first axis) and targets ``y``.

    Parameters
    ----------
    model : Module mapping a batch of ``x`` to predictions
    x, y : arrays with the samples along the first axis
    loss : "mse", "cross_entropy" or a loss object with ``__call__`` and ``backward``
    optimizer : an optimiser over ``model.parameters()``; Adam(lr) if None
    epochs, batch_size : int
    clip_norm : clip the global gradient norm to this value (None: no clipping)
    validation : optional ``(x_val, y_val)`` evaluated after each epoch
    seed : shuffling seed; the same seed gives the same run

    Returns
    -------
    History of per-epoch losses.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"y: expected {len(x)} targets (one per sample in x), got {len(y)}")
    criterion = _criterion(loss)
    optimizer = optimizer or Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    history = History()
    model.train()
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            model.zero_grad()
            value = criterion(model(x[idx]), y[idx])
            model.backward(criterion.backward())
            if clip_norm is not None:
                clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            total += value * len(idx)
        history.train_loss.append(total / len(x))
        if validation is not None:
            history.val_loss.append(evaluate(model, *validation, loss=criterion))
            model.train()
        if verbose:
            val = f" val {history.val_loss[-1]:.5f}" if validation is not None else ""
            print(f"epoch {epoch + 1}/{epochs} train {history.train_loss[-1]:.5f}{val}")
    return history
