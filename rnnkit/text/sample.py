"""Generating text from a character model: a prime, then one character at a time.

The prime is read in one forward call (its state is the context), then each new character is
drawn from ``softmax(logits / temperature)`` restricted to the ``top_k`` most likely ones and
fed back in. Temperature 0 takes the most likely character (greedy), so the output is then
the same for every seed.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rnnkit.backends import Runner
    from rnnkit.text.model import CharLM


def _check(length, temperature, top_k, vocab_size: int) -> None:
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length: expected a non-negative integer, got {length!r}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating)) \
            or not 0 <= temperature < math.inf:
        raise ValueError(f"temperature: expected a number >= 0 (0 = greedy), got {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer))
                              or top_k < 1):
        raise ValueError(f"top_k: expected a positive integer or None, got {top_k!r}")


def next_char_distribution(logits: np.ndarray, temperature: float, top_k: int | None) -> np.ndarray:
    """Probabilities (float64, summing to 1) of the next character from one row of logits."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    if top_k is not None and top_k < len(z):
        cutoff = np.partition(z, len(z) - top_k)[len(z) - top_k]  # the k-th largest logit
        z = np.where(z >= cutoff, z, -np.inf)
    z -= z.max()  # log-sum-exp shift: a low temperature would otherwise overflow exp
    p = np.exp(z)
    return p / p.sum()


def sample(model: CharLM | Runner, prime: str = "", length: int = 200, temperature: float = 1.0,
           top_k: int | None = None, seed: int | np.random.SeedSequence | None = None) -> str:
    """Continue ``prime`` by ``length`` characters.

    Parameters
    ----------
    model : CharLM, or a backend's runner of one (``Backend.runner(model)``)
    prime : str
        Text to start from; every character must be in the model's vocabulary. Empty: start
        from a newline if the vocabulary has one (a fresh paragraph), else from a character
        drawn uniformly with ``seed``; that character is then part of the result.
    length : int
        Characters to generate after the prime.
    temperature : float >= 0
        Below 1 sharpens the distribution, above 1 flattens it; 0 is greedy (argmax).
    top_k : int or None
        Draw only among the ``top_k`` most likely characters.
    seed : int, SeedSequence or None
        The same seed gives the same text.

    Returns
    -------
    str : the prime followed by the generated characters. :func:`generate` gives the same text
    piece by piece, in bounded memory, for long outputs.
    """
    return "".join(generate(model, prime, length, temperature, top_k, seed))


def generate(model: CharLM | Runner, prime: str = "", length: int = 200, temperature: float = 1.0,
             top_k: int | None = None, seed: int | np.random.SeedSequence | None = None,
             chunk: int = 256) -> Iterator[str]:
    """:func:`sample` as a stream: yields the prime, then the generated text ``chunk``
    characters at a time (the same characters for the same seed), so any length can be
    written out as it comes."""
    vocab = model.vocab
    _check(length, temperature, top_k, len(vocab))
    rng = np.random.default_rng(seed)
    if not isinstance(prime, str):
        raise ValueError(f"prime: expected a string, got {type(prime).__name__}")
    if not prime:
        prime = "\n" if "\n" in vocab else vocab.chars[rng.integers(len(vocab))]
    ids = vocab.encode(prime, what="prime")
    was_training = model.training
    model.eval()
    try:
        yield prime
        logits, state = model(ids[:, None])
        last = logits[-1, 0]
        token = np.empty((1, 1), dtype=np.int64)
        out = []
        for step in range(length):
            if temperature == 0:
                nxt = int(np.argmax(last))
            else:
                p = next_char_distribution(last, temperature, top_k)
                # inverse CDF with one uniform draw: reproducible and cheaper than rng.choice.
                # Scaling by cdf[-1] (1 up to rounding) keeps the draw below the last step, so
                # the index found always has p > 0 (never a character cut by top_k).
                cdf = np.cumsum(p)
                nxt = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
            out.append(nxt)
            if len(out) == chunk or step == length - 1:
                yield vocab.decode(np.array(out, dtype=np.int64))
                out = []
            token[0, 0] = nxt
            logits, state = model(token, state)
            last = logits[-1, 0]
    finally:
        model.train(was_training)
