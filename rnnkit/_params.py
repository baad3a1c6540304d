"""scikit-learn's estimator contract in one place: ``__init__`` stores its arguments as they
are, ``get_params``/``set_params`` read and write them, so ``sklearn.base.clone`` and
search tools work without rnnkit depending on scikit-learn."""
from __future__ import annotations

import inspect
from typing import Any, TypeVar

_P = TypeVar("_P", bound="Params")


class Params:
    """Mixin: parameters are the ``__init__`` arguments, stored under their own names."""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor arguments (``deep`` adds ``name__sub`` entries for parameters that
        are estimators themselves, as scikit-learn does)."""
        params = {}
        for name in self._param_names():
            value = getattr(self, name)
            params[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update({f"{name}__{k}": v for k, v in value.get_params().items()})
        return params

    def set_params(self, **params: Any) -> Params:
        """Set constructor arguments (``name__sub`` reaches into a nested estimator); returns self."""
        valid = set(self._param_names())
        nested: dict[str, dict] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"{key}: not a parameter of {type(self).__name__}; "
                                 f"expected one of {sorted(valid)}")
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def clone(self: _P) -> _P:
        """A new unfitted estimator with the same parameters."""
        return type(self)(**self.get_params(deep=False))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"
