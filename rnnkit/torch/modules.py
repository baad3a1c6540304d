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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import DTypeLike

from rnnkit import nn
from rnnkit.nn.cell_table import cell_of
from rnnkit.torch._require import require_torch
from rnnkit.torch.devices import resolve_device

if TYPE_CHECKING:  # type checkers see the module itself (require_torch returns a plain ModuleType)
    import torch
else:
    torch = require_torch()
tnn = torch.nn

_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}
_M = TypeVar("_M", bound=torch.nn.Module)
_E = TypeVar("_E", bound=nn.Module)


def torch_dtype(dtype: DTypeLike) -> torch.dtype:
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


class LastStep(tnn.Module):
    """``out[:, -1]`` (batch_first) or ``out[-1]``: the engine's :class:`rnnkit.nn.LastStep`."""

    def __init__(self, batch_first: bool = False):
        super().__init__()
        self.batch_first = batch_first

    def forward(self, x: torch.Tensor | tuple[torch.Tensor, torch.Tensor | tuple[torch.Tensor, torch.Tensor]]
                ) -> torch.Tensor:
        if isinstance(x, tuple):  # a recurrent layer's (output, h_n)
            x = x[0]
        return x[:, -1] if self.batch_first else x[-1]


def skip_init(cls: type[_M], *args: Any, device: str | torch.device, **kwargs: Any) -> _M:
    """``cls(*args, **kwargs)`` on ``device`` with uninitialised weights."""
    return cls(*args, device="meta", **kwargs).to_empty(device=device)


def _recurrent(m: nn.RNNBase, device, dtype):
    kwargs = {"num_layers": m.num_layers, "bias": m.bias, "batch_first": m.batch_first,
              "dropout": m.dropout, "bidirectional": m.bidirectional, "device": device, "dtype": dtype}
    cell = cell_of(m)
    if cell.name == "rnn":
        kwargs["nonlinearity"] = m.nonlinearity
    return skip_init(getattr(tnn, cell.torch_class), m.input_size, m.hidden_size, **kwargs)


# Engine classes whose mirror is built by a function of (engine module, device, dtype); models
# of the packages above (rnnkit.text's CharLM) add theirs with register_mirror.
_MIRRORS = {}


def register_mirror(engine_cls: type[_E], build: Callable[[_E, torch.device, torch.dtype], torch.nn.Module]) -> None:
    """Mirror instances of ``engine_cls`` with ``build(module, device, dtype)``."""
    _MIRRORS[engine_cls] = build


def mirror_structure(m: nn.Module, device: torch.device, dtype: torch.dtype) -> torch.nn.Module:
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
        return tnn.Sequential(*[mirror_structure(child, device, dtype) for child in m])
    for cls, build in _MIRRORS.items():
        if isinstance(m, cls):
            return build(m, device, dtype)
    raise TypeError(f"module: expected an rnnkit Sequential, RNN/LSTM/GRU, Linear, Embedding, "
                    f"Dropout, LastStep or a registered model (rnnkit.torch.text registers CharLM), "
                    f"got {type(m).__name__}")


def to_torch(module: nn.Module, device: str | torch.device | None = None) -> torch.nn.Module:
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
    mirror = mirror_structure(module, dev, torch_dtype(engine_dtype(module)))
    copy_to_torch(module, mirror)
    return mirror.train(module.training)


def copy_to_torch(module: nn.Module, mirror: torch.nn.Module) -> None:
    """Copy the engine ``module``'s weights into its torch ``mirror`` (same keys)."""
    mirror.load_state_dict({k: torch.from_numpy(v) for k, v in module.state_dict().items()})


def copy_to_engine(mirror: torch.nn.Module, module: nn.Module) -> None:
    """Copy a torch ``mirror``'s weights back into the engine ``module`` (same keys, same dtype)."""
    mirror = getattr(mirror, "module", mirror)  # unwrap DistributedDataParallel
    module.load_state_dict({k: v.detach().cpu().numpy() for k, v in mirror.state_dict().items()})
