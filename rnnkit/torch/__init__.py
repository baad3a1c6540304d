"""rnnkit.torch: the optional PyTorch backend (GPU, several processes).

The same networks as the NumPy engine (``rnnkit.nn``), mirrored into ``torch.nn`` modules with
identical parameter names, trained with the same algorithm and copied back, so files and
results do not depend on the backend. Importing this package does not import torch; every
entry point calls :func:`require_torch`, which fails with one clear line when torch is missing.

>>> from rnnkit.forecast import Forecaster
>>> Forecaster(horizon=12, backend="torch", device="cpu")      # doctest: +SKIP

Modules: ``modules`` (engine <-> torch mirrors), ``forecast`` (:class:`TorchBackend`),
``text`` (character-model training and evaluation), ``distributed`` (torchrun, DDP).
"""
from rnnkit.torch._require import TORCH_MISSING, TorchMissingError, require_torch

__all__ = ["TORCH_MISSING", "TorchMissingError", "require_torch"]
