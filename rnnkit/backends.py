"""Who computes: the backend interface, the NumPy engine's implementation and the registry.

A backend does three things with an engine model (``rnnkit.nn`` modules, which are what
files, diagnostics and users always hold):

- ``trainer(model, ...)``: a :class:`Trainer`, used as a context manager, that takes optimiser
  steps on minibatches (``step``), runs the model with its current weights (``runner``), copies
  weights for early stopping (``snapshot``/``restore``) and, on leaving the block, leaves the
  trained weights in the engine model;
- ``runner(model)``: the model in eval mode as a plain callable, NumPy in and NumPy out;
- ``is_main()`` and ``mean_over_ranks(value)``: what a job split over several processes needs
  (one writer of files; one decision for every rank).

Forecasting and text training are written once against this interface (their trainees for
:func:`rnnkit.training.run`), so every backend runs the same algorithm. Backends are found by
name in a registry of import paths: ``"numpy"`` is here, ``"torch"`` is
``rnnkit.torch.backend:TorchBackend``, imported only when asked for, so nothing below it ever
imports torch. :func:`register_backend` adds others.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from rnnkit.nn.losses import CrossEntropyLoss, MSELoss
from rnnkit.nn.module import Module
from rnnkit.nn.optim import Adam
from rnnkit.nn.recurrent import States
from rnnkit.nn.step import optimiser_step

if TYPE_CHECKING:  # only for the annotations: nothing here imports torch
    import torch
    from rnnkit.training import Loss

#: Where a backend computes: "cpu", "cuda", "cuda:1", a ``torch.device``; None for the backend's choice.
Device: TypeAlias = "str | torch.device | None"
#: The recurrent state a stateful model carries from one step to the next: h, or (h, c) for the
#: LSTM, as NumPy arrays (a fresh ``init_state``) or as the backend's own arrays (what its
#: ``step`` returned, e.g. torch tensors); None for a stateless model or zeros.
State: TypeAlias = "np.ndarray | torch.Tensor | tuple[np.ndarray | torch.Tensor, ...] | None"
#: A copy of a model's weights by parameter name (:meth:`Trainer.snapshot`), in the backend's arrays.
Weights: TypeAlias = "dict[str, np.ndarray] | dict[str, torch.Tensor]"
#: A model in eval mode as a plain callable, NumPy in and NumPy out (what the model's ``forward``
#: returns); its other attributes are the model's (a character model's ``vocab``, ``init_state``).
Runner: TypeAlias = Callable[..., Any]

LOSSES = ("mse", "cross_entropy")
_REGISTRY: dict[str, str | type] = {
    "numpy": "rnnkit.backends:NumpyBackend",
    "torch": "rnnkit.torch.backend:TorchBackend",
}


class Trainer(AbstractContextManager):
    """Training one model on one backend (the interface; see :class:`NumpyTrainer`).

    ``step(x, y, state)`` returns ``(loss, state)``: ``x``, ``y`` are the global minibatch as
    NumPy arrays; ``state`` is the recurrent state carried in from the previous chunk for a
    *stateful* model (one called as ``model(x, state) -> (out, state)``), None otherwise. The
    loss may be a lazy scalar; :meth:`mean_loss` turns a list of them into one float.
    """

    def step(self, x: np.ndarray, y: np.ndarray, state: State = None) -> tuple[Loss, State]:
        raise NotImplementedError

    def runner(self) -> Runner:
        """The model with its current weights as a callable, NumPy in and out, eval mode."""
        raise NotImplementedError

    def snapshot(self) -> Weights:
        raise NotImplementedError

    def restore(self, state: Weights) -> None:
        raise NotImplementedError

    def mean_loss(self, losses: list) -> float:
        return float(np.mean([float(v) for v in losses]))

    def mean_over_ranks(self, value: float) -> float:
        return value

    def __exit__(self, *exc) -> None:
        return None


class Backend:
    """The interface a backend implements; ``name`` is its registry name."""

    name = "?"

    def __init__(self, device: Device = None):
        self.device = device

    def trainer(self, model: Module, *, lr: float, clip_norm: float | None, loss: str = "mse",
                stateful: bool = False, seed: int | np.random.SeedSequence | None = None) -> Trainer:
        raise NotImplementedError

    def runner(self, model: Module) -> Runner:
        raise NotImplementedError

    def is_main(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}(device={self.device!r})"


class NumpyTrainer(Trainer):
    """Adam and global-norm clipping on the engine model itself."""

    def __init__(self, model: Module, lr: float, clip_norm: float | None, loss: str, stateful: bool):
        self.model, self.clip_norm, self.stateful = model, clip_norm, stateful
        self.optimizer = Adam(model.parameters(), lr=lr)
        self.criterion = MSELoss() if loss == "mse" else CrossEntropyLoss()

    def step(self, x: np.ndarray, y: np.ndarray, state: State = None) -> tuple[float, States | None]:
        if not self.stateful:
            loss, _ = optimiser_step(self.model, self.criterion, self.optimizer, x, y, clip_norm=self.clip_norm)
            return loss, None
        return optimiser_step(self.model, self.criterion, self.optimizer, x, y, state, self.clip_norm)

    def runner(self) -> Runner:
        return _EvalRunner(self.model)

    def snapshot(self) -> dict[str, np.ndarray]:
        return self.model.state_dict()

    def restore(self, state: dict[str, np.ndarray]) -> None:
        self.model.load_state_dict(state)


class _EvalRunner:
    """An engine model called in eval mode; its other attributes are the model's."""

    def __init__(self, model: Module):
        self._model = model

    def __call__(self, *args):
        self._model.eval()
        return self._model(*args)

    def __getattr__(self, name):
        return getattr(self._model, name)


class NumpyBackend(Backend):
    """The NumPy engine, in this process, on the CPU."""

    name = "numpy"

    def __init__(self, device: Device = None):
        if device not in (None, "cpu"):
            raise ValueError(f"device: the numpy backend runs on 'cpu' only, got {device!r}; "
                             "use backend='torch' for other devices")
        super().__init__("cpu")

    def trainer(self, model: Module, *, lr: float, clip_norm: float | None, loss: str = "mse",
                stateful: bool = False, seed: int | np.random.SeedSequence | None = None) -> NumpyTrainer:
        _check_loss(loss)
        return NumpyTrainer(model, lr, clip_norm, loss, stateful)

    def runner(self, model: Module) -> Runner:
        return _EvalRunner(model)


def register_backend(name: str, target: str | type) -> None:
    """Make ``name`` resolvable: ``target`` is a :class:`Backend` subclass or its import path
    ``"package.module:ClassName"`` (imported on first use)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: expected a non-empty string, got {name!r}")
    _REGISTRY[name] = target


def backend_names() -> tuple[str, ...]:
    """Registered backend names, "numpy" first."""
    return tuple(_REGISTRY)


def get_backend(name: str, device: Device = None) -> Backend:
    """The backend called ``name`` on ``device``.

    Raises ``ValueError`` naming the argument for an unknown name or an unusable device, and
    for a backend whose package is missing (torch: with the command that installs it).
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"backend: expected one of {list(_REGISTRY)}, got {name!r}")
    target = _REGISTRY[name]
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        target = getattr(importlib.import_module(module), attr)
    return target(device)


def check_backend(name: str, device: Device = None) -> None:
    """Refuse, before any work, what :func:`get_backend` would refuse."""
    get_backend(name, device)


def _check_loss(loss: str) -> None:
    if loss not in LOSSES:
        raise ValueError(f"loss: expected one of {LOSSES}, got {loss!r}")
