"""Flush subnormal floats to zero while the recurrent loops run.

Over long sequences the backward signal ``dh`` shrinks geometrically (the vanishing gradient of
``docs/math.md``) and passes through the subnormal range, where x86 arithmetic is 5-14x slower.
PyTorch offers ``torch.set_flush_denormal``; NumPy has nothing, so we set the FTZ/DAZ bits of
the SSE control register (MXCSR) through the C library's ``fegetenv``/``fesetenv`` and restore
the caller's setting on exit. Only the calling thread is affected, and only inside the block.
Changing results: values below ~1e-38 (float32) or ~1e-308 (float64) become exact zeros.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import platform
from collections.abc import Iterator
from contextlib import contextmanager

_FENV_BYTES = 64  # larger than glibc's fenv_t on x86-64 (32 bytes) and aarch64 (8 bytes)


def _load_libm():
    name = ctypes.util.find_library("m")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        lib.fegetenv.argtypes = lib.fesetenv.argtypes = [ctypes.c_void_p]
        return lib
    except (OSError, AttributeError):
        return None


_MACHINE = platform.machine().lower()
_LIBM = _load_libm() if platform.system() == "Linux" else None
if _MACHINE in ("x86_64", "amd64"):
    # glibc x86-64 fenv_t ends with the 32-bit MXCSR at byte 28; FTZ is bit 15, DAZ bit 6.
    _OFFSET, _BITS = 28, (1 << 15) | (1 << 6)
elif _MACHINE in ("aarch64", "arm64"):
    # glibc aarch64 fenv_t starts with FPCR; FZ is bit 24.
    _OFFSET, _BITS = 0, 1 << 24
else:
    _LIBM = None


@contextmanager
def flush_denormals() -> Iterator[None]:
    """Context manager: subnormal inputs and results count as zero inside the block."""
    if _LIBM is None:
        yield
        return
    saved = ctypes.create_string_buffer(_FENV_BYTES)
    if _LIBM.fegetenv(saved) != 0:
        yield
        return
    changed = ctypes.create_string_buffer(saved.raw, _FENV_BYTES)
    word = ctypes.c_uint32.from_buffer(changed, _OFFSET)
    word.value |= _BITS
    _LIBM.fesetenv(changed)
    try:
        yield
    finally:
        _LIBM.fesetenv(saved)
