"""The one table of recurrent cells: everything that needs to know which cells exist, how they
are spelled, which engine and torch class implements each and how many gate blocks it has
reads it from here (forecasting, text, diagnostics, the torch mirrors, the CLI's choices).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rnnkit.nn.recurrent import GRU, LSTM, RNN, RNNBase


@dataclass(frozen=True)
class Cell:
    """One recurrent cell.

    Attributes
    ----------
    name : str
        How users spell it: "gru", "lstm" or "rnn".
    module : type
        The engine class (``rnnkit.nn.GRU``, ...).
    torch_class : str
        The ``torch.nn`` class of the same name and weights ("GRU", "LSTM", "RNN").
    gates : tuple of str
        Gate blocks of ``weight_ih``/``weight_hh`` in torch's order.
    n_states : int
        1 (h) or 2 (h, c).
    """

    name: str
    module: type
    torch_class: str
    gates: tuple[str, ...]
    n_states: int


CELLS: dict[str, Cell] = {c.name: c for c in (
    Cell("gru", GRU, "GRU", ("r", "z", "n"), 1),
    Cell("lstm", LSTM, "LSTM", ("i", "f", "g", "o"), 2),
    Cell("rnn", RNN, "RNN", ("h",), 1),
)}
CELL_NAMES: tuple[str, ...] = tuple(CELLS)  # the order every menu shows
NONLINEARITIES: tuple[str, ...] = ("tanh", "relu")


def get_cell(name: str, argument: str = "cell") -> Cell:
    """The :class:`Cell` called ``name``; ValueError naming ``argument`` otherwise."""
    try:
        return CELLS[name]
    except (KeyError, TypeError):
        raise ValueError(f"{argument}: expected one of {list(CELL_NAMES)}, got {name!r}") from None


def cell_of(module: RNNBase) -> Cell:
    """The :class:`Cell` of an engine recurrent layer."""
    for cell in CELLS.values():
        if type(module) is cell.module:
            return cell
    raise TypeError(f"module: expected nn.RNN, nn.LSTM or nn.GRU, got {type(module).__name__}")


def cell_kind(module: RNNBase) -> str:
    """The cell with its nonlinearity, for per-step maths: "rnn_tanh", "rnn_relu", "lstm", "gru"."""
    cell = cell_of(module)
    return f"rnn_{module.nonlinearity}" if cell.name == "rnn" else cell.name


def make_recurrent(name: str, input_size: int, hidden_size: int, **kwargs: Any) -> RNNBase:
    """An engine layer of cell ``name``; ``nonlinearity`` is passed to the plain RNN only."""
    cell = get_cell(name)
    nonlinearity = kwargs.pop("nonlinearity", "tanh")
    if cell.name == "rnn":
        kwargs["nonlinearity"] = nonlinearity
    return cell.module(input_size, hidden_size, **kwargs)
