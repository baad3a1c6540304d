"""``rnnkit cv``: cross-validation of a panel file, its table, its CSV, its refusals."""
import numpy as np
import pandas as pd

from rnnkit.cli import main


def test_cv_of_a_panel_prints_metrics_per_series_and_coverage_per_window(tmp_path, capsys):
    t = np.arange(40.0)
    dates = pd.date_range("2015-01-01", periods=40, freq="MS").strftime("%Y-%m-%d")
    pd.DataFrame({"store": np.repeat(["a", "b"], 40), "week": list(dates) * 2,
                  "units": np.r_[t, 2 * t] + 5}).to_csv(tmp_path / "panel.csv", index=False)
    out = tmp_path / "cv.csv"
    code = main(["cv", str(tmp_path / "panel.csv"), "--id-column", "store", "--target", "units", "-H", "3",
                 "--n-windows", "2", "--level", "80", "-o", str(out), "--max-steps", "5", "--n-models", "1"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "coverage_80" in printed and "interval coverage per window" in printed
    assert all(line.split()[0] in printed for line in ("a", "b", "all"))
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["store", "week", "cutoff", "units", "forecast", "lo_80", "hi_80"]
    assert len(frame) == 2 * 2 * 3 and (frame["week"] > frame["cutoff"]).all()


def test_cv_refuses_bad_settings_in_one_line(tmp_path, capsys):
    pd.DataFrame({"ds": pd.date_range("2015-01-01", periods=20, freq="MS"), "y": np.arange(20.0)}).to_csv(
        tmp_path / "one.csv", index=False)
    assert main(["cv", str(tmp_path / "one.csv"), "-H", "3", "--refit", "maybe"]) == 2
    assert "--refit: expected true, false or a positive number" in capsys.readouterr().err
    assert main(["cv", str(tmp_path / "one.csv"), "-H", "5", "--n-windows", "4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "need more than 20 points, got 20" in err
