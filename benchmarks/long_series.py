"""The whole ``rnnkit forecast`` job on one very long hourly series: seconds and peak memory.

    python benchmarks/long_series.py [points=1000000] [horizon=24]

Writes a CSV of ``points`` hourly values (daily and weekly seasons, a slow random walk and
noise, from seed 0) to a temporary folder, runs ``rnnkit forecast`` on it in a child process
(backtest of every model, final fit, every output file) and prints the wall-clock seconds and
the child's peak resident memory. Fitting reads a bounded tail of the series
(``max_fit_points``), so both should stop growing with ``points`` beyond reading the file.
"""
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def write_series(path: Path, n: int) -> None:
    t = np.arange(n)
    rng = np.random.default_rng(0)
    y = (100 + 10 * np.sin(2 * np.pi * t / 24) + 3 * np.sin(2 * np.pi * t / 168)
         + 0.01 * rng.normal(size=n).cumsum() + rng.normal(size=n))
    dates = pd.date_range("1500-01-01", periods=n, freq="h", unit="s")  # seconds: 5M hours fit
    pd.DataFrame({"date": dates, "y": y.round(3)}).to_csv(path, index=False)


def main(n: int, horizon: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "long.csv"
        write_series(csv, n)
        command = [sys.executable, "-m", "rnnkit", "forecast", str(csv), "--target", "y", "-H", str(horizon),
                   "-o", str(Path(folder) / "out")]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"rnnkit forecast failed ({done.returncode}): {done.stderr.strip().splitlines()[-1]}")
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6  # KiB on Linux
    print(f"{n:,} hourly points, horizon {horizon}: {seconds:.0f} s, peak memory {peak_gb:.2f} GB")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1_000_000, 24][len(args):]))
