"""Gradient clipping with ``torch.nn.utils`` semantics, in place on ``Parameter.grad``."""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from rnnkit.nn.module import Parameter
from rnnkit.nn.optim import _non_negative

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters) -> list[np.ndarray]:
    if isinstance(parameters, Parameter):
        parameters = [parameters]
    elif not isinstance(parameters, Iterable):
        raise TypeError("parameters: expected a Parameter or an iterable of them "
                        f"(e.g. model.parameters()), got {type(parameters).__name__}")
    grads = []
    for i, p in enumerate(parameters):
        if not isinstance(p, Parameter):
            raise TypeError(f"parameters[{i}]: expected a Parameter, got {type(p).__name__}")
        if p.grad is not None:  # as torch, parameters without a gradient are skipped
            grads.append(p.grad)
    return grads


def _norm_type(value) -> float:
    try:
        order = float(value)  # accepts "inf", as torch does
    except (TypeError, ValueError):
        order = math.nan
    if isinstance(value, bool) or not order > 0:
        raise ValueError(f"norm_type: expected a positive number or inf, got {value!r}")
    return order


def clip_grad_norm_(parameters: Parameter | Iterable[Parameter], max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False) -> float:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The norm is taken over the norms of the individual gradients, as if they were
    concatenated into one vector. When it exceeds ``max_norm`` every gradient is multiplied
    by ``max_norm / (total_norm + 1e-6)``; otherwise nothing changes.

    Parameters
    ----------
    parameters : Parameter or iterable of Parameter
        Parameters whose ``grad`` arrays are modified in place.
    max_norm : float >= 0
        Largest allowed joint norm.
    norm_type : float > 0 or inf, default 2.0
        Order of the p-norm; ``float("inf")`` (or ``"inf"``) for the largest absolute value.
    error_if_nonfinite : bool, default False
        Raise ``RuntimeError`` when the joint norm is NaN or infinite. Otherwise the
        gradients are scaled by the resulting NaN/zero coefficient, as torch does.

    Returns
    -------
    float
        Joint norm of the gradients before clipping (0.0 when there are none).
    """
    max_norm = _non_negative("max_norm", max_norm)
    order = _norm_type(norm_type)
    grads = _grads(parameters)
    if not grads:
        return 0.0
    with np.errstate(over="ignore"):  # an overflowing norm is reported as inf, like torch
        norms = [np.linalg.norm(g.reshape(-1), order) if g.size else 0.0 for g in grads]
        total = float(np.linalg.norm(np.asarray(norms, dtype=np.float64), order))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {order} of the gradients "
                           f"is {total}, so they cannot be clipped")
    coef = max_norm / (total + 1e-6)
    # torch multiplies by min(coef, 1); scaling by 1.0 changes nothing, so skip it. A NaN
    # coefficient fails `>= 1` and is applied, which is what torch does too.
    if not coef >= 1.0:
        for g in grads:
            g *= coef
    return total


def clip_grad_value_(parameters: Parameter | Iterable[Parameter], clip_value: float) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]`` in place.

    Parameters
    ----------
    parameters : Parameter or iterable of Parameter
        Parameters whose ``grad`` arrays are modified in place.
    clip_value : float >= 0
        Largest allowed absolute value of a gradient element.
    """
    clip_value = _non_negative("clip_value", clip_value)
    for g in _grads(parameters):
        np.clip(g, -clip_value, clip_value, out=g)
