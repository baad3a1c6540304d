"""Argument checks shared by the engine: every message names the argument, what was expected
and what came."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def resolve_dtype(dtype: DTypeLike) -> np.dtype:
    """Module dtype: float32 (default) or float64."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype: expected float32 or float64, got {dtype!r}") from exc
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"dtype: expected float32 or float64, got {dt}")
    return dt


def check_dtype(name: str, array: np.ndarray) -> None:
    """Refuse arrays that are not real numbers (strings, objects, complex, bool)."""
    if array.dtype.kind not in "fiu":
        raise ValueError(f"{name}: expected real numbers, got an array of dtype {array.dtype}")


def as_float_array(name: str, value: ArrayLike, dtype: np.dtype) -> np.ndarray:
    """Convert ``value`` to an array of the module's dtype, refusing non-numeric data."""
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name}: expected an array of numbers, got {type(value).__name__}") from exc
    check_dtype(name, array)
    return array.astype(dtype, copy=False)


def is_real_number(value: object) -> bool:
    """An int or float (NumPy's too), and not a bool."""
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return int(value)


def check_probability(name: str, value: object) -> float:
    if not isinstance(value, (int, float, np.floating)) or not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name}: expected a number in [0, 1), got {value!r}")
    return float(value)


def check_shape(name: str, array: np.ndarray, expected: tuple[int, ...]) -> None:
    if array.shape != tuple(expected):
        raise ValueError(f"{name}: expected shape {tuple(expected)}, got {array.shape}")
