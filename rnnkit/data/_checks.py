"""Small argument checks shared by the data modules.

They exist so that every public function refuses a bad argument the same way: a ``ValueError``
(or ``TypeError`` for the wrong kind of object) that names the argument and what came.
"""
from __future__ import annotations

import numbers


def check_int(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``.

    ``bool`` is refused although it subclasses ``int``: ``window=True`` is always a mistake.
    Integral floats (``12.0``) are refused too, so a fraction passed where a count belongs
    (``test=0.2`` vs ``test=20``) never slips through as a count.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value
