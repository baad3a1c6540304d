"""Loss of a character model on a text: nats, bits per character and perplexity.

The text is read as parallel streams with the state carried from chunk to chunk (as in
training), in eval mode (no dropout), so every character after the first of a stream is
predicted from all of its stream before it. The characters left over after cutting the
streams continue the last stream and are scored too, so every character but the first counts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from numpy.typing import ArrayLike

from rnnkit import nn
from rnnkit.backends import Device, Runner, get_backend
from rnnkit.text.data import Streams

if TYPE_CHECKING:
    from rnnkit.text.model import CharLM


@dataclass(frozen=True)
class LossReport:
    """Mean cross-entropy of ``chars`` predicted characters.

    Attributes
    ----------
    nats : float
        Mean negative log-likelihood per character, natural log (what the loss reports).
    chars : int
        Characters scored.
    """

    nats: float
    chars: int

    @property
    def bits_per_char(self) -> float:
        """``nats / ln 2``: the size in bits an ideal coder using the model would need."""
        return self.nats / math.log(2.0)

    @property
    def perplexity(self) -> float:
        """``exp(nats)``: the model is as unsure as a uniform choice among this many characters."""
        return math.exp(self.nats) if self.nats < 700 else math.inf

    def to_dict(self) -> dict:
        return {"loss_nats": self.nats, "bits_per_char": self.bits_per_char,
                "perplexity": self.perplexity, "chars": self.chars}


def evaluate_ids(model: CharLM | Runner, ids: ArrayLike, batch_size: int = 32, seq_len: int = 256) -> LossReport:
    """Mean cross-entropy of ``model`` on the id sequence ``ids`` (see the module docstring).

    Parameters
    ----------
    model : CharLM, or a backend's runner of one (``Backend.runner(model)``)
    ids : int array (N,), N >= 2
    batch_size : int
        Parallel streams (fewer for a short text); more is faster but each stream starts from a
        zero state, so its first few characters are predicted with less context.
    seq_len : int
        Steps per forward call; it bounds memory, not the context (the state is carried).
    """
    streams = Streams(ids, batch_size, seq_len)
    criterion = nn.CrossEntropyLoss(reduction="sum")
    was_training = model.training
    model.eval()
    total = 0.0
    state = model.init_state(streams.batch_size)
    try:
        for x, y in streams:
            logits, state = model(x, state)
            total += criterion(logits.reshape(-1, model.vocab_size), y.reshape(-1))
        x, y = streams.tail
        if len(x):
            last = model.state_rows(state, slice(-1, None))
            for start in range(0, len(x), seq_len):
                logits, last = model(x[start:start + seq_len], last)
                total += criterion(logits.reshape(-1, model.vocab_size), y[start:start + seq_len].reshape(-1))
    finally:
        model.train(was_training)
    n = streams.n_targets + len(streams.tail[0])
    return LossReport(total / n, n)


def evaluate(model: CharLM, text: str, batch_size: int = 32, seq_len: int = 256, *, backend: str = "numpy",
             device: Device = None) -> LossReport:
    """Mean cross-entropy of ``model`` on ``text``; characters outside its vocabulary are an
    error (``ValueError`` naming them), since the model gives them no probability.

    ``backend`` ("numpy" or "torch") and ``device`` say who computes; the loss is the same
    number to rounding on either."""
    ids = model.vocab.encode(text, what="text")
    if len(ids) < 2:
        raise ValueError(f"text: expected at least 2 characters to score, got {len(ids)}")
    return evaluate_ids(get_backend(backend, device).runner(model), ids, batch_size, seq_len)
