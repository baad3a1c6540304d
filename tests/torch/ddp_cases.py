"""Training runs shared by the distributed test and the worker that torchrun starts: the same
networks, data and settings on one process and on two."""
import numpy as np

from rnnkit.forecast._training import build_network

# name: (cell, layers, global batch, examples, steps, validation?)
# batch 7 does not divide by 2 (ranks take 4 and 3); batch 1 leaves rank 1 without examples.
CASES = {
    "gru_even": ("gru", 2, 32, 200, 24, True),
    "lstm_odd": ("lstm", 1, 7, 150, 24, True),
    "rnn_one": ("rnn", 1, 1, 50, 12, False),
}
SETTINGS = {"lr": 1e-2, "eval_every": 6, "patience": 2, "clip_norm": 0.5, "seed": 11}


def case_data(name):
    cell, layers, batch, n, steps, val = CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    x = rng.normal(size=(n, 10, 2))
    y = np.tanh(x[:, -3:, :1].sum(axis=1)) + 0.1 * rng.normal(size=(n, 1))
    net = build_network(cell, 2, 6, layers, 1, seed=4, dtype=np.float64)
    kwargs = dict(SETTINGS, batch_size=batch, max_steps=steps)
    if val:
        kwargs.update(x_val=rng.normal(size=(20, 10, 2)), y_val=rng.normal(size=(20, 1)))
    return net, x, y, kwargs


def panel_csv(path, n_series=3, n=48):
    """A small long-format file: unique_id, ds, y."""
    import pandas as pd

    rng = np.random.default_rng(0)
    rows = []
    for i in range(n_series):
        t = np.arange(n)
        y = 10 * (i + 1) + 0.1 * t + 3 * np.sin(2 * np.pi * t / 7 + i) + rng.normal(0, 0.3, n)
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2024-01-01", periods=n, freq="D"),
                                  "y": y}))
    pd.concat(rows).to_csv(path, index=False)


FIT_ARGS = ["--horizon", "3", "--backend", "torch", "--device", "cpu", "--dtype", "float64",
            "--n-models", "1", "--max-steps", "20", "--batch-size", "9", "--hidden-size", "6",
            "--seed", "2", "--quiet"]
