"""Score rules for combining the Forecaster's pipelines from one benchmark run, without refitting.

``forecast_accuracy.py --json FILE`` keeps, per series, each pipeline's own forecast and its mean
absolute error on the held-out origins (``rnnkit_parts``). This script recombines them: every
subset of the pipelines, with shares proportional to ``error ** -p`` for p in 1, 2, 4, 8, or all
to the best, and prints the gmean of MASE relative to seasonal naive overall and per group.

    python benchmarks/forecast_accuracy.py --half tuning --json rows.json \\
        --config pipelines=log/stl/log+stl/ets,n_models=6
    python benchmarks/combination_rules.py rows.json

(docs/forecasting.md quotes the line for the full set of four.) Use it on the tuning half only.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._forecast_common import fmt, gmean  # noqa: E402
from benchmarks.forecast_data import GROUPS  # noqa: E402
from rnnkit.forecast._pipelines import KINDS  # noqa: E402

NAMES = {kind: name for name, kind in KINDS.items()}  # (transform, deseasonalise, model) -> name
POWERS = (1, 2, 4, 8, None)  # None: all to the best


def pipeline_name(pipeline: list) -> str:
    return NAMES[tuple(pipeline)]


def combined(parts: list[dict], power: int | None) -> np.ndarray:
    errors = np.array([p["held_out_error"] for p in parts])
    forecasts = np.array([p["forecast"] for p in parts])
    shares = (errors == errors.min()).astype(float) if power is None else errors ** -float(power)
    return shares / shares.sum() @ forecasts


def score(rows: list[dict], subset: tuple[str, ...], power: int | None) -> dict[str, float]:
    relative: dict[str, list[float]] = {}
    for row in rows:
        parts = [p for p in row["rnnkit_parts"] if pipeline_name(p["pipeline"]) in subset]
        error = np.mean(np.abs(np.array(row["actual"]) - combined(parts, power))) / row["scale"]
        rel = error / row["models"]["snaive"]["mase"]
        for key in ("all", row["group"]):
            relative.setdefault(key, []).append(rel)
    return {k: gmean(v) for k, v in relative.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", help="the --json file of forecast_accuracy.py")
    args = parser.parse_args()
    rows = [r for r in json.loads(Path(args.rows).read_text())["rows"]
            if r.get("rnnkit_parts") and "actual" in r and r["models"]["snaive"]["mase"] > 0]
    names = sorted({pipeline_name(p["pipeline"]) for r in rows for p in r["rnnkit_parts"]})
    groups = ["all"] + [g for g in GROUPS if any(r["group"] == g for r in rows)]
    print(f"{len(rows)} series; gmean MASE relative to seasonal naive")
    print(f"{'pipelines':28}{'shares':>9}" + "".join(f"{g:>10}" for g in groups))
    for k in range(1, len(names) + 1):
        for subset in itertools.combinations(names, k):
            for power in POWERS if k > 1 else (1,):
                s = score(rows, subset, power)
                label = "best" if power is None else f"err^-{power}"
                print(f"{' & '.join(subset):28}{label:>9}" + "".join(fmt(s.get(g, float('nan')), 10) for g in groups))


if __name__ == "__main__":
    main()
