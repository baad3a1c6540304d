"""The one training loop: a schedule, early stopping, a time budget, the history of losses.

Every model in rnnkit (the forecaster's networks, character models, a user's own engine model)
trains through :func:`run`, whatever computes it (the NumPy engine or PyTorch). What differs
between them lives in a *trainee*, an object with four methods:

- ``step()`` takes one optimiser step and returns its training loss (a float, or anything
  ``mean_loss`` can average, such as a torch scalar that is only read at evaluations);
- ``evaluate()`` returns the validation loss, or None when there is nothing to validate on;
- ``snapshot()`` returns a copy of the weights, and ``restore(state)`` puts one back.

:func:`run` decides when to evaluate (every ``eval_every`` steps and after the last), when to
stop (the step limit, the time budget, or ``patience`` evaluations without improvement) and
keeps the best weights; so those rules are written once and every model follows the same ones.

>>> import numpy as np
>>> from rnnkit import nn
>>> from rnnkit.training import Schedule, fit
>>> x = np.random.default_rng(0).standard_normal((64, 5, 1)).astype(np.float32)
>>> model = nn.Sequential(nn.GRU(1, 8, batch_first=True, seed=0), nn.LastStep(batch_first=True),
...                       nn.Linear(8, 1, seed=1))
>>> history = fit(model, x, x[:, -1], epochs=2, batch_size=16)
>>> len(history.train_loss)
2
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from rnnkit.nn._checks import check_positive_int, is_real_number
from rnnkit.nn.losses import CrossEntropyLoss, MSELoss
from rnnkit.nn.module import Module
from rnnkit.nn.optim import Adam, Optimizer
from rnnkit.nn.seeding import rng as seeded_rng
from rnnkit.nn.step import optimiser_step

if TYPE_CHECKING:  # only for the annotations: nothing here imports torch
    import torch

#: One step's training loss: a float, or a lazy scalar that :meth:`Trainee.mean_loss` can
#: average (a torch scalar on the torch backend, read only at evaluations).
Loss: TypeAlias = "float | torch.Tensor"


class Criterion(Protocol):
    """A loss object as :func:`fit` and :func:`evaluate` take it: ``criterion(prediction,
    target)`` gives the loss, ``criterion.backward()`` its gradient with respect to the
    prediction of that call (``rnnkit.nn.MSELoss``, ``rnnkit.nn.CrossEntropyLoss``)."""

    def __call__(self, input: np.ndarray, target: np.ndarray) -> float: ...

    def backward(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Schedule:
    """When to evaluate and when to stop.

    Parameters
    ----------
    max_steps : int or None
        Optimiser steps at most; None for no step limit (then ``seconds`` must be given).
    eval_every : int
        Evaluate (and record the mean training loss since the last evaluation) every this many
        steps, and once more after the last step.
    patience : int or None
        Stop after this many evaluations in a row without a validation loss better than the
        best by more than ``min_delta``, and restore the best weights; None trains to the limit.
    seconds : float or None
        Wall-time budget, evaluations included; training stops at the first limit reached.
    min_delta : float
        Smallest improvement of the validation loss that counts.
    eval_seconds : float or None
        Also evaluate when this many seconds have passed since the last evaluation (or the
        start), so a slow run under a time budget still reports validation losses. It adds rows
        to the history only; with ``patience`` it would make the stopping step depend on the
        clock, so the two are not allowed together.
    """

    max_steps: int | None = 1000
    eval_every: int = 100
    patience: int | None = None
    seconds: float | None = None
    min_delta: float = 1e-7
    eval_seconds: float | None = None

    def __post_init__(self):
        if self.max_steps is None and self.seconds is None:
            raise ValueError("max_steps: expected a positive integer when seconds is None, got None")
        for name in ("max_steps", "patience"):
            value = getattr(self, name)
            if value is not None:
                check_positive_int(name, value)
        check_positive_int("eval_every", self.eval_every)
        for name in ("seconds", "eval_seconds"):
            value = getattr(self, name)
            if value is not None and not (is_real_number(value) and 0 < value < math.inf):
                raise ValueError(f"{name}: expected a positive number or None, got {value!r}")
        if self.eval_seconds is not None and self.patience is not None:
            raise ValueError("eval_seconds: expected None with patience (early stopping must not depend on the "
                             f"clock), got {self.eval_seconds!r}")

    def evaluates_at(self, step: int, last: bool, since_last_eval: float = 0.0) -> bool:
        """Whether an evaluation follows ``step`` (``last``: no step comes after it;
        ``since_last_eval``: seconds since the previous evaluation or the start)."""
        if last or step % self.eval_every == 0:
            return True
        return self.eval_seconds is not None and since_last_eval >= self.eval_seconds


class Trainee:
    """What :func:`run` drives; subclasses implement :meth:`step` and :meth:`evaluate` and, for
    early stopping, :meth:`snapshot` and :meth:`restore`."""

    def step(self) -> Loss:
        """One optimiser step; returns its training loss."""
        raise NotImplementedError

    def evaluate(self) -> float | None:
        """The validation loss, or None when there is no validation data."""
        return None

    def snapshot(self) -> Any:
        """A copy of the weights (kept while they are the best seen), in whatever form the
        trainee likes: :func:`run` only hands it back to :meth:`restore`."""
        raise NotImplementedError

    def restore(self, state: Any) -> None:
        """Put back weights returned by :meth:`snapshot`."""
        raise NotImplementedError

    def mean_loss(self, losses: list) -> float:
        """The mean of the training losses since the last evaluation."""
        return float(np.mean([float(v) for v in losses]))


@dataclass
class History:
    """What :func:`run` returns: one row per evaluation (step, elapsed seconds, mean training
    loss since the previous row, validation loss or None), and the run's totals."""

    step: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    steps: int = 0
    best_step: int | None = None
    best_loss: float | None = None
    total_seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    def curves(self) -> dict:
        """The loss curves as ``(step, loss)`` pairs: ``train_curve`` and ``val_curve``."""
        train = [(s, v) for s, v in zip(self.step, self.train_loss)]
        val = [(s, v) for s, v in zip(self.step, self.val_loss) if v is not None]
        return {"train_curve": train, "val_curve": val}


