"""Train one forecasting network: minibatches drawn with a seed, Adam, gradient clipping, early
stopping on held-out examples (the latest origins), best weights kept.

The algorithm is :func:`rnnkit.training.run` driving a :class:`ForecastTrainee`; the backend
(``rnnkit.backends``: the NumPy engine or PyTorch) only computes the steps, so both run the
same minibatches, evaluations and stopping rule. Networks are always kept as engine modules
between calls, so files, diagnostics and every backend see the same weights.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import DTypeLike

from rnnkit import nn
from rnnkit.backends import Backend, Runner, Trainer, Weights
from rnnkit.nn.cell_table import make_recurrent
from rnnkit.nn.seeding import derive, rng
from rnnkit.training import Loss, Schedule, Trainee, run

# Keys under a network's seed (rnnkit.nn.seeding): its layers' initial weights.
_RNN, _HEAD = 0, 1


def build_network(cell: str, n_inputs: int, hidden_size: int, num_layers: int, n_outputs: int,
                  seed: int | np.random.SeedSequence | None, dtype: DTypeLike = np.float32) -> nn.Sequential:
    """recurrent layer -> last step -> linear: the seeds' forecaster. ``seed`` (an int or a
    ``SeedSequence``) gives each layer its own independent stream."""
    return nn.Sequential(
        make_recurrent(cell, n_inputs, hidden_size, num_layers=num_layers, batch_first=True,
                       dtype=dtype, seed=derive(seed, _RNN)),
        nn.LastStep(batch_first=True),
        nn.Linear(hidden_size, n_outputs, dtype=dtype, seed=derive(seed, _HEAD)),
    )


def predict_batches(run_model: Runner, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """``run_model`` (a backend's runner) over ``x`` in batches, concatenated."""
    return np.concatenate([run_model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def predict(backend: Backend, net: nn.Module, x: np.ndarray) -> np.ndarray:
    """The network's outputs for inputs ``x`` (N, T, F) on ``backend``, eval mode."""
    return predict_batches(backend.runner(net), x)


class ForecastTrainee(Trainee):
    """Minibatches of ``(x, y)`` drawn with replacement from a seeded generator; the validation
    loss is the mean squared error on ``(x_val, y_val)``, averaged over ranks."""

    def __init__(self, trainer: Trainer, x: np.ndarray, y: np.ndarray, x_val: np.ndarray | None,
                 y_val: np.ndarray | None, batch_size: int, seed: int | np.random.SeedSequence | None):
        self.trainer, self.x, self.y, self.x_val, self.y_val = trainer, x, y, x_val, y_val
        self.size = min(batch_size, len(x))
        self.rng = rng(seed)  # the same draws on every rank and on every backend

    def step(self) -> Loss:
        idx = self.rng.integers(0, len(self.x), size=self.size)
        loss, _ = self.trainer.step(self.x[idx], self.y[idx])
        return loss

    def evaluate(self) -> float | None:
        if self.x_val is None:
            return None
        val = float(np.mean((predict_batches(self.trainer.runner(), self.x_val) - self.y_val) ** 2))
        return self.trainer.mean_over_ranks(val)

    def snapshot(self) -> Weights:
        return self.trainer.snapshot()

    def restore(self, state: Weights) -> None:
        self.trainer.restore(state)

    def mean_loss(self, losses: list) -> float:
        return self.trainer.mean_loss(losses)


def train_network(backend: Backend, net: nn.Module, x: np.ndarray, y: np.ndarray, *,
                  x_val: np.ndarray | None = None, y_val: np.ndarray | None = None, lr: float,
                  batch_size: int, max_steps: int, eval_every: int, patience: int, clip_norm: float,
                  seed: int | np.random.SeedSequence | None, fixed_steps: int | None = None,
                  on_step: Callable[[], object] | None = None) -> dict:
    """Train ``net`` in place on ``backend``. With validation data, stop after ``patience``
    evaluations without improvement and restore the best weights; with ``fixed_steps``, train
    exactly that long.

    Returns a summary: steps run, best step, train and validation loss curves, seconds.
    """
    validate = x_val is not None and fixed_steps is None
    schedule = Schedule(max_steps=fixed_steps if fixed_steps is not None else max_steps,
                        eval_every=eval_every, patience=patience if validate else None)
    tick = None if on_step is None else (lambda step, loss: on_step())
    with backend.trainer(net, lr=lr, clip_norm=clip_norm, loss="mse") as trainer:
        trainee = ForecastTrainee(trainer, x, y, x_val if validate else None, y_val, batch_size, seed)
        history = run(trainee, schedule, on_step=tick)
    return {"steps": history.steps, "best_step": history.best_step, **history.curves(),
            "seconds": history.total_seconds}
