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
from rnnkit.nn.train import History, evaluate, fit

__all__ = [
    "Module", "Parameter", "RNN", "LSTM", "GRU", "RNNBase", "Linear", "Embedding", "Dropout",
    "Sequential", "LastStep", "MSELoss", "CrossEntropyLoss", "mse_loss", "cross_entropy",
    "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Optimizer", "clip_grad_norm_",
    "clip_grad_value_", "gradcheck", "GradcheckResult", "fit", "evaluate", "History",
]
