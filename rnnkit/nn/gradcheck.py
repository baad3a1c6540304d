"""Check hand-derived gradients against central finite differences, in float64.

For a module ``f`` and inputs ``u`` we pick a fixed random cotangent ``R`` shaped like the
outputs and compare, for every parameter and every floating input, the analytic gradient of
``L = sum(R * f(u))`` from ``backward(R)`` with ``(L(w + eps) - L(w - eps)) / (2 eps)``
taken element by element. Random generators inside the module (dropout) are rewound before
every forward, so each evaluation sees the same masks.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rnnkit.nn.losses import CrossEntropyLoss, MSELoss
    from rnnkit.nn.module import Module


def _flatten(tree) -> list:
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _flatten(item)]
    return [tree]


def _unflatten(tree, leaves):
    if isinstance(tree, (tuple, list)):
        return tuple(_unflatten(item, leaves) for item in tree)
    return next(leaves)


def _generators(module):
    """Every numpy Generator held by the module or its children (dropout masks)."""
    modules = list(module.modules()) if hasattr(module, "modules") else [module]
    return [v for m in modules for v in vars(m).values() if isinstance(v, np.random.Generator)]


def _parameters(module) -> dict:
    return dict(module.named_parameters()) if hasattr(module, "named_parameters") else {}


@dataclass
class GradcheckResult:
    """Relative error ``||analytic - numeric|| / max(||analytic||, ||numeric||)`` per tensor."""

    errors: dict
    tolerance: float

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    @property
    def passed(self) -> bool:
        return self.max_error <= self.tolerance


def gradcheck(module: Module | MSELoss | CrossEntropyLoss, inputs: tuple, eps: float = 1e-6, tolerance: float = 1e-6,
              seed: int = 0) -> GradcheckResult:
    """Compare ``module.backward`` with central finite differences.

    Parameters
    ----------
    module : an rnnkit Module (or a loss) in float64
    inputs : tuple of positional arguments for ``module(*inputs)``; floating arrays among them
        (also inside tuples, like ``(h0, c0)``) are checked as inputs.
    eps : finite-difference step
    tolerance : largest relative error that passes
    seed : for the cotangent ``R``

    Returns
    -------
    GradcheckResult with one relative error per parameter name and ``input[k]``.
    """
    params = _parameters(module)
    for name, p in params.items():
        if p.data.dtype != np.float64:
            raise ValueError(f"module: gradcheck needs float64 parameters, got {p.data.dtype} for {name!r}")
    generators = _generators(module)
    states = [g.bit_generator.state for g in generators]
    input_leaves = _flatten(inputs)
    float_inputs = [i for i, v in enumerate(input_leaves)
                    if isinstance(v, np.ndarray) and v.dtype == np.float64]

    def run(leaves):
        for g, s in zip(generators, states):
            g.bit_generator.state = s
        return module(*_unflatten(inputs, iter(leaves)))

    out = run(input_leaves)
    scalar_out = np.isscalar(out) or (isinstance(out, np.ndarray) and out.ndim == 0)
    rng = np.random.default_rng(seed)
    cot = [rng.standard_normal(np.shape(o)) for o in _flatten(out)]

    def objective(leaves) -> float:
        return float(sum(np.sum(c * o) for c, o in zip(cot, _flatten(run(leaves)))))

    if hasattr(module, "zero_grad"):
        module.zero_grad()
    run(input_leaves)
    if scalar_out:
        grads_in = module.backward(float(cot[0]))
    elif isinstance(out, tuple):
        grads_in = module.backward(*_unflatten(out, iter(cot)))
    else:
        grads_in = module.backward(cot[0])
    # backward returns the gradient of the first input alone, or one per input (nested).
    grads_in = _flatten(grads_in) if isinstance(grads_in, tuple) else [grads_in]

    errors = {}
    for name, p in params.items():
        errors[name] = _relative_error(p.grad.copy(), _numeric(p.data, lambda: objective(input_leaves), eps))
    for k in float_inputs:
        leaves = [v.copy() if isinstance(v, np.ndarray) else v for v in input_leaves]
        if k < len(grads_in) and grads_in[k] is not None:
            numeric = _numeric(leaves[k], lambda leaves=leaves: objective(leaves), eps)
            errors[f"input[{k}]"] = _relative_error(grads_in[k], numeric)
    return GradcheckResult(errors, tolerance)


def _numeric(array: np.ndarray, evaluate, eps: float) -> np.ndarray:
    """Central differences of ``evaluate()`` with respect to each element of ``array`` (in place,
    restored afterwards)."""
    grad = np.zeros_like(array)
    for idx in itertools.product(*map(range, array.shape)):
        saved = array[idx]
        array[idx] = saved + eps
        plus = evaluate()
        array[idx] = saved - eps
        minus = evaluate()
        array[idx] = saved
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)
