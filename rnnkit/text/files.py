"""Deprecated: the functions ``save(model, path)`` and ``load(path)``.

Character models are saved and loaded with the methods :meth:`CharLM.save` and
:meth:`CharLM.load` (one spelling, as ``Forecaster.save``/``Forecaster.load``); the file format
is described in ``rnnkit.text.model``. These functions call them, with a ``DeprecationWarning``,
for one release.
"""
from __future__ import annotations

import warnings
from os import PathLike

from rnnkit.text.model import KIND, CharLM

__all__ = ["KIND", "load", "save"]


def save(model: CharLM, path: str | PathLike, train_config: dict | None = None) -> None:
    """Deprecated: use ``model.save(path)`` (:meth:`CharLM.save`)."""
    warnings.warn("rnnkit.text.save(model, path) is deprecated; use model.save(path)",
                  DeprecationWarning, stacklevel=2)
    model.save(path, train_config=train_config)


def load(path: str | PathLike) -> CharLM:
    """Deprecated: use ``CharLM.load(path)`` (:meth:`CharLM.load`)."""
    warnings.warn("rnnkit.text.load(path) is deprecated; use rnnkit.text.CharLM.load(path)",
                  DeprecationWarning, stacklevel=2)
    return CharLM.load(path)
