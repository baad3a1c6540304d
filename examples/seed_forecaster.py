"""The seeds' first model, done right: read a window of 50 past prices, an LSTM with 50 hidden
units, predict the next price. Built from the engine in a few lines.

    python examples/seed_forecaster.py [--epochs 15]

What the seed got wrong and this fixes (docs/math.md, "classic mistakes"): the scaler is fitted
on the training part only, and prices are modelled as changes from the window's last value, so
a trending test period never leaves the range the network was trained on.
"""
from __future__ import annotations

import argparse

import numpy as np

from rnnkit import nn
from rnnkit.data import load_dataset_series, sliding_windows
from rnnkit.training import fit

WINDOW, HIDDEN = 50, 50


def make_examples(prices: np.ndarray, scale: float):
    x, y = sliding_windows(prices, window=WINDOW, horizon=1)
    last = x[:, -1:]
    return (((x - last) / scale)[..., None].astype(np.float32),
            ((y - last) / scale).astype(np.float32), last[:, 0])


def main(epochs: int = 15, seed: int = 0) -> dict:
    prices = np.asarray(load_dataset_series("dax").values)
    split = int(0.8 * len(prices))
    scale = float(np.abs(np.diff(prices[:split])).mean())  # fitted on the training part only
    x_train, y_train, _ = make_examples(prices[:split], scale)
    x_test, y_test, last = make_examples(prices[split - WINDOW:], scale)

    model = nn.Sequential(nn.LSTM(1, HIDDEN, batch_first=True, seed=seed),
                          nn.LastStep(batch_first=True), nn.Linear(HIDDEN, 1, seed=seed))
    history = fit(model, x_train, y_train, epochs=epochs, batch_size=64, lr=1e-3,
                     clip_norm=1.0, seed=seed)
    model.eval()
    predicted = last + scale * model(x_test)[:, 0]
    actual = last + scale * y_test[:, 0]
    result = {"train_loss": history.train_loss[-1],
              "rmse_lstm": float(np.sqrt(np.mean((predicted - actual) ** 2))),
              "rmse_naive": float(np.sqrt(np.mean((last - actual) ** 2)))}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    r = main(args.epochs, args.seed)
    print(f"DAX next-day close, last 20% of 1991-1998 as test ({args.epochs} epochs):")
    print(f"  LSTM(50) on a 50-day window  RMSE {r['rmse_lstm']:.2f}")
    print(f"  naive (tomorrow = today)     RMSE {r['rmse_naive']:.2f}")
