"""The forecaster's pipelines: which transform each network of the ensemble reads.

A pipeline is named by what it does to the series before the network reads it: "raw" nothing,
"log" the log of a strictly positive series, "stl" its seasons removed (STL/MSTL, added back
to the forecast), "log+stl" both. The ensemble's networks are dealt out to the pipelines in
turn, and the forecast is the mean of the pipelines' mean forecasts.

The default, ``("log", "stl")``, was chosen on the tuning half of benchmarks/forecast_accuracy.py
among every single pipeline and every mean of two to four of them (docs/forecasting.md): the two
err differently (one keeps the series' level-proportional swings out of the network, the other
its season), and their mean beat each alone, and beat "log+stl", by more than any other choice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rnnkit.forecast._transform import SeriesTransform
from rnnkit.forecast._windows import WindowNormaliser


@dataclass
class Pipeline:
    """One pipeline: the transform its networks read, their indices in the ensemble, and per
    series the fitted transform and window normaliser.

    Attributes
    ----------
    transform : {"auto", "log", "none"}
    deseasonalise : {"stl", "none"}
    members : list of int
        Indices into the forecaster's ``nets_``.
    transforms, normalisers : lists, one per series (empty until fitted)
    """

    transform: str
    deseasonalise: str
    members: list[int]
    transforms: list[SeriesTransform] = field(default_factory=list)
    normalisers: list[WindowNormaliser] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"transform": self.transform, "deseasonalise": self.deseasonalise, "members": self.members,
                "transforms": [t.to_dict() for t in self.transforms],
                "normalisers": [n.to_dict() for n in self.normalisers]}

    @classmethod
    def from_dict(cls, d: dict) -> Pipeline:
        return cls(str(d["transform"]), str(d["deseasonalise"]), [int(i) for i in d["members"]],
                   [SeriesTransform.from_dict(t) for t in d["transforms"]],
                   [WindowNormaliser.from_dict(n) for n in d["normalisers"]])


# What each pipeline name means: (transform, deseasonalise) for SeriesTransform. "log" takes
# the log only of a strictly positive series (else it reads the values as they are).
KINDS = {"raw": ("none", "none"), "log": ("auto", "none"), "stl": ("none", "stl"), "log+stl": ("auto", "stl")}
DEFAULT = ("log", "stl")  # chosen on the tuning half of the benchmark (module docstring)


def check_pipelines(pipelines: str | tuple | list) -> tuple[str, ...]:
    """The pipeline names for the option ``pipelines`` ("auto" or names from ``KINDS``)."""
    names = DEFAULT if isinstance(pipelines, str) and pipelines == "auto" else pipelines
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, (tuple, list)) or not names or any(n not in KINDS for n in names) \
            or len(set(names)) != len(names):
        raise ValueError(f"pipelines: expected 'auto' or distinct names from {list(KINDS)}, got {pipelines!r}")
    return tuple(names)


def plan(pipelines: str | tuple | list, n_models: int) -> list[Pipeline]:
    """The pipelines for the option as given, with the ``n_models`` networks dealt out in turn
    (network i reads pipeline ``i % len(pipelines)``)."""
    names = check_pipelines(pipelines)[:n_models]
    return [Pipeline(*KINDS[name], list(range(i, n_models, len(names)))) for i, name in enumerate(names)]
