"""The standard set of finite-difference checks: every cell and option of the engine, every
layer and loss, and a stacked model. Used by ``rnnkit gradcheck`` and by the test suite."""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from rnnkit.nn.containers import LastStep, Sequential
from rnnkit.nn.layers import Dropout, Embedding, Linear
from rnnkit.nn.losses import CrossEntropyLoss, MSELoss
from rnnkit.nn.recurrent import GRU, LSTM, RNN

F64 = np.float64
CELLS = (("rnn", "tanh"), ("rnn", "relu"), ("lstm", None), ("gru", None))


def _recurrent(cell: str, nonlinearity, **kwargs):
    cls = {"rnn": RNN, "lstm": LSTM, "gru": GRU}[cell]
    if nonlinearity is not None:
        kwargs["nonlinearity"] = nonlinearity
    return cls(3, 4, dtype=F64, **kwargs)


def recurrent_cases(quick: bool = False) -> Iterator[tuple[str, object, tuple]]:
    """(description, module, inputs) for cell x nonlinearity x layers x directions x bias x
    lengths x batch_first, in train mode with dropout between layers. ``quick`` keeps the corners
    (1 layer plain; 2 layers bidirectional with every option on)."""
    rng = np.random.default_rng(0)
    T, B = 5, 3
    options = itertools.product((1, 2), (False, True), (True, False), (False, True), (False, True))
    for (cell, nl), (layers, bidi, bias, variable, batch_first) in itertools.product(CELLS, options):
        if quick and (layers, bidi, variable) not in ((1, False, False), (2, True, True)):
            continue
        module = _recurrent(cell, nl, num_layers=layers, bidirectional=bidi, bias=bias,
                            batch_first=batch_first, dropout=0.25 if layers > 1 else 0.0, seed=1)
        x = rng.standard_normal((B, T, 3) if batch_first else (T, B, 3))
        shape = (layers * (2 if bidi else 1), B, 4)
        hx = rng.standard_normal(shape)
        if cell == "lstm":
            hx = (hx, rng.standard_normal(shape))
        lengths = [T, 2, 4] if variable else None
        name = (f"{cell}{'-' + nl if nl else ''} layers={layers} "
                f"{'bidirectional' if bidi else 'forward'} bias={bias} "
                f"lengths={'variable' if variable else 'full'} batch_first={batch_first}")
        yield name, module, (x, hx, lengths)


def other_cases() -> Iterator[tuple[str, object, tuple]]:
    """Feed-forward layers, losses and a stacked model (the seeds' forecaster)."""
    rng = np.random.default_rng(1)
    yield "linear", Linear(3, 2, dtype=F64, seed=0), (rng.standard_normal((4, 3)),)
    yield "linear on sequences", Linear(3, 2, dtype=F64, seed=0), (rng.standard_normal((2, 4, 3)),)
    yield "embedding", Embedding(6, 3, dtype=F64, seed=0), (np.array([[0, 5, 2], [2, 2, 1]]),)
    yield "dropout", Dropout(0.3, seed=0), (rng.standard_normal((4, 5)),)
    yield "mse loss", MSELoss(), (rng.standard_normal((4, 2)), rng.standard_normal((4, 2)))
    yield "mse loss (sum)", MSELoss("sum"), (rng.standard_normal((4, 2)), rng.standard_normal((4, 2)))
    yield "cross-entropy", CrossEntropyLoss(), (3 * rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2]))
    yield ("cross-entropy with ignore_index", CrossEntropyLoss(ignore_index=-1),
           (rng.standard_normal((5, 4)), np.array([0, -1, 1, -1, 2])))
    model = Sequential(LSTM(1, 6, batch_first=True, dtype=F64, seed=0), LastStep(batch_first=True),
                       Linear(6, 1, dtype=F64, seed=0))
    yield "lstm -> last step -> linear", model, (rng.standard_normal((3, 7, 1)),)


def all_cases(quick: bool = False) -> Iterator[tuple[str, object, tuple]]:
    yield from recurrent_cases(quick)
    yield from other_cases()
