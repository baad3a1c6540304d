"""Which backend computes, shared by forecasting and text: the NumPy engine or PyTorch."""
from __future__ import annotations

BACKENDS = ("numpy", "torch")


def check_backend(backend: str, device=None) -> None:
    """Refuse, before any work, an unknown backend, a device the NumPy engine cannot use, and
    for torch a missing installation or a device that is not there (ValueError naming it)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {BACKENDS}, got {backend!r}")
    if backend == "numpy":
        if device not in (None, "cpu"):
            raise ValueError(f"device: the numpy backend runs on 'cpu' only, got {device!r}; "
                             "use backend='torch' for other devices")
        return
    from rnnkit.torch.modules import resolve_device  # imports torch, or says how to install it

    resolve_device(device)
