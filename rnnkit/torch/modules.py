"""Engine modules mirrored as ``torch.nn`` modules, and weights copied both ways.

The engine follows torch's parameter names, shapes, gate orders and dtypes exactly
(DESIGN.md, section 3), so a mirror is a torch module of the same kind and configuration
whose ``state_dict`` has the same keys: ``0.weight_ih_l0``, ``2.bias`` for the forecaster's
``Sequential``; ``embedding.weight``, ``rnn.weight_hh_l1``, ``head.weight`` for the character
model. Copying a state dict is then all a conversion takes, in either direction.

Mirrors are built on the "meta" device and then given empty storage (what
``torch.nn.utils.skip_init`` does, which refuses the recurrent layers' ``*args`` signature):
their weights are overwritten at once, so drawing torch's random initial weights would only
waste time and move torch's global RNG.
"""
from __future__ import annotations


import numpy as np

from rnnkit import nn
from rnnkit.torch._require import require_torch
from rnnkit.torch.distributed import local_rank

torch = require_torch()
tnn = torch.nn

_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}
_DEVICE_TYPES = ("cpu", "cuda")


def torch_dtype(dtype) -> torch.dtype:
    """The torch dtype of a NumPy float dtype (float32 or float64)."""
    try:
        return _DTYPES[np.dtype(dtype)]
    except (KeyError, TypeError):
        raise ValueError(f"dtype: expected float32 or float64, got {dtype!r}") from None


def engine_dtype(module: nn.Module) -> np.dtype:
    """The dtype of an engine module's parameters (float32 or float64)."""
    params = module.parameters()
    if not params:
        raise ValueError(f"module: expected a module with parameters, got {type(module).__name__}")
    return params[0].data.dtype


def resolve_device(device=None) -> torch.device:
    """The torch device for ``device``: None picks "cuda" when a GPU is available, else "cpu".

    A bare "cuda" under torchrun means this process's own GPU, ``cuda:$LOCAL_RANK``.
    Raises ``ValueError`` for an unknown device or a GPU that is not there.
    """
    if device is None:
        # is_available is a function: `if torch.cuda.is_available:` is always true (a classic bug)
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if isinstance(device, torch.device):
        dev = device
    elif isinstance(device, str):
        try:
            dev = torch.device(device)
        except (RuntimeError, ValueError):
            dev = None
        if dev is None or dev.type not in _DEVICE_TYPES:
            raise ValueError(f"device: expected 'cpu', 'cuda' or 'cuda:N', got {device!r}")
    else:
        raise TypeError(f"device: expected a string such as 'cpu' or 'cuda', got {type(device).__name__}")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device: {str(device)!r} requested but no CUDA GPU is available "
                             "(torch.cuda.is_available() is False); use device='cpu'")
        if dev.index is None:
            dev = torch.device("cuda", local_rank())
        if dev.index >= torch.cuda.device_count():
            raise ValueError(f"device: {str(dev)!r} requested but only "
                             f"{torch.cuda.device_count()} CUDA GPU(s) are visible")
    return dev


class LastStep(tnn.Module):
    """``out[:, -1]`` (batch_first) or ``out[-1]``: the engine's :class:`rnnkit.nn.LastStep`."""

    def __init__(self, batch_first: bool = False):
        super().__init__()
        self.batch_first = batch_first

    def forward(self, x):
        if isinstance(x, tuple):  # a recurrent layer's (output, h_n)
            x = x[0]
        return x[:, -1] if self.batch_first else x[-1]


class TorchCharLM(tnn.Module):
    """The character model (``rnnkit.text.CharLM``) in torch: same children, same names."""

    def __init__(self, embedding, rnn, drop, head, vocab_size: int, dtype):
        super().__init__()
        self.embedding, self.rnn, self.drop, self.head = embedding, rnn, drop, head
        self.vocab_size = vocab_size
        self.dtype = dtype

    def forward(self, ids, state=None):
        """Logits (T, B, V) and the final state from ids (T, B), time-major like the engine."""
        if self.embedding is not None:
            x = self.embedding(ids)
        else:  # one-hot input, as the engine's identity-row lookup
            x = torch.nn.functional.one_hot(ids, self.vocab_size).to(self.dtype)
        out, state = self.rnn(x, state)
        return self.head(self.drop(out)), state


