"""Optimisers that update :class:`Parameter` arrays in place with ``torch.optim``'s rules.

Each ``step`` follows the single-tensor path of the matching ``torch.optim`` class, so training
here and in torch from the same start and gradients agree to rounding. Unlike torch: one
parameter group, one step counter for all parameters, no ``maximize``/``foreach``/``fused``,
and ``momentum``, ``alpha`` in [0, 1) and ``dampening`` in [0, 1] (torch takes any value >= 0).
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from rnnkit.nn._checks import FLOAT_DTYPES, check_dtype
from rnnkit.nn.module import Parameter

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW"]
_REAL = (int, float, np.integer, np.floating)


def _real(text: str, ok):
    """A check accepting real numbers (not bools) for which ``ok`` holds."""
    def check(name: str, value) -> float:
        if isinstance(value, bool) or not isinstance(value, _REAL) or not ok(value):
            raise ValueError(f"{name}: expected {text}, got {value!r}")
        return float(value)
    return check


_non_negative = _real("a non-negative number", lambda v: 0 <= v < math.inf)
_fraction = _real("a number in [0, 1)", lambda v: 0 <= v < 1)


def _flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def _betas(name: str, value) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name}: expected a pair of numbers in [0, 1), got {value!r}")
    return _fraction(f"{name}[0]", value[0]), _fraction(f"{name}[1]", value[1])


# Every hyperparameter name means the same thing in each optimiser that has it.
_CHECKS = dict(lr=_non_negative, momentum=_fraction, weight_decay=_non_negative, nesterov=_flag,
               dampening=_real("a number in [0, 1]", lambda v: 0 <= v <= 1), eps=_non_negative,
               lr_decay=_non_negative, initial_accumulator_value=_non_negative, alpha=_fraction,
               centered=_flag, betas=_betas, amsgrad=_flag)


def _buffer(state: dict, name: str, p: Parameter, fill: float = 0.0) -> np.ndarray:
    if name not in state:
        state[name] = np.full_like(p.data, fill)
    return state[name]


class Optimizer:
    """Base class: parameters, per-parameter state arrays and the state-dict format.

    Hyperparameters are attributes checked on every assignment, so ``opt.lr = 1e-4``
    between steps works (schedules) and ``opt.lr = -1`` raises ``ValueError``. ``state[i]``
    holds the arrays of ``params[i]``, made on first use; ``step_count`` counts steps taken.
    In the subclasses ``weight_decay`` is an L2 penalty added to the gradient (except in
    :class:`AdamW`) and ``eps`` is added to a square root, not under it, as in torch.
    """

    _state_names: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Parameter], **hypers: float | bool | tuple[float, float]):
        if isinstance(params, Parameter) or not isinstance(params, Iterable):
            raise TypeError("params: expected an iterable of Parameter (e.g. model.parameters()), "
                            f"got {type(params).__name__}")
        self.params = list(params)
        if not self.params:
            raise ValueError("params: expected at least one Parameter, got an empty list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise TypeError(f"params[{i}]: expected a Parameter, got {type(p).__name__}")
            if p.data.dtype not in FLOAT_DTYPES:
                raise ValueError(f"params[{i}]: expected float32 or float64 data, got {p.data.dtype}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError("params: expected each Parameter once, got duplicates")
        self._hypers = tuple(hypers)
        self._assign_hypers(hypers)
        self.step_count = 0
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self._scratch: dict[tuple, np.ndarray] = {}

    def __setattr__(self, name: str, value) -> None:
        if name in self.__dict__.get("_hypers", ()):
            value = _CHECKS[name](name, value)
        object.__setattr__(self, name, value)

    def _assign_hypers(self, hypers: dict) -> None:
        """Check every value (and their combination) before assigning any."""
        h = {name: _CHECKS[name](name, hypers[name]) for name in self._hypers}
        if h.get("nesterov") and (h["momentum"] <= 0 or h["dampening"] != 0):
            raise ValueError("nesterov: requires momentum > 0 and dampening = 0, "
                             f"got momentum={h['momentum']!r}, dampening={h['dampening']!r}")
        self.__dict__.update(h)

    def step(self) -> None:
        """Update every parameter in place from its ``grad``."""
        self.step_count += 1
        for p, state in zip(self.params, self.state):
            self._update(p, state, self._work(p, 1))

    def _update(self, p: Parameter, state: dict, tmp: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every gradient to zero (``backward`` accumulates)."""
        for p in self.params:
            p.grad.fill(0)

    def _work(self, p: Parameter, k: int) -> np.ndarray:
        """Scratch array ``k`` shaped like ``p``, shared by all parameters: steps don't allocate."""
        buf = self._scratch.get((p.data.dtype, k))
        if buf is None or buf.size < p.data.size:
            buf = self._scratch[p.data.dtype, k] = np.empty(p.data.size, p.data.dtype)
        return buf[: p.data.size].reshape(p.data.shape)

    def _decayed_grad(self, p: Parameter, weight_decay: float) -> np.ndarray:
        """``grad + weight_decay * param`` (torch's L2 penalty), leaving ``p.grad`` alone."""
        if weight_decay == 0:
            return p.grad
        return np.add(p.grad, np.multiply(p.data, weight_decay, out=self._work(p, 0)),
                      out=self._work(p, 0))

    def state_dict(self) -> dict:
        """Copies of the state as one flat dict of arrays and JSON-serialisable values.

        Keys: ``"optimizer"`` (class name), ``"step"``, each hyperparameter (``betas`` as a
        list) and ``"state.<i>.<name>"`` arrays of parameter ``i``, ready for safetensors.
        """
        out: dict = {"optimizer": type(self).__name__, "step": self.step_count}
        for name in self._hypers:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        for i, state in enumerate(self.state):
            out.update({f"state.{i}.{name}": array.copy() for name, array in state.items()})
        return out

    def load_state_dict(self, state: dict) -> Optimizer:
        """Restore what :meth:`state_dict` saved, checking everything before changing anything.

        Arrays are copied and cast to each parameter's dtype; any left out start afresh.
        """
        if not isinstance(state, dict):
            raise TypeError(f"state_dict: expected a dict, got {type(state).__name__}")
        kind, scalars = type(self).__name__, ("optimizer", "step", *self._hypers)
        if state.get("optimizer") != kind:
            raise ValueError(f"state_dict['optimizer']: expected {kind!r}, got {state.get('optimizer')!r}")
        if [k for k in scalars if k not in state]:
            raise ValueError(f"state_dict: missing entries {[k for k in scalars if k not in state]}")
        if isinstance(step := state["step"], bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise ValueError(f"state_dict['step']: expected a non-negative integer, got {step!r}")
        slots = {f"state.{i}.{n}": (i, n) for i in range(len(self.params)) for n in self._state_names}
        arrays: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        for key in state.keys() - set(scalars):
            if key not in slots:
                raise ValueError(f"state_dict: unexpected entry {key!r} for a {kind} "
                                 f"of {len(self.params)} parameters")
            (i, name), value = slots[key], np.asarray(state[key])
            if value.shape != self.params[i].data.shape:
                raise ValueError(f"state_dict[{key!r}]: expected shape {self.params[i].data.shape}, "
                                 f"got {value.shape}")
            check_dtype(f"state_dict[{key!r}]", value)
            arrays[i][name] = value.astype(self.params[i].data.dtype, copy=True)
        self._assign_hypers(state)
        self.step_count, self.state = int(step), arrays
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._hypers)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float >= 0, default 1e-3 (torch's default)
    momentum, dampening : float in [0, 1) and [0, 1], default 0
        The momentum buffer starts as the first gradient, then decays by ``momentum`` and
        takes in ``1 - dampening`` times each new gradient.
    weight_decay : float >= 0, default 0
    nesterov : bool, default False (needs ``momentum > 0`` and ``dampening == 0``)
    """

    _state_names = ("momentum_buffer",)

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False):
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)

    def _update(self, p: Parameter, state: dict, tmp: np.ndarray) -> None:
        g, momentum = self._decayed_grad(p, self.weight_decay), self.momentum
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                buf += np.multiply(g, 1.0 - self.dampening, out=tmp)
            g = np.add(g, np.multiply(buf, momentum, out=tmp), out=tmp) if self.nesterov else buf
        p.data -= np.multiply(g, self.lr, out=tmp)


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``: steps divided by the root of summed squared gradients.

    Parameters
    ----------
    params : iterable of Parameter
    lr, lr_decay : float >= 0, default 1e-2 and 0
        Step ``t`` (from 1) uses ``lr / (1 + (t - 1) * lr_decay)``.
    weight_decay, initial_accumulator_value : float >= 0, default 0
    eps : float >= 0, default 1e-10
    """

    _state_names = ("sum",)

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps)
        for p, state in zip(self.params, self.state):  # torch fills the sums at construction
            _buffer(state, "sum", p, self.initial_accumulator_value)

    def _update(self, p: Parameter, state: dict, tmp: np.ndarray) -> None:
        g = self._decayed_grad(p, self.weight_decay)
        total = _buffer(state, "sum", p, self.initial_accumulator_value)
        total += np.multiply(g, g, out=tmp)
        np.sqrt(total, out=tmp)
        tmp += self.eps
        clr = self.lr / (1 + (self.step_count - 1) * self.lr_decay)
        p.data -= np.multiply(np.divide(g, tmp, out=tmp), clr, out=tmp)


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``: steps divided by a running RMS of the gradient.

    Parameters
    ----------
    params : iterable of Parameter
    lr, eps, weight_decay : float >= 0, default 1e-2, 1e-8 and 0
    alpha, momentum : float in [0, 1), default 0.99 and 0
        ``alpha`` is the smoothing constant of the running averages.
    centered : bool, default False
        Divide by the running standard deviation (mean gradient subtracted) instead.
    """

    _state_names = ("square_avg", "momentum_buffer", "grad_avg")

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum, centered=centered)

    def _update(self, p: Parameter, state: dict, tmp: np.ndarray) -> None:
        g, alpha = self._decayed_grad(p, self.weight_decay), self.alpha
        square_avg = _buffer(state, "square_avg", p)
        square_avg *= alpha
        square_avg += np.multiply(np.multiply(g, g, out=tmp), 1.0 - alpha, out=tmp)
        if self.centered:
            grad_avg = _buffer(state, "grad_avg", p)
            grad_avg *= alpha  # torch's lerp_(g, 1 - alpha), up to rounding
            grad_avg += np.multiply(g, 1.0 - alpha, out=tmp)
            np.subtract(square_avg, np.multiply(grad_avg, grad_avg, out=tmp), out=tmp)
        np.sqrt(tmp if self.centered else square_avg, out=tmp)
        tmp += self.eps
        step = np.divide(g, tmp, out=tmp)
        if self.momentum > 0:
            step = _buffer(state, "momentum_buffer", p)
            step *= self.momentum
            step += tmp
        p.data -= np.multiply(step, self.lr, out=tmp)


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: steps from bias-corrected moments of the gradient.

    Parameters
    ----------
    params : iterable of Parameter
    lr, eps, weight_decay : float >= 0, default 1e-3, 1e-8 and 0
    betas : pair of floats in [0, 1), default (0.9, 0.999)
        Decay rates of the first and second moment estimates.
    amsgrad : bool, default False
        Divide by the running maximum of the second moment.
    """

    _state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _decoupled = False

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)

    def _update(self, p: Parameter, state: dict, tmp: np.ndarray) -> None:
        t, lr, (beta1, beta2), wd = self.step_count, self.lr, self.betas, self.weight_decay
        if self._decoupled and wd != 0:
            p.data *= 1 - lr * wd
        g = p.grad if self._decoupled else self._decayed_grad(p, wd)
        exp_avg = _buffer(state, "exp_avg", p)
        second = exp_avg_sq = _buffer(state, "exp_avg_sq", p)
        exp_avg *= beta1  # torch's lerp_(g, 1 - beta1), up to rounding
        exp_avg += np.multiply(g, 1 - beta1, out=tmp)
        exp_avg_sq *= beta2
        exp_avg_sq += np.multiply(np.multiply(g, g, out=tmp), 1 - beta2, out=tmp)
        if self.amsgrad:
            second = _buffer(state, "max_exp_avg_sq", p)
            np.maximum(second, exp_avg_sq, out=second)
        np.sqrt(second, out=tmp)
        tmp /= (1 - beta2**t) ** 0.5
        tmp += self.eps  # after the bias correction, as torch
        p.data -= np.multiply(np.divide(exp_avg, tmp, out=tmp), lr / (1 - beta1**t), out=tmp)


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay.

    Each step first scales the parameters by ``1 - lr * weight_decay`` instead of penalising
    the gradient. Parameters as :class:`Adam`, but ``weight_decay`` defaults to ``1e-2``.
    """

    _decoupled = True

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
