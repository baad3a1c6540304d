"""Checkpoints of a character-model training run, and resuming from one exactly.

A long ``text train`` writes a checkpoint every so many steps or seconds (atomically, so an
interruption leaves the previous one whole). It holds everything the next step depends on:

- tensors: the weights (``model.*``), Adam's moment arrays (``optim.state.<i>.<name>``) and the
  state carried between chunks (``carry.0``, and ``carry.1`` for the LSTM's cell state);
- metadata: vocabulary, model and train configs, a SHA-256 of the text (resuming on another
  text is refused), Adam's step and hyperparameters, the dropout generators' states, the
  stream position (chunk, characters seen), and the loop's own state (step, losses since the
  last evaluation, the history so far, seconds spent).

Resuming from a checkpoint made at step k gives, step for step, the run that was never
interrupted (tests/text/test_text_checkpoint.py), on the NumPy backend.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rnnkit import io
from rnnkit.training import History, RunState

if TYPE_CHECKING:
    from rnnkit.nn.optim import Optimizer
    from rnnkit.text.model import CharLM

KIND = "charlm-checkpoint"


@dataclass(frozen=True)
class Checkpoints:
    """Where and how often :func:`rnnkit.text.train` writes checkpoints.

    Parameters
    ----------
    path : str or PathLike
        The checkpoint file (replaced atomically each time).
    every_steps : int or None, default None
        Write after every this many steps.
    every_seconds : float or None, default 300
        Write when this many seconds have passed since the last one (both may be given).
    """

    path: str | os.PathLike[str]
    every_steps: int | None = None
    every_seconds: float | None = 300.0

    def __post_init__(self):
        if self.every_steps is not None and (isinstance(self.every_steps, bool) or not isinstance(
                self.every_steps, (int, np.integer)) or self.every_steps < 1):
            raise ValueError(f"every_steps: expected a positive integer or None, got {self.every_steps!r}")
        if self.every_seconds is not None and not (isinstance(self.every_seconds, (int, float))
                                                   and 0 < self.every_seconds < np.inf):
            raise ValueError(f"every_seconds: expected a positive number or None, got {self.every_seconds!r}")


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _generators(model: CharLM) -> list[np.random.Generator]:
    """The random generators a training step draws from (dropout masks), in a fixed order."""
    return [model.drop._rng, model.rnn._dropout_rng]


def save_checkpoint(path: str | os.PathLike, model: CharLM, optimizer: Optimizer, position: dict,
                    carry: np.ndarray | tuple[np.ndarray, ...] | None, loop: RunState, train_config: dict,
                    digest: str) -> None:
    """Write one checkpoint (see the module docstring) atomically to ``path``."""
    optim = optimizer.state_dict()
    tensors = {f"model.{k}": v.data for k, v in model.named_parameters()}
    tensors |= {f"optim.{k}": v for k, v in optim.items() if isinstance(v, np.ndarray)}
    carried = carry if isinstance(carry, tuple) else (carry,)
    tensors |= {f"carry.{i}": c for i, c in enumerate(carried) if c is not None}
    meta = {"vocab": model.vocab.chars, "model": model.config.to_dict(), "train": train_config, "text_sha256": digest,
            "optimizer": {k: v for k, v in optim.items() if not isinstance(v, np.ndarray)},
            "generators": [g.bit_generator.state for g in _generators(model)],
            "position": position,
            "loop": {"step": loop.step, "running": [float(v) for v in loop.running],
                     "history": loop.history.to_dict(), "seconds": loop.seconds}}
    io.save_model(path, tensors, kind=KIND, metadata=meta)


@dataclass
class Resumed:
    """What a checkpoint restores: the model, and the pieces the training loop puts back."""

    model: CharLM
    train_config: dict
    optimizer: dict
    position: dict
    carry: object
    loop: RunState
    generators: list
    digest: str


def load_checkpoint(path: str | os.PathLike) -> Resumed:
    """Read a checkpoint written by :func:`save_checkpoint`, validated like a model file."""
    from rnnkit.text.model import CharLM, ModelConfig
    from rnnkit.text.vocab import Vocab

    tensors, meta = io.load_model(path, kind=KIND)
    try:
        vocab, config = Vocab(meta["vocab"]), ModelConfig.from_dict(meta["model"])
        shapes = CharLM.file_shapes(path, tensors, len(vocab), config)
        state_shape = (config.num_layers, int(meta["train"]["batch_size"]), config.hidden_size)
        n_carry = sum(1 for k in tensors if k.startswith("carry."))
        optim_names = [k for k in tensors if k.startswith("optim.")]
        expected = {f"model.{k}": v for k, v in shapes.items()}
        expected |= {f"carry.{i}": state_shape for i in range(n_carry)}
        params = list(shapes.values())
        for key in optim_names:  # optim.state.<i>.<name>: shaped as parameter i
            i = int(key.split(".")[2])
            if not 0 <= i < len(params):
                raise io.invalid(path, f"tensor {key!r} names no parameter")
            expected[key] = params[i]
        if n_carry not in (0, 2 if config.cell == "lstm" else 1):
            raise io.invalid(path, f"{n_carry} carried state tensors for a {config.cell} model")
        io.check_tensors(path, tensors, expected)
        model = CharLM(vocab, config)
        model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
        carry = tuple(tensors[f"carry.{i}"] for i in range(n_carry)) if n_carry else None
        if carry is not None and len(carry) == 1:
            carry = carry[0]
        loop = meta["loop"]
        run_state = RunState(step=int(loop["step"]), running=[float(v) for v in loop["running"]],
                             history=History(**loop["history"]), seconds=float(loop["seconds"]))
        optimizer = dict(meta["optimizer"]) | {k[len("optim."):]: tensors[k] for k in optim_names}
        position = {"chunk": int(meta["position"]["chunk"]), "chars": int(meta["position"]["chars"])}
        return Resumed(model, dict(meta["train"]), optimizer, position, carry, run_state,
                       list(meta["generators"]), str(meta["text_sha256"]))
    except io.InvalidModelFile:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise io.invalid(path, f"incomplete checkpoint ({type(exc).__name__}: {exc})") from None


def restore_generators(model: CharLM, states: list) -> None:
    generators = _generators(model)
    if len(states) != len(generators):
        raise ValueError(f"checkpoint: expected {len(generators)} generator states, got {len(states)}")
    for g, state in zip(generators, states):
        g.bit_generator.state = state
