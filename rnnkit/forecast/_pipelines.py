"""The forecaster's pipelines: which transform each network of the ensemble reads.

With ``combine=True`` (the default) the ensemble is split between two pipelines, the one
``transform``/``deseasonalise`` describe (by default: the log of a positive series, its seasons
removed) and one that reads the series as it is, and the forecast is the mean of the two
pipelines' forecasts. The two make
different mistakes (a deseasonalised network carries the last season forward; a raw one learns
the season from its window, and follows a season that changes), so their mean is better than
either on most series: measured on the tuning half of benchmarks/forecast_accuracy.py
(docs/forecasting.md). ``combine=False`` gives one pipeline.
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


def plan(transform: str, deseasonalise: str, combine: bool, n_models: int) -> list[Pipeline]:
    """The pipelines for the options as given, with the ``n_models`` networks dealt out in turn
    (network i reads pipeline ``i % len(pipelines)``): the one the options describe and, with
    ``combine``, one reading the series as it is (unless that is the first already)."""
    main = (transform, "stl" if deseasonalise == "auto" else deseasonalise)
    pairs = [main] + ([("none", "none")] if combine and main != ("none", "none") else [])
    pairs = pairs[:n_models]
    return [Pipeline(t, d, list(range(i, n_models, len(pairs)))) for i, (t, d) in enumerate(pairs)]
