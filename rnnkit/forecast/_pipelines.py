"""The forecaster's pipelines: which transform each network of the ensemble reads.

A pipeline is named by what it does to the series before the network reads it: "raw" nothing,
"log" the log of a strictly positive series, "stl" its seasons removed (STL/MSTL, added back
to the forecast), "log+stl" both. "ets" fits no network: it reads the series as "log+stl"
does and forecasts it by exponential smoothing, damped trend or none (``_smoothing.py``). The
ensemble's networks are dealt out to the network pipelines in turn, and each series' forecast
combines the pipelines' forecasts by their held-out errors (``combine``).

The default, ``("log", "stl", "ets")``, was chosen on the tuning half of
benchmarks/forecast_accuracy.py (docs/forecasting.md): the networks' pair ("log", "stl") among
every single pipeline and every mean of two to four of them (the two err differently: one keeps
the series' level-proportional swings out of the network, the other its season), and the
smoother beside them because it lowered the tuning half's score from 0.667 to 0.641 (a fourth,
"log+stl", added nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnnkit.data._checks import check_int
from rnnkit.forecast._smoothing import SMOOTHERS, ExponentialSmoother
from rnnkit.forecast._transform import SeriesTransform
from rnnkit.forecast._windows import WindowNormaliser
from rnnkit.nn._checks import is_real_number


@dataclass
class Pipeline:
    """One pipeline: the transform its networks read, their indices in the ensemble, and per
    series the fitted transform and window normaliser.

    Attributes
    ----------
    transform : {"auto", "log", "none"}
    deseasonalise : {"stl", "none"}
    members : list of int
        Indices into the forecaster's ``nets_`` (none for a smoother).
    model : {"network", "ets"}
        What forecasts the transformed series: the member networks or a smoother per series.
    transforms, normalisers : lists, one per series (empty until fitted)
    weights : list of float, one per series
        The pipeline's share of each series' forecast (see :func:`combine_weights`; empty until
        fitted; a file from before shares loads with equal ones).
    """

    transform: str
    deseasonalise: str
    members: list[int]
    transforms: list[SeriesTransform] = field(default_factory=list)
    normalisers: list[WindowNormaliser] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    model: str = "network"
    smoothers: list[ExponentialSmoother] = field(default_factory=list)

    @property
    def smoothed(self) -> bool:
        return self.model != "network"

    def to_dict(self) -> dict:
        return {"transform": self.transform, "deseasonalise": self.deseasonalise, "members": self.members,
                "transforms": [t.to_dict() for t in self.transforms],
                "normalisers": [n.to_dict() for n in self.normalisers], "weights": self.weights,
                "model": self.model, "smoothers": [m.to_dict() for m in self.smoothers]}

    @classmethod
    def from_dict(cls, d: dict, known_width: int = 0) -> Pipeline:
        """Rebuild from :meth:`to_dict` for a model with ``known_width`` known inputs."""
        weights = d.get("weights", [])
        if not isinstance(weights, list) or not all(is_real_number(w) for w in weights):
            raise ValueError(f"pipeline.weights: expected a list of numbers, got {weights!r}")
        model = d.get("model", "network")  # files from before smoothers hold networks only
        if model not in ("network", *SMOOTHERS):
            raise ValueError(f"pipeline.model: expected one of {['network', *SMOOTHERS]}, got {model!r}")
        smoothers = d.get("smoothers", [])
        if not isinstance(smoothers, list) or (model == "network") != (not smoothers):
            raise ValueError(f"pipeline.smoothers: expected one per series for a smoother pipeline, none "
                             f"for networks, got {smoothers!r}")
        return cls(str(d["transform"]), str(d["deseasonalise"]),
                   [check_int("pipeline.members", i, 0) for i in d["members"]],
                   [SeriesTransform.from_dict(t, known_width) for t in d["transforms"]],
                   [WindowNormaliser.from_dict(n) for n in d["normalisers"]], [float(w) for w in weights],
                   model, [ExponentialSmoother.from_dict(m) for m in smoothers])


# What each pipeline name means: (transform, deseasonalise) for SeriesTransform, and what
# forecasts it. "log" takes the log only of a strictly positive series (else it reads the
# values as they are).
KINDS = {"raw": ("none", "none", "network"), "log": ("auto", "none", "network"), "stl": ("none", "stl", "network"),
         "log+stl": ("auto", "stl", "network"), "ets": ("auto", "stl", "ets")}
DEFAULT = ("log", "stl", "ets")  # chosen on the tuning half of the benchmark (module docstring)


def check_pipelines(pipelines: str | tuple | list) -> tuple[str, ...]:
    """The pipeline names for the option ``pipelines`` ("auto" or names from ``KINDS``)."""
    names = DEFAULT if isinstance(pipelines, str) and pipelines == "auto" else pipelines
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, (tuple, list)) or not names or any(n not in KINDS for n in names) \
            or len(set(names)) != len(names):
        raise ValueError(f"pipelines: expected 'auto' or distinct names from {list(KINDS)}, got {pipelines!r}")
    if all(KINDS[n][2] != "network" for n in names):
        raise ValueError(f"pipelines: expected at least one network pipeline among them, got {pipelines!r}")
    return tuple(names)


def plan(pipelines: str | tuple | list, n_models: int) -> list[Pipeline]:
    """The pipelines for the option as given, with the ``n_models`` networks dealt out in turn to
    the network pipelines (network i reads the ``i % len(...)``-th of them; there are at most
    ``n_models`` of those), a smoother pipeline with none."""
    names = check_pipelines(pipelines)
    networks = [n for n in names if KINDS[n][2] == "network"][:n_models]
    out = []
    for name in names:
        transform, deseasonalise, model = KINDS[name]
        if model != "network":
            out.append(Pipeline(transform, deseasonalise, [], model=model))
        elif name in networks:
            i = networks.index(name)
            out.append(Pipeline(transform, deseasonalise, list(range(i, n_models, len(networks)))))
    return out


COMBINE = ("mean", "best", "inverse")
# "inverse" shares go as error ** -INVERSE_POWER: between equal shares (power 0) and "best"
# (power -> infinity). Chosen on the tuning half of the benchmark among 1, 2, 3, 4 and 8
# (docs/forecasting.md): sharper than 1 / error helped, 4 and 8 tied.
INVERSE_POWER = 4


def check_combine(combine: str) -> str:
    if combine not in COMBINE:
        raise ValueError(f"combine: expected one of {COMBINE}, got {combine!r}")
    return combine


def combine_weights(errors: np.ndarray, combine: str) -> np.ndarray:
    """Each pipeline's share of each series' forecast, from ``errors`` (pipelines, series): the
    pipelines' mean absolute errors on the series' held-out origins (phase one, which saw
    nothing after its cut). "mean": equal shares; "best": all to the pipeline with the least
    error; "inverse": shares proportional to ``error ** -INVERSE_POWER``. Every column sums
    to 1."""
    errors = np.asarray(errors, dtype=float)
    equal = np.full(errors.shape, 1.0 / errors.shape[0])
    if combine == "mean" or errors.shape[0] == 1:
        return equal
    errors = np.where(np.isfinite(errors), errors, np.inf)  # a pipeline that failed gets nothing
    if combine == "best":
        shares = (np.arange(errors.shape[0])[:, None] == np.argmin(errors, axis=0)[None, :]).astype(float)
    else:
        with np.errstate(divide="ignore"):
            shares = errors ** -float(INVERSE_POWER)
        exact = np.isinf(shares)  # a zero error: that pipeline (or those) alone
        shares = np.where(exact.any(axis=0), exact.astype(float), shares)
        shares = shares / np.where(shares.sum(axis=0) > 0, shares.sum(axis=0), 1.0)
    failed = ~np.isfinite(errors).any(axis=0)  # every pipeline failed: equal shares
    return np.where(failed[None, :], equal, shares)


def blend(shares: np.ndarray, per_pipeline: list) -> list[np.ndarray]:
    """Each series' forecast from the pipelines' forecasts of it: ``per_pipeline[p][i]`` (any
    shape) weighted by ``shares[p, i]``."""
    return [np.tensordot(share, parts, axes=1) for share, parts in zip(np.asarray(shares).T, zip(*per_pipeline))]
