"""Stacking modules into a model: :class:`Sequential` and :class:`LastStep`.

``Sequential(LSTM(1, 50, batch_first=True), LastStep(batch_first=True), Linear(50, 1))`` is the
seeds' forecaster: read a window, keep the last step's hidden state, map it to the next value.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from rnnkit.nn.module import Module


class Sequential(Module):
    """Run modules in order; ``backward`` runs their backwards in reverse.

    A recurrent layer returns ``(output, h_n)``; inside a Sequential only ``output`` is passed
    on, and only ``dx`` is passed back (no gradient for the initial state, which is zero).
    Children are named ``"0"``, ``"1"``, ... so parameters read ``0.weight_ih_l0``, as in torch.
    """

    def __init__(self, *modules: Module):
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"modules[{i}]: expected an rnnkit Module, got {type(m).__name__}")
            setattr(self, str(i), m)

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def forward(self, x: ArrayLike) -> np.ndarray:
        for m in self._modules.values():
            x = m(x)
            if isinstance(x, tuple):
                x = x[0]
        return x

    def backward(self, dy: ArrayLike) -> np.ndarray | None:
        for m in reversed(list(self._modules.values())):
            dy = m.backward(dy)
            if isinstance(dy, tuple):
                dy = dy[0]
        return dy


class LastStep(Module):
    """Keep the last time step of a sequence output: ``out[:, -1]`` (batch_first) or ``out[-1]``."""

    def __init__(self, batch_first: bool = False):
        super().__init__()
        self.batch_first = bool(batch_first)
        self._shape = None

    def extra_repr(self) -> str:
        return f"batch_first={self.batch_first}"

    def forward(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 3:
            raise ValueError(f"input: expected a 3-D sequence output, got shape {x.shape}")
        self._shape, self._dtype = x.shape, x.dtype
        return x[:, -1] if self.batch_first else x[-1]

    def backward(self, dy: ArrayLike) -> np.ndarray:
        dx = np.zeros(self._shape, dtype=self._dtype)
        if self.batch_first:
            dx[:, -1] = dy
        else:
            dx[-1] = dy
        return dx
