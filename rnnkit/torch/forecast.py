"""The forecasting backend on PyTorch: ``train`` and ``predict`` for the Forecaster's networks.

:class:`TorchBackend` runs exactly the algorithm of ``rnnkit.forecast._training.train_network``
on a torch mirror of the engine network (``modules.to_torch``) and copies the trained weights
back, so the Forecaster, its files and its diagnostics only ever see engine modules. Same
minibatch indices (drawn from the same seeded NumPy generator), same Adam (``torch.optim.Adam``
follows the same update rule as ``rnnkit.nn.Adam``), same mean squared error, same global-norm
clipping, evaluation schedule, early stopping and best-weight restore. In float64 the two
backends agree to rounding; in float32 they drift apart slowly, as any two float32 programs do.

Under a process group of several ranks (torchrun, see ``distributed.py``) the network is
wrapped in DistributedDataParallel. Every rank draws the same *global* minibatch and keeps its
slice (``distributed.shard``); each rank's loss is its sum of squared errors divided by the
global element count and multiplied by the world size, so that DDP's *average* of the ranks'
gradients is exactly the gradient of the global batch's mean, as one process would compute it,
also when the batch does not divide evenly. Validation runs on every rank on the whole
validation set and the loss is averaged over the ranks before the early-stopping decision, so
all ranks take the same decisions even if their arithmetic differs in the last bit.
"""
from __future__ import annotations

import time

import numpy as np

from rnnkit import nn
from rnnkit.forecast._training import EarlyStopping
from rnnkit.torch import distributed
from rnnkit.torch.modules import (
    copy_to_engine,
    engine_dtype,
    resolve_device,
    to_torch,
    torch,
)


class TorchBackend:
    """Train and run the Forecaster's networks with PyTorch.

    Parameters
    ----------
    device : str, torch.device or None
        "cpu", "cuda", "cuda:1", ...; None picks "cuda" when a GPU is available, else "cpu".
        Under torchrun, "cuda" means this process's GPU (``cuda:$LOCAL_RANK``).

    Examples
    --------
    >>> from rnnkit.forecast._training import build_network
    >>> net = build_network("gru", 1, 16, 1, 3, seed=0)
    >>> backend = TorchBackend("cpu")                                    # doctest: +SKIP
    >>> summary = backend.train(net, x, y, lr=3e-3, batch_size=64, max_steps=100,
    ...                         eval_every=25, patience=5, clip_norm=1.0, seed=0)  # doctest: +SKIP
    """

    name = "torch"

    def __init__(self, device=None):
        self.device = resolve_device(device)

    def __repr__(self) -> str:
        return f"TorchBackend(device={str(self.device)!r})"

    def train(self, net: nn.Module, x, y, **kwargs) -> dict:
        """Train the engine network ``net`` in place; arguments and summary as
        ``rnnkit.forecast._training.train_network``."""
        return train_network(net, x, y, device=self.device, **kwargs)

    def predict(self, net: nn.Module, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Outputs of ``net`` (eval mode) for inputs ``x`` (N, T, F), as a NumPy array."""
        module = to_torch(net, self.device).eval()
        return _predict(module, _tensor(x, engine_dtype(net), self.device), batch_size)


def _tensor(a, dtype, device):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=dtype)).to(device)


def _predict(module, x, batch_size: int = 1024) -> np.ndarray:
    module.eval()
    with torch.no_grad():
        out = [module(x[i:i + batch_size]).cpu().numpy() for i in range(0, len(x), batch_size)]
    return np.concatenate(out)


def train_network(net: nn.Module, x, y, *, device=None, x_val=None, y_val=None, lr: float,
                  batch_size: int, max_steps: int, eval_every: int, patience: int,
                  clip_norm: float, seed: int, fixed_steps: int | None = None, on_step=None) -> dict:
    """``rnnkit.forecast._training.train_network`` on PyTorch, on one or several processes.

    Trains the engine network ``net`` in place (its weights are replaced by the trained ones)
    and returns the same summary: steps run, best step, train and validation loss curves,
    seconds. See the module docstring for the distributed case.
    """
    dev = resolve_device(device)
    dtype = engine_dtype(net)
    module = to_torch(net, dev)
    world, rank = distributed.world_size(), distributed.rank()
    model = module
    if world > 1:
        model = torch.nn.parallel.DistributedDataParallel(
            module, device_ids=[dev.index] if dev.type == "cuda" else None)
    X, Y = _tensor(x, dtype, dev), _tensor(y, dtype, dev)
    X_val = None if x_val is None else _tensor(x_val, dtype, dev)
    rng = np.random.default_rng(seed)  # the same draws on every rank and in the numpy backend
    optimizer = torch.optim.Adam(module.parameters(), lr=lr)
    steps = fixed_steps if fixed_steps is not None else max_steps
    size = min(batch_size, len(x))
    elements = size * int(np.prod(Y.shape[1:]))  # squared errors in one global batch
    stopper = EarlyStopping(patience, _copy_state(module))
    curve, val_curve, running = [], [], []
    start = time.perf_counter()
    for step in range(1, steps + 1):
        module.train()
        idx = rng.integers(0, len(x), size=size)
        mine = idx[distributed.shard(size, rank, world)]
        optimizer.zero_grad()
        if len(mine):
            rows = torch.from_numpy(mine).to(dev)
            sse = ((model(X[rows]) - Y[rows]) ** 2).sum()
        else:  # more ranks than examples: this rank still joins DDP's all-reduce, with zeros
            sse = model(X[:1]).sum() * 0.0
        (sse * (world / elements)).backward()
        torch.nn.utils.clip_grad_norm_(module.parameters(), clip_norm)
        optimizer.step()
        running.append(sse.detach())  # summed on the host only at evaluations: no sync per step
        if on_step is not None:
            on_step()
        if step % eval_every and step != steps:
            continue
        curve.append((step, _mean_loss(running, elements, world)))
        running = []
        if x_val is None or fixed_steps is not None:
            continue
        val = float(np.mean((_predict(module, X_val) - y_val) ** 2))  # as the numpy backend
        if world > 1:  # one decision for every rank, even if their arithmetic differed by a bit
            val = distributed.mean_over_ranks(val)
        val_curve.append((step, val))
        if stopper.should_stop(step, val, lambda: _copy_state(module)):
            break
    if x_val is not None and fixed_steps is None:
        module.load_state_dict(stopper.best_state)
    copy_to_engine(module, net)
    return {"steps": step, "best_step": stopper.best_step if x_val is not None else step,
            "train_curve": curve, "val_curve": val_curve, "seconds": time.perf_counter() - start}


def _copy_state(module) -> dict:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _mean_loss(sses: list, elements: int, world: int) -> float:
    """Mean over steps of each global batch's mean squared error."""
    total = torch.stack(sses)
    if world > 1:
        torch.distributed.all_reduce(total)  # every rank calls this at the same steps
    return float((total / elements).mean())