def skip_init(cls, *args, device, **kwargs):
    """``cls(*args, **kwargs)`` on ``device`` with uninitialised weights."""
    return cls(*args, device="meta", **kwargs).to_empty(device=device)


def _recurrent(m: nn.RNNBase, device, dtype):
    kwargs = {"num_layers": m.num_layers, "bias": m.bias, "batch_first": m.batch_first,
              "dropout": m.dropout, "bidirectional": m.bidirectional, "device": device, "dtype": dtype}
    if isinstance(m, nn.LSTM):
        cls = tnn.LSTM
    elif isinstance(m, nn.GRU):
        cls = tnn.GRU
    else:
        cls, kwargs["nonlinearity"] = tnn.RNN, m.nonlinearity
    return skip_init(cls, m.input_size, m.hidden_size, **kwargs)


def _structure(m: nn.Module, device, dtype):
    """A torch module of the same structure as engine module ``m`` (weights not yet set)."""
    if isinstance(m, nn.RNNBase):
        return _recurrent(m, device, dtype)
    if isinstance(m, nn.Linear):
        return skip_init(tnn.Linear, m.in_features, m.out_features, bias=m.bias is not None,
                         device=device, dtype=dtype)
    if isinstance(m, nn.Embedding):
        return skip_init(tnn.Embedding, m.num_embeddings, m.embedding_dim, device=device, dtype=dtype)
    if isinstance(m, nn.Dropout):
        return tnn.Dropout(m.p)
    if isinstance(m, nn.LastStep):
        return LastStep(m.batch_first)
    if isinstance(m, nn.Sequential):
        return tnn.Sequential(*[_structure(child, device, dtype) for child in m])
    from rnnkit.text.model import (
        CharLM,  # text depends on nn only; imported here, when needed
    )

    if isinstance(m, CharLM):
        emb = None if m.embedding is None else _structure(m.embedding, device, dtype)
        return TorchCharLM(emb, _structure(m.rnn, device, dtype), _structure(m.drop, device, dtype),
                           _structure(m.head, device, dtype), m.vocab_size, dtype)
    raise TypeError(f"module: expected an rnnkit Sequential, RNN/LSTM/GRU, Linear, Embedding, "
                    f"Dropout, LastStep or CharLM, got {type(m).__name__}")


def to_torch(module: nn.Module, device=None) -> torch.nn.Module:
    """A ``torch.nn`` mirror of the engine ``module`` holding copies of its weights.

    Parameters
    ----------
    module : rnnkit.nn.Module
        The forecaster's ``Sequential`` (recurrent layer, ``LastStep``, ``Linear``), a
        ``CharLM``, or one of their layers.
    device : str, torch.device or None
        See :func:`resolve_device`.

    Returns
    -------
    torch.nn.Module
        Same ``state_dict`` keys, shapes and dtype (float32 or float64) as the engine
        module, in the engine module's train/eval mode.
    """
    dev = resolve_device(device)
    mirror = _structure(module, dev, torch_dtype(engine_dtype(module)))
    copy_to_torch(module, mirror)
    return mirror.train(module.training)


def copy_to_torch(module: nn.Module, mirror) -> None:
    """Copy the engine ``module``'s weights into its torch ``mirror`` (same keys)."""
    mirror.load_state_dict({k: torch.from_numpy(v) for k, v in module.state_dict().items()})


def copy_to_engine(mirror, module: nn.Module) -> None:
    """Copy a torch ``mirror``'s weights back into the engine ``module`` (same keys, same dtype)."""
    mirror = getattr(mirror, "module", mirror)  # unwrap DistributedDataParallel
    module.load_state_dict({k: v.detach().cpu().numpy() for k, v in mirror.state_dict().items()})