@dataclass
class RunState:
    """Where :func:`run` is: steps taken, training losses since the last evaluation, the history
    so far and the seconds spent. Passed to ``after_step``; given to :func:`run`, it continues
    from there (a resumed run; not with early stopping, whose best weights it does not hold)."""

    step: int = 0
    running: list = field(default_factory=list)
    history: History = field(default_factory=History)
    seconds: float = 0.0


class EarlyStopping:
    """Keep the best validation loss seen, the step and the weights it came with, and say when
    ``patience`` evaluations in a row have not improved on it (by more than ``min_delta``)."""

    def __init__(self, patience: int, initial_state: Any, min_delta: float = 1e-7):
        self.patience, self.min_delta, self.bad = patience, min_delta, 0
        self.best_loss, self.best_step, self.best_state = np.inf, 0, initial_state

    def should_stop(self, step: int, loss: float, snapshot: Callable[[], Any]) -> bool:
        """Record the loss at ``step``; ``snapshot()`` copies the weights when it is the best."""
        if loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_step, self.best_state, self.bad = loss, step, snapshot(), 0
            return False
        self.bad += 1
        return self.bad >= self.patience


def run(trainee: Trainee, schedule: Schedule, on_step: Callable[[int, Loss], object] | None = None,
        on_eval: Callable[[History], object] | None = None, state: RunState | None = None,
        after_step: Callable[[RunState], object] | None = None) -> History:
    """Train ``trainee`` on ``schedule``.

    Parameters
    ----------
    trainee : Trainee
    schedule : Schedule
    on_step : callable(step, loss), optional
        Called after every step (progress bars).
    on_eval : callable(history), optional
        Called after every evaluation, with the history so far.
    state : RunState, optional
        Continue from here (a run resumed from a checkpoint) instead of step 0.
    after_step : callable(RunState), optional
        Called after each step that the run continues past, its evaluation included: the
        moment to write a checkpoint that resumes exactly.

    Returns
    -------
    History
        With early stopping, the trainee holds the best weights on return and ``best_step``
        says when they were seen; otherwise ``best_step`` is the last step.

    Raises
    ------
    FloatingPointError
        When the mean training loss at an evaluation is not finite (the run diverged).
    """
    state = state or RunState()
    if state.step and schedule.patience is not None:
        raise ValueError("state: a run with early stopping cannot be resumed")
    history = state.history
    stopper = EarlyStopping(schedule.patience, trainee.snapshot(), schedule.min_delta) \
        if schedule.patience is not None else None
    start = time.perf_counter() - state.seconds
    running, step = state.running, state.step
    while True:
        loss = trainee.step()
        step += 1
        running.append(loss)
        if on_step is not None:
            on_step(step, loss)
        elapsed = time.perf_counter() - start
        last = (schedule.max_steps is not None and step >= schedule.max_steps) or \
               (schedule.seconds is not None and elapsed >= schedule.seconds)
        since = elapsed - (history.seconds[-1] if history.seconds else 0.0)
        if schedule.evaluates_at(step, last, since):
            if _evaluate(trainee, step, running, history, start, on_eval, stopper, last):
                break
            running = []
        if after_step is not None:
            state.step, state.running, state.seconds = step, running, time.perf_counter() - start
            after_step(state)
    history.steps = step
    if stopper is not None and history.val_loss and history.val_loss[-1] is not None:
        trainee.restore(stopper.best_state)
        history.best_step, history.best_loss = stopper.best_step, float(stopper.best_loss)
    else:
        history.best_step = step
    history.total_seconds = time.perf_counter() - start
    return history


