"""Character models on PyTorch: training, evaluation and sampling with the torch backend.

Training mirrors ``rnnkit.text.train``'s loop step for step: the same streams and chunks, the
same truncated BPTT with the state carried from chunk to chunk (detached, so gradients stop
at the chunk's start), the same Adam, cross-entropy and clipping, the same evaluations. Only
``step`` and ``validate`` are replaced (:class:`TorchLoop` subclasses the engine's loop), so
the schedule, budget and summary cannot drift apart. Without dropout, float64 runs on the two
backends give the same weights to rounding; dropout masks come from torch's generator
(seeded with the training seed) and so differ from the engine's.

Evaluation and sampling run the engine's own code on :class:`TorchLM`, an adapter that makes a
torch mirror look like a ``CharLM`` (NumPy in, NumPy out), so the loss of a model is the same
number on either backend.
"""
from __future__ import annotations

import numpy as np

from rnnkit.text.evaluate import LossReport, evaluate_ids
from rnnkit.text.evaluate import evaluate as _evaluate
from rnnkit.text.model import CharLM
from rnnkit.text.train import _Loop
from rnnkit.torch.modules import copy_to_engine, resolve_device, to_torch, torch


def _to_device(state, device):
    if state is None or isinstance(state, torch.Tensor):
        return state
    if isinstance(state, tuple):
        return tuple(_to_device(s, device) for s in state)
    return torch.from_numpy(np.ascontiguousarray(state)).to(device)


def _detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def _ids(a, device):
    return torch.from_numpy(np.asarray(a, dtype=np.int64)).to(device)


class TorchLM:
    """A torch mirror of a :class:`CharLM` behind the CharLM interface used by evaluation and
    sampling: ``model(ids, state) -> (logits, state)`` with NumPy arrays, ``init_state``,
    ``state_rows``, ``vocab``, ``train``/``eval``. No gradients are kept.

    Parameters
    ----------
    model : CharLM
        Engine model whose weights are copied (later changes to it are not seen).
    device : str, torch.device or None
        See ``rnnkit.torch.modules.resolve_device``.
    mirror : torch.nn.Module, optional
        An existing mirror to use instead of making one (training's, which holds the weights).
    """

    state_rows = staticmethod(CharLM.state_rows)

    def __init__(self, model: CharLM, device=None, mirror=None):
        self.engine = model
        self.device = resolve_device(device)
        self.mirror = mirror if mirror is not None else to_torch(model, self.device)
        self.vocab, self.config, self.dtype = model.vocab, model.config, model.dtype

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def training(self) -> bool:
        return self.mirror.training

    def train(self, mode: bool = True) -> TorchLM:
        self.mirror.train(mode)
        return self

    def eval(self) -> TorchLM:
        return self.train(False)

    def init_state(self, batch_size: int):
        return self.engine.init_state(batch_size)

    def __call__(self, ids, state=None):
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise ValueError(f"ids: expected a (T, B) array of character ids, got shape {ids.shape}")
        with torch.no_grad():
            logits, state = self.mirror(_ids(ids, self.device), _to_device(state, self.device))
        host = (lambda s: s.cpu().numpy())
        state = tuple(map(host, state)) if isinstance(state, tuple) else host(state)
        return host(logits), state


def evaluate(model: CharLM, text: str, batch_size: int = 32, seq_len: int = 256,
             device=None) -> LossReport:
    """``rnnkit.text.evaluate`` computed by PyTorch on ``device``: the same loss to rounding."""
    return _evaluate(TorchLM(model, device), text, batch_size, seq_len)


class TorchLoop(_Loop):
    """``rnnkit.text.train``'s loop with each step and evaluation run by PyTorch.

    The engine ``model`` is mirrored at the start and receives the trained weights at the end,
    so :func:`rnnkit.text.train` returns the same kind of ``CharLM`` (and file) as always.
    """

    def __init__(self, model: CharLM, streams, val_ids, config, progress: bool, device=None):
        super().__init__(model, streams, val_ids, config, progress)
        self.device = resolve_device(device)
        self.mirror = to_torch(model, self.device).train()
        self.optimizer = torch.optim.Adam(self.mirror.parameters(), lr=config.lr)

    def step(self, x, y, state):
        V = self.model.vocab_size
        self.optimizer.zero_grad()
        logits, state = self.mirror(_ids(x, self.device), _to_device(state, self.device))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), _ids(y, self.device).reshape(-1))
        loss.backward()
        if self.config.clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(self.mirror.parameters(), self.config.clip_norm)
        self.optimizer.step()
        # the carried state is a constant for the next chunk: truncated BPTT
        return loss.item(), _detach(state)

    def validate(self) -> LossReport | None:
        if len(self.val_ids) < 2:
            return None
        lm = TorchLM(self.model, self.device, mirror=self.mirror)
        return evaluate_ids(lm, self.val_ids, batch_size=max(self.streams.batch_size, 32))

    def run(self):
        devices = [self.device] if self.device.type == "cuda" else []
        # dropout draws from torch's global generator: seed it for this run, then put it back
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self.config.seed)
            try:
                return super().run()
            finally:
                copy_to_engine(self.mirror, self.model)
