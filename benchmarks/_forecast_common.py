"""Shared parts of benchmarks/forecast_accuracy.py and benchmarks/global_forecast.py: metrics, the
reference models (seasonal naive and statsforecast's AutoETS/AutoARIMA/AutoTheta and their mean,
"Comb") with an on-disk cache, ``--config`` parsing and the geometric-mean summaries."""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
import warnings
from pathlib import Path

import numpy as np

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
REFERENCE = ("snaive", "ets", "arima", "theta", "comb")
STATS = ("ets", "arima", "theta")
# statsforecast fits long high-frequency series slowly (AutoARIMA with season 48/52 on
# thousands of points takes many minutes per series), so the statsforecast models see at most
# the last REF_MAX_TRAIN points of the training part (rnnkit and the seasonal naive see all of
# it), and for seasons above 24 (weekly 52, half-hourly 48) AutoARIMA searches a smaller space
# (p, q <= 2; P, Q <= 1) -- about 20-40 s instead of 5+ minutes. AutoETS has no seasonal model
# for seasons above 24 (as in R), so it is non-seasonal there.
REF_MAX_TRAIN = 1000
ARIMA_LARGE_SEASON = {"max_p": 2, "max_q": 2, "max_P": 1, "max_Q": 1}
REF_VERSION = "r1"  # bump when the reference protocol changes (invalidates the cache)


def quiet_threads() -> None:
    """One BLAS/OpenMP/numba thread per process (the machine is small and shared)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(var, "1")


# --- metrics -----------------------------------------------------------------------------------
def snaive_forecast(train: np.ndarray, h: int, m: int) -> np.ndarray:
    m = m if len(train) >= m else 1
    last = train[-m:]
    return np.array([last[i % m] for i in range(h)], dtype=float)


def mase_scale(train: np.ndarray, m: int) -> float:
    """In-sample MAE of the seasonal naive forecast (lag 1 when the history is too short or
    the seasonal differences are all zero)."""
    y = np.asarray(train, dtype=float)
    for lag in ((m, 1) if len(y) > m and m > 1 else (1,)):
        scale = float(np.mean(np.abs(y[lag:] - y[:-lag])))
        if scale > 0:
            return scale
    return float("nan")


def mase(actual, forecast, scale: float) -> float:
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))) / scale)


def smape(actual, forecast) -> float:
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    denom = np.abs(a) + np.abs(f)
    ratio = np.divide(2 * np.abs(a - f), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100 * np.mean(ratio))


def gmean(values) -> float:
    v = np.asarray([x for x in values], dtype=float)
    if v.size == 0:
        return float("nan")
    return float(np.exp(np.mean(np.log(v))))


# --- the reference models ----------------------------------------------------------------------
def statsforecast_version() -> str:
    import statsforecast

    return statsforecast.__version__


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def reference_key(name: str, train: np.ndarray, h: int, m: int) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(train, dtype=np.float64).tobytes()).hexdigest()[:16]
    return f"{REF_VERSION}|{name}|h={h}|m={m}|n={len(train)}|sf={statsforecast_version()}|{digest}"


def _stat_models(m: int):
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    arima = AutoARIMA(season_length=m, **(ARIMA_LARGE_SEASON if m > 24 else {}))
    return {"ets": AutoETS(season_length=m), "arima": arima, "theta": AutoTheta(season_length=m)}


def fit_reference(train: np.ndarray, h: int, m: int) -> dict:
    """Forecasts (lists), seconds and errors of the reference models for one series."""
    out = {"forecasts": {}, "seconds": {}, "errors": {}}
    out["forecasts"]["snaive"] = snaive_forecast(train, h, m).tolist()
    out["seconds"]["snaive"] = 0.0
    y = np.asarray(train, dtype=float)[-REF_MAX_TRAIN:]
    for key in STATS:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = _stat_models(m)[key]
                mean = np.asarray(model.forecast(y=y, h=h)["mean"], dtype=float)
            if mean.shape != (h,) or not np.all(np.isfinite(mean)):
                raise ValueError("non-finite or misshapen forecast")
            out["forecasts"][key] = mean.tolist()
        except Exception as exc:  # recorded, not raised: the series is reported as failed
            out["forecasts"][key] = None
            out["errors"][key] = f"{type(exc).__name__}: {exc}"[:300]
        out["seconds"][key] = time.perf_counter() - start
    parts = [out["forecasts"][k] for k in STATS]
    if all(p is not None for p in parts):
        out["forecasts"]["comb"] = np.mean(np.asarray(parts), axis=0).tolist()
    else:
        out["forecasts"]["comb"] = None
        out["errors"]["comb"] = "a component failed"
    out["seconds"]["comb"] = sum(out["seconds"][k] for k in STATS)
    return out


def _reference_path(name: str) -> Path:
    return CACHE_DIR / "reference" / f"statsforecast-{statsforecast_version()}" / f"{_slug(name)}.json"


def cached_reference(name: str, train: np.ndarray, h: int, m: int) -> tuple[dict, bool]:
    """The reference forecasts for one series from the cache, fitted (and stored) when missing.
    Returns (result, was_cached)."""
    key = reference_key(name, train, h, m)
    path = _reference_path(name)
    if path.exists():
        try:
            stored = json.loads(path.read_text())
            if stored.get("key") == key:
                return stored, True
        except (OSError, ValueError):
            pass
    result = fit_reference(train, h, m)
    result["key"] = key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(result))
    os.replace(tmp, path)
    return result, False


# --- each pipeline's part, for benchmarks/combination_rules.py -------------------------------------
def pipeline_parts(model, h: int) -> list[list[dict]]:
    """Per fitted series of ``model`` (a fitted Forecaster), each pipeline's own ``h``-step
    forecast, its held-out error on the series and its share: what combination rules are scored
    from without refitting."""
    per_pipeline = model._pipeline_forecasts(list(model.panel_.values()), h)
    return [[{"pipeline": [info.get(k) for k in ("transform", "deseasonalise", "model")],
              "held_out_error": info["held_out_errors"][j], "share": pipe.weights[j], "forecast": part[j].tolist()}
             for info, pipe, part in zip(model.training_["pipelines"], model.pipelines_, per_pipeline)]
            for j in range(len(model.panel_))]


# --- --config ----------------------------------------------------------------------------------
def parse_value(text: str):
    if "/" in text:  # a tuple: pipelines=log/stl/damped
        return tuple(parse_value(part) for part in text.split("/"))
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def parse_config(text: str | None) -> dict:
    """"hidden_size=64,cell=lstm,refit=false" -> {"hidden_size": 64, "cell": "lstm", "refit": False};
    "pipelines=log/stl" -> {"pipelines": ("log", "stl")}."""
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"--config: expected key=value, got {part!r}")
        key, value = part.split("=", 1)
        out[key.strip()] = parse_value(value)
    return out


def rnnkit_description() -> str:
    import rnnkit

    where = Path(rnnkit.__file__).resolve().parent.parent
    commit = ""
    try:
        import subprocess

        commit = subprocess.run(["git", "-C", str(where), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "--", "rnnkit"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if dirty:
            commit += "+dirty"
    except Exception:
        pass
    return f"rnnkit {getattr(rnnkit, '__version__', '?')} from {where} ({commit or 'no git'})"


def fmt(x, width=7, digits=3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return f"{'-':>{width}}"
    return f"{x:{width}.{digits}f}"
