"""The PyTorch backend: the ``rnnkit.backends`` interface on torch mirrors of engine models.

A :class:`TorchTrainer` mirrors the engine model (``modules.to_torch``), trains the mirror with
``torch.optim.Adam`` (the same update rule as ``rnnkit.nn.Adam``), the same losses and the same
global-norm clipping, and copies the weights back into the engine model when its block ends,
so everything above the backend only ever holds engine modules. The trainees that drive it
(forecasting's minibatch draws, text's chunks and carried state) are the ones the NumPy engine
runs, so both backends run one algorithm: in float64 they agree to rounding.

Several processes (torchrun, ``distributed.py``): a stateless model is wrapped in
DistributedDataParallel. Every rank receives the same *global* minibatch and keeps its slice
(``distributed.shard``); each rank's loss is its sum of squared errors divided by the global
element count and multiplied by the world size, so that DDP's *average* of the ranks'
gradients is exactly the gradient of the global batch's mean, as one process would compute it,
also when the batch does not divide evenly. Validation losses are averaged over the ranks
(:meth:`TorchTrainer.mean_over_ranks`) so that every rank takes the same early-stopping
decision even if their arithmetic differs in the last bit.
"""
from __future__ import annotations

import numpy as np

from rnnkit import nn
from rnnkit.backends import Backend, Trainer, _check_loss
from rnnkit.torch import distributed
from rnnkit.torch import text as _text_mirror  # noqa: F401  (registers the CharLM mirror)
from rnnkit.torch.devices import resolve_device
from rnnkit.torch.modules import copy_to_engine, engine_dtype, to_torch, torch

#: The recurrent state a stateful model carries between chunks: h, or (h, c) for the LSTM, as
#: NumPy arrays (a fresh ``init_state``) or tensors (what :meth:`TorchTrainer.step` returned).
State = np.ndarray | torch.Tensor | tuple[np.ndarray | torch.Tensor, ...] | None


class TorchBackend(Backend):
    """Train and run engine models with PyTorch.

    Parameters
    ----------
    device : str, torch.device or None
        "cpu", "cuda", "cuda:1", ...; None picks "cuda" when a GPU is available, else "cpu".
        Under torchrun, "cuda" means this process's GPU (``cuda:$LOCAL_RANK``).
    """

    name = "torch"

    def __init__(self, device: str | torch.device | None = None):
        super().__init__(resolve_device(device))

    def __repr__(self) -> str:
        return f"TorchBackend(device={str(self.device)!r})"

    def trainer(self, model: nn.Module, *, lr: float, clip_norm: float | None, loss: str = "mse",
                stateful: bool = False, seed: int | np.random.SeedSequence | None = None) -> TorchTrainer:
        _check_loss(loss)
        return TorchTrainer(model, self.device, lr, clip_norm, loss, stateful, seed)

    def runner(self, model: nn.Module) -> TorchRunner:
        return TorchRunner(model, to_torch(model, self.device).eval(), self.device)

    def is_main(self) -> bool:
        return distributed.is_main()


