"""Train one small network on forecasting examples: Adam, gradient clipping, minibatches drawn
with a seed, early stopping on held-out examples (the latest origins), best weights kept.

The Forecaster talks to its networks through a *backend* (``train`` and ``predict``).
:class:`NumpyBackend` runs them on the engine; ``rnnkit.torch.forecast.TorchBackend`` runs the
same algorithm on PyTorch (GPU, several processes). Networks are always kept as engine modules
between calls, so files, diagnostics and both backends see the same weights.
"""
from __future__ import annotations

import time

import numpy as np

from rnnkit import nn
from rnnkit._backend import check_backend


def build_network(cell: str, n_inputs: int, hidden_size: int, num_layers: int, n_outputs: int,
                  seed: int, dtype=np.float32) -> nn.Sequential:
    """recurrent layer -> last step -> linear: the seeds' forecaster."""
    rnn_cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    return nn.Sequential(
        rnn_cls(n_inputs, hidden_size, num_layers=num_layers, batch_first=True, dtype=dtype, seed=seed),
        nn.LastStep(batch_first=True),
        nn.Linear(hidden_size, n_outputs, dtype=dtype, seed=seed + 1),
    )


class NumpyBackend:
    """Train and run forecasting networks on the NumPy engine (one CPU process)."""

    name = "numpy"

    def train(self, net: nn.Module, x, y, **kwargs) -> dict:
        return train_network(net, x, y, **kwargs)

    def predict(self, net: nn.Module, x: np.ndarray) -> np.ndarray:
        return predict_batches(net, x)


def get_backend(name: str, device: str | None = None):
    """The backend called ``name`` ("numpy" or "torch") on ``device`` (torch only: "cpu",
    "cuda", "cuda:1", ...; None picks cuda when available)."""
    check_backend(name, device)
    if name == "torch":
        from rnnkit.torch.forecast import TorchBackend

        return TorchBackend(device)
    return NumpyBackend()


def predict_batches(net: nn.Module, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    net.eval()
    return np.concatenate([net(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


class EarlyStopping:
    """Keep the best validation loss seen, the step and the weights it came with, and say when
    ``patience`` evaluations in a row have not improved on it (by more than 1e-7)."""

    def __init__(self, patience: int, initial_state):
        self.patience, self.bad = patience, 0
        self.best_loss, self.best_step, self.best_state = np.inf, 0, initial_state

    def should_stop(self, step: int, loss: float, snapshot) -> bool:
        """Record the loss at ``step``; ``snapshot()`` copies the weights when it is the best."""
        if loss < self.best_loss - 1e-7:
            self.best_loss, self.best_step, self.best_state, self.bad = loss, step, snapshot(), 0
            return False
        self.bad += 1
        return self.bad >= self.patience


def train_network(net: nn.Module, x, y, *, x_val=None, y_val=None, lr: float, batch_size: int,
                  max_steps: int, eval_every: int, patience: int, clip_norm: float, seed: int,
                  fixed_steps: int | None = None, on_step=None) -> dict:
    """Train in place. With validation data, stop after ``patience`` evaluations without
    improvement and restore the best weights; with ``fixed_steps``, train exactly that long.

    Returns a summary: steps run, best step, train and validation loss curves, seconds.
    """
    rng = np.random.default_rng(seed)
    optimizer = nn.Adam(net.parameters(), lr=lr)
    loss = nn.MSELoss()
    steps = fixed_steps if fixed_steps is not None else max_steps
    stopper = EarlyStopping(patience, net.state_dict())
    curve, val_curve, running = [], [], []
    start = time.perf_counter()
    for step in range(1, steps + 1):
        net.train()
        idx = rng.integers(0, len(x), size=min(batch_size, len(x)))
        net.zero_grad()
        running.append(loss(net(x[idx]), y[idx]))
        net.backward(loss.backward())
        nn.clip_grad_norm_(net.parameters(), clip_norm)
        optimizer.step()
        if on_step is not None:
            on_step()
        if step % eval_every and step != steps:
            continue
        curve.append((step, float(np.mean(running))))
        running = []
        if x_val is None or fixed_steps is not None:
            continue
        val = float(np.mean((predict_batches(net, x_val) - y_val) ** 2))
        val_curve.append((step, val))
        if stopper.should_stop(step, val, net.state_dict):
            break
    if x_val is not None and fixed_steps is None:
        net.load_state_dict(stopper.best_state)
    return {"steps": step, "best_step": stopper.best_step if x_val is not None else step,
            "train_curve": curve, "val_curve": val_curve, "seconds": time.perf_counter() - start}
