"""The words and tables of report.html (rnnkit/forecast/_report.py)."""
import numpy as np
import pandas as pd

from rnnkit.forecast import _report


def _metrics(**extra):
    data = {"mae": [19.4, 27.5, 1234.5], "mape": [4.8, np.nan, 9.4], "mase": [0.607, 0.8612, 2.2],
            "coverage_80": [86.1111, 58.3, 80.0], "fit_seconds": [4.1, 0.0104, 0.27]}
    data.update(extra)
    return pd.DataFrame(data, index=pd.Index(["ets", "autoreg", "rnnkit"], name="model"))


def test_every_column_has_one_number_format_and_missing_values_read_n_a():
    shown = _report.metrics_table(_metrics())
    assert shown["mae"].tolist() == ["19", "28", "1234"]  # one number of decimals per column
    assert shown["mase"].tolist() == ["0.607", "0.861", "2.200"]
    assert shown["coverage_80"].tolist() == ["86%", "58%", "80%"]
    assert shown["fit_seconds"].tolist() == ["4.10", "0.01", "0.27"]
    assert shown["mape"].tolist() == ["4.80", "n/a", "9.40"]
    assert "MAPE divides by the actual values" in _report.missing_values_note(_metrics())
    assert _report.missing_values_note(_metrics(mape=[1.0, 2.0, 3.0])) == ""


def test_forecast_values_share_one_number_of_decimals():
    frame = pd.DataFrame({"forecast": [449.31, 12.5], "lo_80": [368.0, 1.25], "hi_80": [531.9, np.inf]})
    shown = _report.values_table(frame)
    assert shown.to_numpy().tolist() == [["449", "368", "532"], ["12", "1", "n/a"]]


def test_the_ranking_says_how_much_evidence_it_rests_on():
    text = _report.ranking_sentence(_metrics(), folds=3, horizon=12)
    assert "Best by MASE: ets (0.607), on 36 held-out points (3 folds x 12 steps)" in text
    assert "little evidence" in text
    assert "little evidence" not in _report.ranking_sentence(_metrics(), folds=5, horizon=12)
    level = _report.ranking_sentence(_metrics(mase=[0.60, 0.62, 0.9]), folds=5, horizon=12)
    assert "autoreg is within 5% of it" in level


def test_coverage_far_below_its_level_is_a_warning_and_chance_is_not():
    metrics = _metrics(coverage_80=[80.0, 80.0, 36.0])
    (warning,) = _report.coverage_warnings(metrics, "rnnkit", points=56)
    assert "80% interval of rnnkit covered only 36%" in warning and "too narrow" in warning
    # 70% of 36 points is within two binomial standard errors (13 points) plus 5 of 80%: no warning
    assert _report.coverage_warnings(_metrics(coverage_80=[80.0, 80.0, 70.0]), "rnnkit", points=36) == []
    assert "wider" in _report.coverage_warnings(_metrics(coverage_80=[80.0, 80.0, 100.0]), "rnnkit", 200)[0]


def test_a_memory_horizon_that_reaches_the_window_is_flagged_as_capped():
    assert "capped" in _report.memory_text([23], window=24)
    assert "2 of 3 networks reach" in _report.memory_text([23, 10, 30], window=24)
    assert "capped" not in _report.memory_text([10, 12], window=24)
