"""Exceptions shared by every layer."""
from __future__ import annotations


class NotFittedError(ValueError, AttributeError):
    """An estimator (scaler, forecaster) used before ``fit``.

    Both a ``ValueError`` and an ``AttributeError``, as scikit-learn's own, so code written for
    either catches it (``hasattr`` style checks see an AttributeError)."""
