"""One way to turn a user's seed into the seeds of every random component.

A component is named by a *key*, a tuple of small integers that says where it sits (ensemble
member 2, its head; the minibatch draws of the refit, ...). Its seed is the ``SeedSequence``
of the user's seed with that key as the spawn key, which is what ``SeedSequence.spawn`` hands
its children: streams for different keys are statistically independent, and none is a shifted
copy of another, which ``seed + i`` schemes cannot promise (member i's head drawn from the
stream that also gave member i+1's first recurrent weights).

>>> from rnnkit.nn.seeding import derive, rng
>>> a, b = rng(0, 1, 0), rng(0, 2, 0)        # member 1's and member 2's first component
>>> bool(a.random() != b.random())
True
"""
from __future__ import annotations

import numpy as np


def derive(seed: int | np.random.SeedSequence | None, *key: int) -> np.random.SeedSequence:
    """The ``SeedSequence`` for the component at ``key`` under ``seed``.

    Parameters
    ----------
    seed : int, SeedSequence or None
        The user's seed. None draws fresh entropy from the operating system (then the result
        is not reproducible, as ``numpy.random.default_rng(None)``). A SeedSequence extends
        its own spawn key, so keys nest: ``derive(derive(s, 1), 2) == derive(s, 1, 2)``.
    *key : int
        Non-negative integers naming the component.

    Returns
    -------
    numpy.random.SeedSequence
    """
    for k in key:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
            raise ValueError(f"key: expected non-negative integers, got {key!r}")
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=tuple(seed.spawn_key) + tuple(key),
                                      pool_size=seed.pool_size)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed: expected a non-negative integer or None, got {seed!r}")
    return np.random.SeedSequence(None if seed is None else int(seed), spawn_key=tuple(int(k) for k in key))


def rng(seed: int | np.random.SeedSequence | None, *key: int) -> np.random.Generator:
    """A generator for the component at ``key`` under ``seed`` (see :func:`derive`)."""
    return np.random.default_rng(derive(seed, *key))
