"""Training a character model with stateful truncated BPTT, Adam and gradient clipping.

Each step takes the next ``seq_len`` characters of every stream (``data.Streams``), starts from
the state the previous chunk ended in, and backpropagates through this chunk only: the carried
state is a constant here (gradients do not flow back into the previous chunk, ``dh_n`` is None).
This is karpathy/char-rnn's scheme: context reaches back across chunks through the state even
though gradients are truncated at ``seq_len`` steps. At the end of a pass over the streams the
state starts again from zeros, because the streams start again from their beginnings.

>>> from rnnkit.text import ModelConfig, TrainConfig, train
>>> model = train("hello world", ModelConfig(hidden_size=32, num_layers=1),
...               TrainConfig(max_steps=200, seq_len=16)).model
"""
from __future__ import annotations

import functools
import math
import os
import sys
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import numpy as np

from rnnkit.backends import Device, check_backend, get_backend
from rnnkit.nn._checks import check_positive_int, is_real_number
from rnnkit.text.checkpoint import (
    Checkpoints,
    Resumed,
    load_checkpoint,
    restore_generators,
    save_checkpoint,
    text_digest,
)
from rnnkit.text.data import Streams, check_text, split_train_val
from rnnkit.text.evaluate import LossReport, evaluate_ids
from rnnkit.text.model import CharLM, ModelConfig
from rnnkit.text.vocab import Vocab
from rnnkit.training import History, RunState, Schedule, Trainee, run

# Old spellings of TrainConfig's fields, accepted for one release: as arguments (with a
# DeprecationWarning) and as keys of the train config saved in a model file (silently).
_RENAMED = {"steps": "max_steps", "eval_interval": "eval_every"}
_Class = TypeVar("_Class", bound=type)


def _renamed_arguments(cls: _Class) -> _Class:
    """Let the dataclass's ``__init__`` take the old names of :data:`_RENAMED`, with a warning."""
    init = cls.__init__

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        for old, new in _RENAMED.items():
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(f"{cls.__name__}: {old}= is the deprecated spelling of {new}=; give {new}= only")
                warnings.warn(f"{cls.__name__}({old}=...) is deprecated; use {new}=...",
                              DeprecationWarning, stacklevel=2)
                kwargs[new] = kwargs.pop(old)
        init(self, *args, **kwargs)

    cls.__init__ = __init__
    return cls


def _renamed_attribute(old: str, new: str) -> tuple:
    """Getter, setter and docstring of the deprecated attribute ``old`` of TrainConfig, now ``new``."""
    message = f"TrainConfig.{old} is deprecated; use TrainConfig.{new}"

    def get(self: TrainConfig) -> Any:
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    def set(self: TrainConfig, value: Any) -> None:
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        setattr(self, new, value)

    return get, set, None, f"Deprecated: ``{new}``."


