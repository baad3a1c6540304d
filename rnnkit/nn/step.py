"""One optimiser step of an engine model: forward, loss, backward, clipping, update.

Shared by every loop that trains on the engine (``rnnkit.training.fit`` and the NumPy backend's
trainer), so the order of those five things is written once.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from rnnkit.nn.clip import clip_grad_norm_
from rnnkit.nn.losses import CrossEntropyLoss
from rnnkit.nn.module import Module
from rnnkit.nn.optim import Optimizer

STATELESS = object()  # the model is called as model(x), not model(x, state)


def optimiser_step(model: Module, criterion: Any, optimizer: Optimizer, x: np.ndarray, y: np.ndarray,
                   state: Any = STATELESS, clip_norm: float | None = None) -> tuple[float, Any]:
    """Train ``model`` one step on ``(x, y)``; returns ``(loss, state)``.

    ``criterion`` is a loss object (``__call__(out, y)`` and ``backward()``). A cross-entropy's
    logits (..., V) are scored against integer targets (...) of any leading shape. With
    ``state`` given the model is stateful, ``model(x, state) -> (out, state)``, and the new state
    is returned; otherwise ``state`` comes back as :data:`STATELESS`.
    """
    model.train()
    model.zero_grad()
    if state is STATELESS:
        out = model(x)
    else:
        out, state = model(x, state)
    if isinstance(criterion, CrossEntropyLoss):
        value = criterion(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        model.backward(criterion.backward().reshape(out.shape))
    else:
        value = criterion(out, y)
        model.backward(criterion.backward())
    if clip_norm is not None:
        clip_grad_norm_(model.parameters(), clip_norm)
    optimizer.step()
    return value, state
