"""How long ``load_panel`` takes on many short series in a long-format CSV.

    python benchmarks/panel_load.py [n_series=100000] [rows=10]

Writes a CSV of ``n_series`` monthly series of ``rows`` rows (values from seed 0) to a temporary
folder, loads it, and prints the seconds (median of 3 runs) and one series.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.data import load_panel


def main(n: int, rows: int) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "unique_id": np.repeat([f"s{i}" for i in range(n)], rows),
        "ds": np.tile(pd.date_range("2020-01-01", periods=rows, freq="MS").strftime("%Y-%m-%d"), n),
        "y": rng.normal(size=n * rows).round(3),
    })
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.csv"
        frame.to_csv(path, index=False)
        seconds = []
        for _ in range(3):
            start = time.perf_counter()
            panel = load_panel(path)
            seconds.append(time.perf_counter() - start)
    print(f"{n} series x {rows} rows: load_panel {statistics.median(seconds):.2f} s (median of 3); "
          f"first {next(iter(panel.values()))!r}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