@_renamed_arguments
@dataclass
class TrainConfig:
    """How to train (the model's shape is :class:`ModelConfig`).

    The step budget and the evaluation interval are spelled as in :class:`rnnkit.training.Schedule`
    and ``Forecaster``: ``max_steps`` and ``eval_every``. The old names ``steps`` and
    ``eval_interval`` still work for one release, with a ``DeprecationWarning``.

    Parameters
    ----------
    seq_len : int, default 100
        Characters per chunk: the reach of the gradient (truncation length).
    batch_size : int, default 32
        Parallel streams; fewer for a text too short to give each ``seq_len`` characters.
    max_steps : int or None, default None
        Optimiser steps. With neither ``max_steps`` nor ``seconds``, 1000 steps
        (:attr:`step_limit` is the limit that applies).
    seconds : float or None, default None
        Wall-time budget (evaluations included); training stops at the first of the two limits.
    lr : float, default 2e-3
        Adam's learning rate (char-rnn's default).
    clip_norm : float or None, default 5.0
        Largest global gradient norm (char-rnn clips at 5); None turns clipping off.
    val_fraction : float, default 0.1
        The last part of the text held out for validation (none if it would hold < 2 characters).
    eval_every : int, default 200
        Steps between validation evaluations (one more at the end).
    eval_seconds : float or None, default 60.0
        Also evaluate when this many seconds of training have passed since the last evaluation,
        so a slow model under a time budget still shows its validation loss; None for steps
        only. It adds evaluations, never changes the trained weights.
    eval_chars : int or None, default 200_000
        Validate on at most this many characters (the first of the validation part), to bound
        the time of each evaluation on a large text; None for all.
    carry_state : bool, default True
        Start every chunk from the previous chunk's final state. False resets it to zeros
        each step (no context across chunks; only for comparison).
    seed : int, default 0
        Initial weights and dropout masks.
    """

    seq_len: int = 100
    batch_size: int = 32
    max_steps: int | None = None
    seconds: float | None = None
    lr: float = 2e-3
    clip_norm: float | None = 5.0
    val_fraction: float = 0.1
    eval_every: int = 200
    eval_seconds: float | None = 60.0
    eval_chars: int | None = 200_000
    carry_state: bool = True
    seed: int = 0

    DEFAULT_STEPS = 1000

    def __post_init__(self) -> None:
        for name in ("seq_len", "batch_size", "eval_every"):
            check_positive_int(name, getattr(self, name))
        if self.max_steps is not None:
            check_positive_int("max_steps", self.max_steps)
        if self.eval_chars is not None:
            check_positive_int("eval_chars", self.eval_chars)
        for name in ("seconds", "eval_seconds"):
            value = getattr(self, name)
            if value is not None and not (is_real_number(value) and 0 < value < math.inf):
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
        if not (is_real_number(self.lr) and 0 < self.lr < math.inf):
            raise ValueError(f"lr: expected a positive number, got {self.lr!r}")
        if self.clip_norm is not None and not (is_real_number(self.clip_norm) and 0 < self.clip_norm < math.inf):
            raise ValueError(f"clip_norm: expected a positive number or None, got {self.clip_norm!r}")
        if not (is_real_number(self.val_fraction) and 0 <= self.val_fraction < 1):
            raise ValueError(f"val_fraction: expected a number in [0, 1), got {self.val_fraction!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise ValueError(f"seed: expected an integer, got {self.seed!r}")

    @property
    def step_limit(self) -> int | None:
        """The step limit that applies: ``max_steps``, or 1000 (``DEFAULT_STEPS``) when neither
        ``max_steps`` nor ``seconds`` is given; None when only the time budget limits."""
        if self.max_steps is None and self.seconds is None:
            return self.DEFAULT_STEPS
        return self.max_steps

    steps = property(*_renamed_attribute("steps", "max_steps"))
    eval_interval = property(*_renamed_attribute("eval_interval", "eval_every"))

    def to_dict(self) -> dict[str, Any]:
        """The fields by name (the new names), as saved in a model file's ``train`` metadata."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TrainConfig:
        """Rebuild from :meth:`to_dict`, e.g. the ``train`` metadata of a model file. Keys left
        out take their defaults; the old names ``steps`` and ``eval_interval`` (files written
        before the rename) are read as ``max_steps`` and ``eval_every``; unknown keys are refused."""
        if not isinstance(d, Mapping):
            raise ValueError(f"train config: expected a JSON object, got {type(d).__name__}")
        names = {f.name for f in fields(cls)}
        values, given = {}, {}  # given: the key each field came from
        for key, value in d.items():
            name = _RENAMED.get(key, key)
            if name not in names:
                raise ValueError(f"train config: unknown key {key!r}; expected some of {sorted(names)}")
            if name in given:
                raise ValueError(f"train config: both {given[name]!r} and {key!r} give {name!r}")
            values[name], given[name] = value, key
        return cls(**values)


@dataclass
class TrainResult:
    """What :func:`train` returns: the model (its ``summary`` filled in), the history, the
    final validation report (None without a validation part) and the settings used."""

    model: CharLM
    history: History
    val: LossReport | None
    #: The settings of the run (from the checkpoint when resumed).
    config: TrainConfig | None = None


def train(text: str, model_config: ModelConfig | None = None, config: TrainConfig | None = None,
          *, model: CharLM | None = None, progress: bool = False, backend: str = "numpy",
          device: Device = None, checkpoints: Checkpoints | None = None,
          resume: str | os.PathLike[str] | None = None) -> TrainResult:
    """Train a character model on ``text``.

    Parameters
    ----------
    text : str
        The whole text; its vocabulary is every character in it (validation part included, as
        char-rnn and nanoGPT do: a vocabulary is not a statistic that leaks, and an unseen
        validation character would otherwise make the loss infinite).
    model_config : ModelConfig, optional
        Shape of a new model (ignored when ``model`` is given).
    config : TrainConfig, optional
    model : CharLM, optional
        Continue training this model; its vocabulary must cover the text.
    progress : bool
        Show a tqdm bar on stderr with the training and validation loss.
    backend : {"numpy", "torch"}, default "numpy"
        Who computes: the NumPy engine, or PyTorch (``pip install 'rnnkit[torch]'``) with the
        same algorithm; the returned model and its file are the same kind either way.
    device : str or None
        torch only: "cpu", "cuda", "cuda:1"; None picks a GPU when there is one.
    checkpoints : Checkpoints, optional
        Write a checkpoint every so many steps or seconds (:mod:`rnnkit.text.checkpoint`).
    resume : path, optional
        Continue the run a checkpoint was made in, on the same text: the model, the settings
        and every random state come from the checkpoint (leave ``model_config``, ``config``
        and ``model`` out); the result is the one the uninterrupted run would have given.
        Checkpoints and resuming need the numpy backend.

    Returns
    -------
    TrainResult
    """
    check_text(text)
    check_backend(backend, device)
    if (checkpoints is not None or resume is not None) and backend != "numpy":
        raise ValueError(f"backend: checkpoints and resume need the numpy backend, got {backend!r}")
    resumed = None
    if resume is not None:
        if model is not None or model_config is not None or config is not None:
            raise ValueError("resume: the model and settings come from the checkpoint; "
                             "leave model, model_config and config out")
        resumed = load_checkpoint(resume)
        if resumed.digest != text_digest(text):
            raise ValueError(f"resume: checkpoint {str(resume)!r} was made on another text")
        model, config = resumed.model, TrainConfig.from_dict(resumed.train_config)
    config = config or TrainConfig()
    if model is None:
        model = CharLM(Vocab.from_text(text), model_config or ModelConfig(), seed=config.seed)
    ids = model.vocab.encode(text)
    if len(ids) < 2:
        raise ValueError(f"text: expected at least 2 characters to learn from, got {len(ids)}")
    train_ids, val_ids = split_train_val(ids, config.val_fraction)
    if config.eval_chars is not None:
        val_ids = val_ids[: config.eval_chars]
    streams = Streams(train_ids, config.batch_size, config.seq_len)
    loop = _Loop(model, streams, val_ids, config, progress, get_backend(backend, device))
    loop.checkpoints, loop.resumed, loop.digest = checkpoints, resumed, text_digest(text)
    return loop.run()


class _TextTrainee(Trainee):
    """One step: the next chunk of every stream, from the state the previous chunk ended in."""

    def __init__(self, trainer, model: CharLM, streams: Streams, val_ids, config: TrainConfig):
        self.trainer, self.model, self.streams, self.val_ids, self.config = trainer, model, streams, val_ids, config
        self.chunk, self.state, self.chars = 0, None, 0
        self.last_report: LossReport | None = None

    def step(self):
        streams = self.streams
        if self.chunk == 0 or not self.config.carry_state:
            self.state = self.model.init_state(streams.batch_size)  # streams start over: fresh state
        x, y = streams.chunk(self.chunk)
        loss, self.state = self.trainer.step(x, y, self.state)
        self.chars += x.size
        self.chunk = (self.chunk + 1) % streams.n_chunks
        return loss

    def evaluate(self) -> float | None:
        if len(self.val_ids) < 2:
            return None
        self.last_report = evaluate_ids(self.trainer.runner(), self.val_ids,
                                        batch_size=max(self.streams.batch_size, 32))
        return self.last_report.nats

    def mean_loss(self, losses: list) -> float:
        return self.trainer.mean_loss(losses)


class _Loop:
    """A training run with its progress bar; :meth:`run` does the work."""

    def __init__(self, model: CharLM, streams: Streams, val_ids, config: TrainConfig, progress: bool,
                 backend):
        self.model, self.streams, self.val_ids, self.config = model, streams, val_ids, config
        self.backend = backend
        self.checkpoints: Checkpoints | None = None
        self.resumed: Resumed | None = None
        self.digest = ""
        self.bar, self._last_draw, self._start = None, 0.0, 0.0
        if progress:
            from tqdm import tqdm

            total = config.step_limit or config.seconds
            unit = "step" if config.step_limit else "s"
            self.bar = tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=True,
                            bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} {unit} [{elapsed}<{remaining}{postfix}]")

    def run(self) -> TrainResult:
        cfg, model, streams = self.config, self.model, self.streams
        schedule = Schedule(max_steps=cfg.step_limit, eval_every=cfg.eval_every, seconds=cfg.seconds,
                            eval_seconds=cfg.eval_seconds)
        self._start, self._losses = time.perf_counter(), []
        with self.backend.trainer(model, lr=cfg.lr, clip_norm=cfg.clip_norm, loss="cross_entropy",
                                  stateful=True, seed=cfg.seed) as trainer:
            trainee = _TextTrainee(trainer, model, streams, self.val_ids, cfg)
            state = RunState()
            if self.resumed is not None:
                r = self.resumed
                trainer.optimizer.load_state_dict(r.optimizer)
                trainee.chunk, trainee.chars, trainee.state = r.position["chunk"], r.position["chars"], r.carry
                restore_generators(model, r.generators)
                state = r.loop
            after = self._checkpointer(trainer, trainee) if self.checkpoints is not None else None
            history = run(trainee, schedule, on_step=self._tick, on_eval=self._evaluated, state=state,
                          after_step=after)
            val = trainee.last_report
        if self.bar is not None:
            self.bar.n = history.steps if cfg.step_limit else self.bar.total
            self.bar.close()
        model.summary = {
            "steps": history.steps, "seconds": round(history.total_seconds, 3),
            "chars_trained": int(trainee.chars),
            "train_chars": int(streams.n_targets + len(streams.tail[0]) + 1), "val_chars": len(self.val_ids),
            "batch_size": streams.batch_size,
            "train_loss": history.train_loss[-1] if history.train_loss else None,
            "train_loss_steps": _last_interval(history),
            "val_loss": val.nats if val else None,
            "val_bits_per_char": val.bits_per_char if val else None,
            "val_perplexity": val.perplexity if val else None,
        }
        return TrainResult(model, history, val, cfg)

    def _checkpointer(self, trainer, trainee: _TextTrainee):
        """``after_step`` for :func:`rnnkit.training.run`: a checkpoint when one is due."""
        every, last = self.checkpoints, [time.perf_counter()]

        def after(state: RunState) -> None:
            now = time.perf_counter()
            if (every.every_steps and state.step % every.every_steps == 0) or \
                    (every.every_seconds and now - last[0] >= every.every_seconds):
                save_checkpoint(every.path, self.model, trainer.optimizer,
                                {"chunk": trainee.chunk, "chars": trainee.chars}, trainee.state, state,
                                self.config.to_dict(), self.digest)
                last[0] = time.perf_counter()
        return after

    def _evaluated(self, h: History) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(_postfix(h.train_loss[-1], h.val_loss[-1]), refresh=False)

    def _tick(self, step: int, loss) -> None:
        self._losses.append(loss)
        del self._losses[:-50]
        now = time.perf_counter()
        if self.bar is None or now - self._last_draw < 0.2:  # drawing costs more than a tiny step
            return
        self._last_draw = now
        self.bar.n = step if self.config.step_limit else min(now - self._start, self.bar.total)
        self.bar.set_postfix_str(_postfix(float(np.mean([float(v) for v in self._losses])), None), refresh=False)
        self.bar.refresh()


def _last_interval(history: History) -> int:
    """Steps averaged in the last training loss."""
    s = history.step
    return s[-1] - (s[-2] if len(s) > 1 else 0) if s else 0


def _postfix(train_loss: float, val_loss: float | None) -> str:
    text = f"train {train_loss:.3f}"
    return text + (f", val {val_loss:.3f} ({val_loss / math.log(2):.3f} bpc)" if val_loss is not None else "")
