"""Synthetic long-memory tasks: the adding problem and a copy (recall) task.

Both put the information the answer needs at the start (or anywhere) of a long sequence and ask
for it only at the end, so a network can solve them only if gradients carry the error back over
the whole delay. The length is a dial for "how far back": benchmarks/memory_tasks.py trains
each recurrent cell at growing lengths and docs/gradients.md explains the results.

The generators are pure functions of their seed: the same ``seed`` gives the same batch, so a
held-out test set is just a batch drawn with a seed the training stream never uses.

>>> x, y = adding_problem(3, 10, seed=0)
>>> x.shape, y.shape
((3, 10, 2), (3, 1))
>>> bool(np.all(x[:, :, 1].sum(axis=1) == 2))
True
>>> x, y = copy_task(2, 20, n_symbols=8, n_recall=5, seed=0)
>>> x.shape, y.shape, y.dtype
((2, 20, 9), (2, 5), dtype('int64'))
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from rnnkit.data._checks import check_int

__all__ = ["ADDING_BASELINE_MSE", "adding_problem", "copy_chance_loss", "copy_task"]

ADDING_BASELINE_MSE = 1.0 / 6.0
"""Test MSE of always answering 1, the mean of the target: the variance of the sum of two
independent U(0, 1) values, 2 x 1/12. A model must get well below it to show any memory."""


def adding_problem(n: int, length: int, *,
                   seed: int | Sequence[int] | np.random.SeedSequence | np.random.Generator | None = None,
                   dtype: DTypeLike = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Batch of the adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015).

    Each sequence has two input channels. Channel 0 holds values drawn uniformly from [0, 1);
    channel 1 is a marker, 0 everywhere except for exactly two 1s: one at a uniformly drawn
    step of the first half ``[0, length // 2)`` and one in the second half
    ``[length // 2, length)``. The target is the sum of the two marked values, in [0, 2).
    The first marked value can lie up to ``length - 1`` steps before the end, where the
    answer is read, so the task needs a memory as long as the sequence.

    Parameters
    ----------
    n : int
        Number of sequences, >= 1.
    length : int
        Steps per sequence, >= 2 (one marker in each half).
    seed : int, sequence of ints, numpy Generator or None
        Passed to ``numpy.random.default_rng``.
    dtype : float dtype, default float32

    Returns
    -------
    x : numpy.ndarray, shape (n, length, 2), batch first
    y : numpy.ndarray, shape (n, 1)
    """
    n = check_int("n", n)
    length = check_int("length", length, minimum=2)
    rng = np.random.default_rng(seed)
    half = length // 2
    values = rng.random((n, length))
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    rows = np.arange(n)
    marks = np.zeros((n, length))
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    x = np.stack([values, marks], axis=-1).astype(dtype)
    y = (values[rows, first] + values[rows, second])[:, None].astype(dtype)
    return x, y


def copy_task(n: int, length: int, *, n_symbols: int = 8, n_recall: int = 5,
              seed: int | Sequence[int] | np.random.SeedSequence | np.random.Generator | None = None,
              dtype: DTypeLike = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Batch of the copy (recall) task: remember a few symbols over a blank delay.

    A sequence of ``length`` steps has ``n_symbols + 1`` input channels. Steps
    ``0 .. n_recall - 1`` show ``n_recall`` symbols drawn uniformly (with repetition) from
    ``n_symbols``, one-hot in channels ``0 .. n_symbols - 1``. Then come
    ``length - 2 * n_recall`` blank steps (all zeros), and the last ``n_recall`` steps carry
    only a "recall now" flag in channel ``n_symbols``. At those last steps the model must
    output the symbols in the order shown: the target of recall step ``j`` is symbol ``j``,
    which was seen ``length - n_recall`` steps earlier.

    Guessing without memory scores at best ``copy_chance_loss(n_symbols)`` = log(n_symbols)
    nats of cross-entropy per recalled symbol and 1 / n_symbols accuracy.

    Parameters
    ----------
    n : int
        Number of sequences, >= 1.
    length : int
        Steps per sequence, >= 2 * n_recall (a delay of zero is allowed).
    n_symbols : int, default 8
        Alphabet size, >= 2.
    n_recall : int, default 5
        Symbols to remember, >= 1.
    seed : int, sequence of ints, numpy Generator or None
        Passed to ``numpy.random.default_rng``.
    dtype : float dtype of ``x``, default float32

    Returns
    -------
    x : numpy.ndarray, shape (n, length, n_symbols + 1), batch first
    y : numpy.ndarray of int64, shape (n, n_recall), the class id at each recall step
    """
    n = check_int("n", n)
    n_symbols = check_int("n_symbols", n_symbols, minimum=2)
    n_recall = check_int("n_recall", n_recall)
    length = check_int("length", length, minimum=2 * n_recall)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_symbols, size=(n, n_recall))
    x = np.zeros((n, length, n_symbols + 1), dtype=dtype)
    rows = np.arange(n)[:, None]
    x[rows, np.arange(n_recall), y] = 1.0
    x[:, length - n_recall:, n_symbols] = 1.0
    return x, y.astype(np.int64)


def copy_chance_loss(n_symbols: int = 8) -> float:
    """Cross-entropy (nats per recalled symbol) of the best guess without memory: uniform."""
    return math.log(check_int("n_symbols", n_symbols, minimum=2))
