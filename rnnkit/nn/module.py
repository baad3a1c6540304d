"""Parameters and the module base class: named parameters, state dicts, train/eval.

A module owns :class:`Parameter` objects and child modules. Registration happens in
``__setattr__`` (as in ``torch.nn.Module``), so parameter names follow attribute names and
nesting: ``rnn.weight_ih_l0``, ``head.weight``.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from rnnkit.nn._checks import check_dtype


class Parameter:
    """A learnable array and the gradient accumulated into it by ``backward``."""

    __slots__ = ("data", "grad")

    def __init__(self, data: np.ndarray):
        self.data = np.ascontiguousarray(data)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class: explicit ``forward`` and hand-derived ``backward``.

    Subclasses set parameters and children as attributes. ``backward`` accumulates into
    ``p.grad`` for every parameter, so call :meth:`zero_grad` between steps.
    """

    training: bool = True

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value) -> None:
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}.__init__ must call super().__init__() first")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- traversal -------------------------------------------------------------------------
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        for mod_name, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    # --- state ------------------------------------------------------------------------------
    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad.fill(0)

    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        return self.train(False)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter, keyed by its torch-style name."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict, strict: bool = True) -> Module:
        """Copy arrays into the parameters, casting to each parameter's dtype.

        Raises ``ValueError`` naming missing, unexpected or misshapen entries.
        """
        if not isinstance(state, dict):
            raise TypeError(f"state_dict: expected a dict of arrays, got {type(state).__name__}")
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        unexpected = [k for k in state if k not in params]
        if strict and (missing or unexpected):
            raise ValueError(
                f"state_dict does not match {type(self).__name__}: "
                f"missing {missing or 'nothing'}, unexpected {unexpected or 'nothing'}"
            )
        for name, p in params.items():
            if name not in state:
                continue
            value = np.asarray(state[name])
            if value.shape != p.data.shape:
                raise ValueError(
                    f"state_dict[{name!r}]: expected shape {p.data.shape}, got {value.shape}"
                )
            check_dtype(f"state_dict[{name!r}]", value)
            p.data[...] = value.astype(p.data.dtype, copy=False)
        return self

    def __repr__(self) -> str:
        children = "".join(f"\n  ({n}): {m!r}".replace("\n", "\n  ") for n, m in self._modules.items())
        return f"{type(self).__name__}({self.extra_repr()}{children}{chr(10) if children else ''})"

    def extra_repr(self) -> str:
        return ""
