"""Which torch device: names checked against the GPUs that are really there.

Kept apart from the mirrors (``modules``) and the process group (``distributed``) because
both need it and neither should need the other.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rnnkit.torch._require import require_torch

if TYPE_CHECKING:  # type checkers see the module itself (require_torch returns a plain ModuleType)
    import torch
else:
    torch = require_torch()
_DEVICE_TYPES = ("cpu", "cuda")


def local_rank() -> int:
    """This process's rank on its machine (torchrun's ``LOCAL_RANK``; 0 without torchrun):
    the GPU it uses."""
    return int(os.environ.get("LOCAL_RANK", "0"))


def resolve_device(device: str | torch.device | None = None) -> torch.device:
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
