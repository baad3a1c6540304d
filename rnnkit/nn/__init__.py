"""rnnkit.nn: the NumPy engine. Modules with explicit forward and hand-derived backward, with
torch.nn's names, shapes and defaults, so weights move both ways without renaming."""
from rnnkit.nn.clip import clip_grad_norm_, clip_grad_value_
from rnnkit.nn.containers import LastStep, Sequential
from rnnkit.nn.gradcheck import GradcheckResult, gradcheck
from rnnkit.nn.layers import Dropout, Embedding, Linear
from rnnkit.nn.losses import CrossEntropyLoss, MSELoss, cross_entropy, mse_loss
from rnnkit.nn.module import Module, Parameter
from rnnkit.nn.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from rnnkit.nn.recurrent import GRU, LSTM, RNN, RNNBase

__all__ = [
    "Module", "Parameter", "RNN", "LSTM", "GRU", "RNNBase", "Linear", "Embedding", "Dropout",
    "Sequential", "LastStep", "MSELoss", "CrossEntropyLoss", "mse_loss", "cross_entropy",
    "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Optimizer", "clip_grad_norm_",
    "clip_grad_value_", "gradcheck", "GradcheckResult",
]


def __getattr__(name: str):
    # nn.fit, nn.evaluate and nn.History moved to rnnkit.training (the one training loop) in
    # 0.2; the old spelling works for one more release. The import is by name at call time
    # so that the engine itself never depends on the layer above it.
    if name in ("fit", "evaluate", "History"):
        import importlib
        import warnings

        warnings.warn(f"rnnkit.nn.{name} moved to rnnkit.training.{name}; the old name goes in 0.2, the next release",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module("rnnkit.training"), name)
    raise AttributeError(f"module 'rnnkit.nn' has no attribute {name!r}")
