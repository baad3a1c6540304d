"""The example under examples/ runs and trains (a short budget: accuracy is not tested here)."""
import runpy
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed_forecaster.py"


def test_seed_forecaster_example_runs():
    main = runpy.run_path(str(EXAMPLE))["main"]
    result = main(epochs=1)
    assert np.isfinite(result["rmse_lstm"]) and result["rmse_naive"] > 0
    assert result["train_loss"] < 10
