"""Importing torch on demand, with one clear line when it is not installed.

torch is an optional dependency (``pip install 'rnnkit[torch]'``): nothing outside
``rnnkit.torch`` imports it, and nothing here imports it before it is needed.
"""
from __future__ import annotations

from types import ModuleType

TORCH_MISSING = "backend='torch' needs PyTorch: pip install 'rnnkit[torch]'"


class TorchMissingError(ImportError, ValueError):
    """torch is not installed. An ``ImportError`` for library users, and a ``ValueError`` so
    the command line reports it as a usage problem (one line, exit 2), not a crash."""


def require_torch() -> ModuleType:
    """The ``torch`` module, or :class:`TorchMissingError` with an install hint.

    Returns
    -------
    module
        ``torch`` itself.
    """
    try:
        import torch
    except ImportError:
        raise TorchMissingError(TORCH_MISSING) from None
    return torch
