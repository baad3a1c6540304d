"""Training the Forecaster's ensemble: held-out origins per series, members trained side by
side in worker processes when allowed, each from its own independent seed.

Seeds (``rnnkit.nn.seeding``): member i's initial weights come from key (MEMBERS, i, INIT), its
minibatch draws in phase one from (MEMBERS, i, PHASE1) and in the refit from (MEMBERS, i, REFIT),
all under the user's seed; no stream is a copy or a shift of another.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

import numpy as np

from rnnkit.backends import NumpyBackend, get_backend
from rnnkit.data import TimeSeries
from rnnkit.forecast._training import build_network, train_network
from rnnkit.forecast._transform import SeriesTransform
from rnnkit.forecast._windows import WindowNormaliser, series_scale
from rnnkit.forecast._windows import windows as _windows
from rnnkit.nn.seeding import derive

if TYPE_CHECKING:  # only for the annotations
    from rnnkit.progress import Progress

MEMBERS, INIT, PHASE1, REFIT = 0, 0, 1, 2


class EnsembleSettings(Protocol):
    """What training the ensemble reads of a forecaster: its constructor arguments. A
    :class:`rnnkit.forecast.Forecaster` (a protocol, as the forecaster's module imports this one)."""

    cell: str
    hidden_size: int
    num_layers: int
    lr: float
    batch_size: int
    max_steps: int
    eval_every: int
    patience: int
    clip_norm: float
    backend: str
    device: str | None
    dtype: str
    n_jobs: int | None
    seed: int


def train_ensemble(fc: EnsembleSettings, x: np.ndarray, y: np.ndarray, phase: int, bar: Progress | None,
                   members: list[int], **kwargs: np.ndarray | int | None) -> tuple[list, list]:
    """Train forecaster ``fc``'s networks number ``members`` on ``(x, y)``, in worker processes when
    ``n_jobs`` allows: each network is trained alone from its own seed, so the result does not
    depend on it."""
    shape = (fc.cell, x.shape[-1], fc.hidden_size, fc.num_layers, y.shape[1])
    settings = dict(lr=fc.lr, batch_size=fc.batch_size, max_steps=fc.max_steps,
                    eval_every=fc.eval_every, patience=fc.patience, clip_norm=fc.clip_norm, **kwargs)
    dtype = np.dtype(fc.dtype)
    seeds = [(derive(fc.seed, MEMBERS, i, INIT), derive(fc.seed, MEMBERS, i, phase)) for i in members]
    jobs = worker_count(fc, len(members))
    if jobs == 1:
        backend = get_backend(fc.backend, fc.device)
        tick = (lambda: bar.update(1)) if bar else None
        results = [_train_one(backend, shape, dtype, init, x, y, dict(settings, seed=draws, on_step=tick))
                   for init, draws in seeds]
    else:
        from joblib import Parallel, delayed

        watch = ParentWatch(os.getpid())
        tasks = (delayed(_train_one)(NumpyBackend(), shape, dtype, init, x, y,
                                     dict(settings, seed=draws, on_step=watch))
                 for init, draws in seeds)
        results = []
        for net, summary in Parallel(n_jobs=jobs, return_as="generator")(tasks):
            results.append((net, summary))
            if bar:
                bar.update(summary["steps"])
    return [r[0] for r in results], [r[1] for r in results]


def worker_count(fc: EnsembleSettings, networks: int) -> int:
    """Worker processes for the ensemble: 1 on the torch backend (it has its own
    parallelism) and for a single network; else ``n_jobs``, where -1 means one per network
    up to twice the cores (measured: 3 networks on 2 cores finish sooner all at once than
    two then one, 17 s against 20 s for nottem)."""
    if fc.backend != "numpy" or networks == 1 or fc.n_jobs in (None, 1):
        return 1
    limit = 2 * (os.cpu_count() or 1) if fc.n_jobs == -1 else fc.n_jobs
    return max(1, min(networks, limit))


class HeldOut:
    """Phase one for one series: the transform and normaliser fitted on the values before
    ``cut``, training examples whose targets end before ``cut``, and the held-out origins from
    ``cut`` on, each with a full horizon after it (their windows use the transform fitted
    before ``cut``: nothing after it shapes what the model learns or how it is scaled).

    ``cov`` holds the series' past-only covariates, ``known`` its known matrix over the whole
    history (the held-out origins read its rows ahead of them, as a forecast would) and
    ``static`` its encoded static covariates."""

    def __init__(self, series: TimeSeries, w: int, h: int, k: int, n_val: int, transform: SeriesTransform,
                 cov: np.ndarray | None = None, known: np.ndarray | None = None, static: np.ndarray | None = None):
        values = np.asarray(series.values, dtype=float)
        cut = len(values) - h - n_val + 1
        head_cov = None if cov is None else cov[:cut]
        self.transform = transform.fit(values[:cut], None if known is None else known[:cut])
        self.adjusted = adjusted = self.transform.forward(values, known=known)
        self.normaliser = WindowNormaliser(w, k).fit(adjusted[:cut], head_cov, None if known is None else known[:cut],
                                                     static)
        self.x, self.y, _ = self.normaliser.examples(adjusted[:cut], head_cov, known)
        self.past = _windows(adjusted, w)[cut - w:cut - w + n_val]
        self.first = np.arange(cut, cut + n_val)  # position of each origin's first forecast
        self.cov_past = None if cov is None else _windows(cov, w)[cut - w:cut - w + n_val]
        self.known = known
        self.actual = _windows(values[cut:], h)[:n_val]
        self.x_val = self.normaliser.normalise(self.past, self.cov_past, known_windows(known, self.first, 0, w, k))
        future = _windows(adjusted[cut:], h)[:n_val]
        self.y_val = (future[:, :k] - self.past[:, -1:]) / self.normaliser.scale_
        # errors are pooled across series in units of the series' own one-step change
        self.error_scale = series_scale(values[:cut])


def known_windows(known: np.ndarray | None, first: np.ndarray, done: int, w: int, k: int) -> np.ndarray | None:
    """The rows of the known matrix ``known`` that origins whose first forecast is at
    ``first`` (positions) read after ``done`` steps are forecast: (N, w + k, kf)."""
    if known is None:
        return None
    rows = np.asarray(first)[:, None] + done + np.arange(-w, k)[None, :]
    if rows.max() >= len(known):  # read_future asks for every row; this is a bug guard
        raise ValueError(f"known inputs: {rows.max() + 1 - len(known)} future rows missing")
    return known[rows]


def known_at(known: np.ndarray | None, first: np.ndarray, h: int) -> np.ndarray | None:
    """The rows of the known matrix ``known`` at the ``h`` steps from each position ``first``:
    (N, h, kf), what a transform adds back over forecast paths starting there."""
    return None if known is None else known[np.asarray(first)[:, None] + np.arange(h)[None, :]]


class ParentWatch:
    """Called by a worker after every training step: ends the worker at once when the process
    that started it is gone. A parent killed by SIGKILL cannot shut its pool down, and its
    workers would otherwise train on, orphaned, until their networks finish."""

    def __init__(self, parent: int):
        self.parent = parent

    def __call__(self) -> None:
        if os.getppid() != self.parent:  # an orphan is adopted by init or a subreaper
            os._exit(1)


def _train_one(backend, shape: tuple, dtype, init_seed: int, x, y, settings: dict) -> tuple:
    """Build one network from ``init_seed`` and train it; module level so that worker
    processes can run it."""
    net = build_network(*shape, init_seed, dtype=dtype)
    return net, train_network(backend, net, x, y, **settings)


def summary(s: dict) -> dict:
    return {"steps": s["steps"], "best_step": s["best_step"], "seconds": round(s["seconds"], 3),
            "train_curve": s["train_curve"], "val_curve": s["val_curve"]}
