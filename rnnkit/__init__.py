"""rnnkit: recurrent neural networks from first principles.

``rnnkit.nn`` is the NumPy engine (RNN, LSTM, GRU with hand-derived backpropagation through
time, equal to torch.nn); ``rnnkit.data``, ``rnnkit.forecast`` and ``rnnkit.text`` build on it.
"""
__version__ = "0.1.0"
