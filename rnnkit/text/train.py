"""Training a character model with stateful truncated BPTT, Adam and gradient clipping.

Each step takes the next ``seq_len`` characters of every stream (``data.Streams``), starts from
the state the previous chunk ended in, and backpropagates through this chunk only: the carried
state is a constant here (gradients do not flow back into the previous chunk, ``dh_n`` is None).
This is karpathy/char-rnn's scheme: context reaches back across chunks through the state even
though gradients are truncated at ``seq_len`` steps. At the end of a pass over the streams the
state starts again from zeros, because the streams start again from their beginnings.

>>> from rnnkit.text import ModelConfig, TrainConfig, train
>>> model = train("hello world", ModelConfig(hidden_size=32, num_layers=1),
...               TrainConfig(steps=200, seq_len=16)).model
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from rnnkit import nn
from rnnkit._backend import check_backend
from rnnkit.text.data import Streams, check_text, split_train_val
from rnnkit.text.evaluate import LossReport, evaluate_ids
from rnnkit.text.model import CharLM, ModelConfig
from rnnkit.text.vocab import Vocab


@dataclass
class TrainConfig:
    """How to train (the model's shape is :class:`ModelConfig`).

    Parameters
    ----------
    seq_len : int, default 100
        Characters per chunk: the reach of the gradient (truncation length).
    batch_size : int, default 32
        Parallel streams; fewer for a text too short to give each ``seq_len`` characters.
    steps : int or None, default None
        Optimiser steps. With neither ``steps`` nor ``seconds``, 1000 steps.
    seconds : float or None, default None
        Wall-time budget (evaluations included); training stops at the first of the two limits.
    lr : float, default 2e-3
        Adam's learning rate (char-rnn's default).
    clip_norm : float or None, default 5.0
        Largest global gradient norm (char-rnn clips at 5); None turns clipping off.
    val_fraction : float, default 0.1
        The last part of the text held out for validation (none if it would hold < 2 characters).
    eval_interval : int, default 200
        Steps between validation evaluations (one more at the end).
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
    steps: int | None = None
    seconds: float | None = None
    lr: float = 2e-3
    clip_norm: float | None = 5.0
    val_fraction: float = 0.1
    eval_interval: int = 200
    eval_chars: int | None = 200_000
    carry_state: bool = True
    seed: int = 0

    DEFAULT_STEPS = 1000

    def __post_init__(self):
        for name in ("seq_len", "batch_size", "eval_interval"):
            _positive_int(name, getattr(self, name))
        if self.steps is not None:
            _positive_int("steps", self.steps)
        if self.eval_chars is not None:
            _positive_int("eval_chars", self.eval_chars)
        if self.seconds is not None and not (_number(self.seconds) and 0 < self.seconds < math.inf):
            raise ValueError(f"seconds: expected a positive number, got {self.seconds!r}")
        if not (_number(self.lr) and 0 < self.lr < math.inf):
            raise ValueError(f"lr: expected a positive number, got {self.lr!r}")
        if self.clip_norm is not None and not (_number(self.clip_norm) and 0 < self.clip_norm < math.inf):
            raise ValueError(f"clip_norm: expected a positive number or None, got {self.clip_norm!r}")
        if not (_number(self.val_fraction) and 0 <= self.val_fraction < 1):
            raise ValueError(f"val_fraction: expected a number in [0, 1), got {self.val_fraction!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise ValueError(f"seed: expected an integer, got {self.seed!r}")

    @property
    def max_steps(self) -> int | None:
        if self.steps is None and self.seconds is None:
            return self.DEFAULT_STEPS
        return self.steps

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def _positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")


@dataclass
class History:
    """One row per evaluation: step, elapsed seconds, mean training loss since the previous
    row and validation loss (nats; None without a validation part)."""

    step: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainResult:
    """What :func:`train` returns: the model (its ``summary`` filled in), the history and the
    final validation report (None without a validation part)."""

    model: CharLM
    history: History
    val: LossReport | None


def train(text: str, model_config: ModelConfig | None = None, config: TrainConfig | None = None,
          *, model: CharLM | None = None, progress: bool = False, backend: str = "numpy",
          device=None) -> TrainResult:
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

    Returns
    -------
    TrainResult
    """
    check_text(text)
    check_backend(backend, device)
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
    if backend == "torch":
        from rnnkit.torch.text import TorchLoop

        return TorchLoop(model, streams, val_ids, config, progress, device).run()
    return _Loop(model, streams, val_ids, config, progress).run()


class _Loop:
    """The training loop's state; :meth:`run` does the work."""

    def __init__(self, model: CharLM, streams: Streams, val_ids, config: TrainConfig, progress: bool):
        self.model, self.streams, self.val_ids, self.config = model, streams, val_ids, config
        self.optimizer = nn.Adam(model.parameters(), lr=config.lr)
        self.criterion = nn.CrossEntropyLoss()
        self.history = History()
        self.bar, self._last_draw = None, 0.0
        if progress:
            from tqdm import tqdm

            total = config.max_steps or config.seconds
            unit = "step" if config.max_steps else "s"
            self.bar = tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=True,
                            bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} {unit} [{elapsed}<{remaining}{postfix}]")

    def step(self, x, y, state):
        """One optimiser step on chunk ``(x, y)`` from ``state``; returns (loss, final state)."""
        model, V = self.model, self.model.vocab_size
        model.zero_grad()
        logits, state = model(x, state)
        loss = self.criterion(logits.reshape(-1, V), y.reshape(-1))
        model.backward(self.criterion.backward().reshape(logits.shape))
        if self.config.clip_norm is not None:
            nn.clip_grad_norm_(model.parameters(), self.config.clip_norm)
        self.optimizer.step()
        return loss, state

    def validate(self) -> LossReport | None:
        if len(self.val_ids) < 2:
            return None
        return evaluate_ids(self.model, self.val_ids, batch_size=max(self.streams.batch_size, 32))

    def run(self) -> TrainResult:
        cfg, model, streams = self.config, self.model, self.streams
        max_steps = cfg.max_steps
        start = time.perf_counter()
        model.train()
        step, chunk, state, chars = 0, 0, None, 0
        since_eval, val = [], None
        while True:
            elapsed = time.perf_counter() - start
            done = (max_steps is not None and step >= max_steps) or \
                   (cfg.seconds is not None and elapsed >= cfg.seconds)
            if since_eval and (done or step % cfg.eval_interval == 0):
                val = self._record(step, start, since_eval)
                since_eval = []
            if done:
                break
            if chunk == 0 or not cfg.carry_state:
                state = model.init_state(streams.batch_size)  # streams start over: fresh state
            x, y = streams.chunk(chunk)
            loss, state = self.step(x, y, state)
            if not math.isfinite(loss):
                raise FloatingPointError(f"training diverged at step {step + 1} (loss {loss}); "
                                         "try a smaller learning rate")
            since_eval.append(loss)
            step += 1
            chars += x.size
            chunk = (chunk + 1) % streams.n_chunks
            self._tick(step, start, since_eval)
        if self.bar is not None:
            self.bar.n = step if max_steps else self.bar.total
            self.bar.close()
        seconds = time.perf_counter() - start
        model.summary = {
            "steps": step, "seconds": round(seconds, 3),
            "chars_trained": int(chars),
            "train_chars": int(streams.n_targets + len(streams.tail[0]) + 1), "val_chars": len(self.val_ids),
            "batch_size": streams.batch_size,
            "train_loss": self.history.train_loss[-1] if self.history.train_loss else None,
            "train_loss_steps": self._last_interval(),
            "val_loss": val.nats if val else None,
            "val_bits_per_char": val.bits_per_char if val else None,
            "val_perplexity": val.perplexity if val else None,
        }
        return TrainResult(model, self.history, val)

    def _last_interval(self) -> int:
        """Steps averaged in the last training loss."""
        s = self.history.step
        return s[-1] - (s[-2] if len(s) > 1 else 0) if s else 0

    def _record(self, step: int, start: float, losses: list) -> LossReport | None:
        val = self.validate()
        h = self.history
        h.step.append(step)
        h.train_loss.append(float(np.mean(losses)))
        h.val_loss.append(val.nats if val else None)
        h.seconds.append(time.perf_counter() - start)
        if self.bar is not None:
            self.bar.set_postfix_str(self._postfix(h.train_loss[-1], h.val_loss[-1]), refresh=False)
        return val

    def _tick(self, step: int, start: float, losses: list) -> None:
        now = time.perf_counter()
        if self.bar is None or now - self._last_draw < 0.2:  # drawing costs more than a tiny step
            return
        self._last_draw = now
        self.bar.n = step if self.config.max_steps else min(now - start, self.bar.total)
        val = self.history.val_loss[-1] if self.history.val_loss else None
        self.bar.set_postfix_str(self._postfix(float(np.mean(losses[-50:])), val), refresh=False)
        self.bar.refresh()

    @staticmethod
    def _postfix(train_loss: float, val_loss: float | None) -> str:
        text = f"train {train_loss:.3f}"
        return text + (f", val {val_loss:.3f} ({val_loss / math.log(2):.3f} bpc)" if val_loss is not None else "")
