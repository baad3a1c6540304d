"""rnnkit.nn: the NumPy engine. Modules with explicit forward and hand-derived backward."""
from rnnkit.nn.module import Module, Parameter
from rnnkit.nn.recurrent import GRU, LSTM, RNN, RNNBase

__all__ = ["Module", "Parameter", "RNN", "LSTM", "GRU", "RNNBase"]