class TorchTrainer(Trainer):
    """One engine model trained as its torch mirror (see the module docstring)."""

    def __init__(self, model: nn.Module, device: torch.device, lr: float, clip_norm: float | None, loss: str,
                 stateful: bool, seed: int | np.random.SeedSequence | None):
        self.engine, self.device, self.clip_norm = model, device, clip_norm
        self.loss, self.stateful, self.seed = loss, stateful, seed
        self.dtype = engine_dtype(model)
        self.mirror = to_torch(model, device).train()
        self.world, self.rank = distributed.world_size(), distributed.rank()
        self.model = self.mirror
        if self.world > 1 and not stateful:
            self.model = torch.nn.parallel.DistributedDataParallel(
                self.mirror, device_ids=[device.index] if device.type == "cuda" else None)
        self.optimizer = torch.optim.Adam(self.mirror.parameters(), lr=lr)
        self._rng = None

    def __enter__(self) -> TorchTrainer:
        # dropout draws from torch's global generator: seed it for this run, then put it back
        devices = [self.device] if self.device.type == "cuda" else []
        self._rng = torch.random.fork_rng(devices=devices)
        self._rng.__enter__()
        if self.seed is not None:  # torch takes one integer: a SeedSequence gives its first word
            seed = self.seed
            torch.manual_seed(int(seed.generate_state(1)[0]) if isinstance(seed, np.random.SeedSequence) else int(seed))
        return self

    def __exit__(self, *exc) -> None:
        try:
            copy_to_engine(self.mirror, self.engine)
        finally:
            self._rng.__exit__(*exc)

    def step(self, x: np.ndarray, y: np.ndarray, state: State = None) -> tuple[torch.Tensor, State]:
        self.mirror.train()
        self.optimizer.zero_grad()
        if self.stateful:
            out, state = self.mirror(_tensor(x, self.dtype, self.device), _to_device(state, self.device, self.dtype))
            V = out.shape[-1]
            targets = _tensor(y, self.dtype, self.device).reshape(-1)
            loss = torch.nn.functional.cross_entropy(out.reshape(-1, V), targets)
            loss.backward()
            state = _detach(state)  # a constant for the next chunk: truncated BPTT
            value = loss.detach()
        else:
            value = self._mse_step(x, y)
        if self.clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(self.mirror.parameters(), self.clip_norm)
        self.optimizer.step()
        return value, state

    def _mse_step(self, x, y):
        """This rank's share of the global batch's mean squared error, backpropagated."""
        size = len(x)
        elements = size * int(np.prod(np.shape(y)[1:]))
        mine = distributed.shard(size, self.rank, self.world)
        if mine.stop > mine.start:
            sse = ((self.model(_tensor(x[mine], self.dtype, self.device))
                    - _tensor(y[mine], self.dtype, self.device)) ** 2).sum()
        else:  # more ranks than examples: this rank still joins DDP's all-reduce, with zeros
            sse = self.model(_tensor(x[:1], self.dtype, self.device)).sum() * 0.0
        (sse * (self.world / elements)).backward()
        return sse.detach() / elements  # summed over ranks in mean_loss: no sync per step

    def mean_loss(self, losses: list) -> float:
        total = torch.stack(losses)
        if self.world > 1 and not self.stateful:
            torch.distributed.all_reduce(total)  # every rank calls this at the same steps
        return float(total.mean())

    def mean_over_ranks(self, value: float) -> float:
        return distributed.mean_over_ranks(value) if self.world > 1 else value

    def runner(self) -> TorchRunner:
        return TorchRunner(self.engine, self.mirror, self.device)

    def snapshot(self) -> dict:
        return {k: v.detach().clone() for k, v in self.mirror.state_dict().items()}

    def restore(self, state: dict) -> None:
        self.mirror.load_state_dict(state)


class TorchRunner:
    """A torch mirror behind its engine model's call: NumPy arrays (and tuples of them) in and
    out, no gradients, eval mode unless :meth:`train` says otherwise. Other attributes are the
    engine model's (a character model's ``vocab``, ``init_state``, ...)."""

    def __init__(self, engine: nn.Module, mirror: torch.nn.Module, device: torch.device):
        self.engine, self.mirror, self.device = engine, mirror, device
        self.dtype = engine_dtype(engine)
        self.mirror.eval()

    def __call__(self, *args):
        inputs = [_to_device(a, self.device, self.dtype) for a in args]
        with torch.no_grad():
            out = self.mirror(*inputs)
        return _to_host(out)

    @property
    def training(self) -> bool:
        return self.mirror.training

    def train(self, mode: bool = True) -> TorchRunner:
        self.mirror.train(mode)
        return self

    def eval(self) -> TorchRunner:
        return self.train(False)

    def __getattr__(self, name):
        return getattr(self.engine, name)


def _tensor(a, dtype, device):
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.integer):  # ids and class targets: torch's indices are int64
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64)).to(device)
    return torch.from_numpy(np.ascontiguousarray(a, dtype=dtype)).to(device)


def _to_device(value, device, dtype):
    if value is None or isinstance(value, torch.Tensor):
        return value
    if isinstance(value, tuple):
        return tuple(_to_device(v, device, dtype) for v in value)
    return _tensor(value, dtype, device)


def _to_host(value):
    if isinstance(value, tuple):
        return tuple(_to_host(v) for v in value)
    return value.detach().cpu().numpy()


def _detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