def _evaluate(trainee: Trainee, step: int, running: list, history: History, start: float,
              on_eval: Callable[[History], object] | None, stopper: EarlyStopping | None, last: bool) -> bool:
    """Record one evaluation after ``step`` in ``history``; True when the run ends here."""
    train_loss = trainee.mean_loss(running)
    if not math.isfinite(train_loss):
        raise FloatingPointError(f"training diverged by step {step} (mean loss {train_loss}); "
                                 "try a smaller learning rate")
    val = trainee.evaluate()
    history.step.append(step)
    history.train_loss.append(train_loss)
    history.val_loss.append(val)
    history.seconds.append(time.perf_counter() - start)
    if on_eval is not None:
        on_eval(history)
    if stopper is not None and val is not None and stopper.should_stop(step, val, trainee.snapshot):
        return True
    return last


# --- a ready trainee for engine models on (x, y) arrays -------------------------------------------
def _criterion(loss):
    if loss == "mse":
        return MSELoss()
    if loss == "cross_entropy":
        return CrossEntropyLoss()
    if hasattr(loss, "backward"):
        return loss
    raise ValueError(f"loss: expected 'mse', 'cross_entropy' or a loss object, got {loss!r}")


def evaluate(model: Module, x: np.ndarray, y: np.ndarray, loss: str | Criterion = "mse",
             batch_size: int = 256) -> float:
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


class EpochTrainee(Trainee):
    """An engine model on arrays ``(x, y)``: shuffled minibatches, one pass per epoch."""

    def __init__(self, model: Module, x: np.ndarray, y: np.ndarray, criterion: Criterion, optimizer: Optimizer,
                 batch_size: int, clip_norm: float | None, validation: tuple[np.ndarray, np.ndarray] | None,
                 seed: int | np.random.SeedSequence | None):
        self.model, self.x, self.y, self.criterion = model, x, y, criterion
        self.optimizer, self.batch_size, self.clip_norm = optimizer, batch_size, clip_norm
        self.validation, self.rng = validation, seeded_rng(seed)
        self.order, self.position = None, len(x)

    def step(self) -> float:
        if self.position >= len(self.x):  # a new epoch: a new order
            self.order, self.position = self.rng.permutation(len(self.x)), 0
        idx = self.order[self.position:self.position + self.batch_size]
        self.position += self.batch_size
        value, _ = optimiser_step(self.model, self.criterion, self.optimizer, self.x[idx], self.y[idx],
                                  clip_norm=self.clip_norm)
        return value * len(idx)  # summed over the batch: a short last batch weighs less

    def mean_loss(self, losses: list) -> float:
        return float(np.sum(losses) / len(self.x))  # evaluations come once per epoch

    def evaluate(self) -> float | None:
        if self.validation is None:
            return None
        return evaluate(self.model, *self.validation, loss=self.criterion)

    def snapshot(self) -> dict[str, np.ndarray]:
        return self.model.state_dict()

    def restore(self, state: dict[str, np.ndarray]) -> None:
        self.model.load_state_dict(state)


def fit(model: Module, x: ArrayLike, y: ArrayLike, *, loss: str | Criterion = "mse",
        optimizer: Optimizer | None = None, lr: float = 1e-3, epochs: int = 10, batch_size: int = 32,
        clip_norm: float | None = None, validation: tuple[np.ndarray, np.ndarray] | None = None,
        seed: int | np.random.SeedSequence | None = 0, verbose: bool = False) -> History:
    """Train an engine ``model`` on samples ``x`` (first axis) and targets ``y``, epoch by epoch.

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
    verbose : print one line per epoch

    Returns
    -------
    History
        One row per epoch: the mean training loss over the epoch and the validation loss.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"y: expected {len(x)} targets (one per sample in x), got {len(y)}")
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    criterion = _criterion(loss)
    trainee = EpochTrainee(model, x, y, criterion, optimizer or Adam(model.parameters(), lr=lr),
                           batch_size, clip_norm, validation, seed)
    per_epoch = math.ceil(len(x) / batch_size)

    def report(h: History) -> None:
        if verbose:
            val = f" val {h.val_loss[-1]:.5f}" if h.val_loss[-1] is not None else ""
            print(f"epoch {len(h.step)}/{epochs} train {h.train_loss[-1]:.5f}{val}")

    return run(trainee, Schedule(max_steps=epochs * per_epoch, eval_every=per_epoch), on_eval=report)
