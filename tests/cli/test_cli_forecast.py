"""``rnnkit forecast`` and ``rnnkit datasets`` end to end on small real data."""
import json

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main

FILES = {"forecast.csv", "metrics.json", "model.safetensors", "forecast.png", "backtest.png",
         "training.png", "memory.png", "report.html"}


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_forecast_a_csv_end_to_end(tmp_path, capsys):
    t = np.arange(80)
    frame = pd.DataFrame({"month": pd.date_range("2015-01-01", periods=80, freq="MS").strftime("%Y-%m-%d"),
                          "sales": 100 + t + 10 * np.sin(2 * np.pi * t / 12)})
    frame.to_csv(tmp_path / "sales.csv", index=False)
    out_dir = tmp_path / "out"
    code, out, err = run(["forecast", str(tmp_path / "sales.csv"), "--target", "sales", "-H", "6",
                          "--folds", "2", "-o", str(out_dir), "--quiet"], capsys)
    assert code == 0, err
    for name in ("rnnkit", "autoreg", "ets", "seasonal_naive", "naive", "drift"):
        assert name in out
    assert {p.name for p in out_dir.iterdir()} == FILES
    written = pd.read_csv(out_dir / "forecast.csv")
    assert list(written.columns)[1:] == ["forecast", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert written.iloc[0, 0] == "2021-09-01"
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["horizon"] == 6 and "rnnkit" in metrics["metrics"]
    assert (out_dir / "report.html").read_text().count("data:image/png;base64") == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_forecast_json_on_a_bundled_dataset(capsys):
    code, out, err = run(["forecast", "dataset:nile", "-H", "3", "--folds", "1", "--json", "--quiet"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["forecast"]["data"]) == 3 and "ets" in doc["metrics"]


@pytest.mark.parametrize("argv,needle", [
    (["forecast", "missing.csv", "--target", "y", "-H", "3"], "no such file"),
    (["forecast", "dataset:nile", "-H", "0"], "--horizon"),
    (["forecast", "dataset:nile", "-H", "3", "--level", "80,abc"], "--level"),
    (["forecast", "dataset:nile", "-H", "3", "--target", "nope"], "nope"),
    (["forecast", "dataset:nile", "-H", "40"], "-H/--horizon: 40 is too long for 100 points with --folds 3 and intervals; at most 20"),
    (["forecast", "dataset:air_passengers", "-H", "12", "--season-length", "100"],
     "--season-length: 100 is too long to calibrate intervals on the first backtest fold's 108 points; at most 48"),
    (["forecast", "dataset:unknown", "-H", "3"], "unknown dataset"),
    (["forecast", "dataset:nile"], "--horizon"),
    (["forecast", "dataset:nile", "-H", "3", "--device", "cuda"], "device"),
    (["forecast", "dataset:nile", "-H", "3", "--backend", "jax"], "--backend"),
])
def test_bad_input_exits_2_with_one_line_and_no_files(tmp_path, capsys, argv, needle):
    code, out, err = run(argv + ["-o", str(tmp_path / "out")], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("rnnkit: error: ") and needle in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_options_the_data_cannot_support_are_refused_before_any_training(monkeypatch, capsys):
    """Regression: --season-length 400 on 365 points trained for minutes, then failed while
    calibrating intervals; -H too long named the horizon with its folds counted in."""
    import rnnkit.forecast.workbench as workbench

    def no_work(*args, **kwargs):
        raise AssertionError("the job started")

    monkeypatch.setattr(workbench, "run_workbench", no_work)
    for argv in (["-H", "12", "--season-length", "49"], ["-H", "29"], ["-H", "12", "--folds", "20"]):
        code, _, err = run(["forecast", "dataset:air_passengers", *argv], capsys)
        assert code == 2 and "at most" in err and err.count("\n") == 1, err
    for argv in (["-H", "12", "--season-length", "48"], ["-H", "28"]):  # the largest values allowed
        code, _, err = run(["forecast", "dataset:air_passengers", *argv], capsys)
        assert code == 1 and "the job started" in err, err


def test_a_long_format_panel_points_to_fit(tmp_path, capsys):
    """Regression: a long-format file printed a wall of "duplicate timestamps"."""
    rows = [f"{k},2020-01-{d:02d},{d}" for k in ("a", "b") for d in range(1, 29)]
    (tmp_path / "panel.csv").write_text("unique_id,ds,y\n" + "\n".join(rows) + "\n")
    code, _, err = run(["forecast", str(tmp_path / "panel.csv"), "-H", "7", "--target", "y"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "holds several series" in err and "rnnkit fit panel.csv -H 7 -o model.safetensors" in err


def test_no_dates_and_season_one_are_said_loudly(tmp_path, monkeypatch, capsys):
    import rnnkit.forecast.workbench as workbench

    def no_work(*args, **kwargs):
        raise AssertionError("the job started")

    monkeypatch.setattr(workbench, "run_workbench", no_work)
    (tmp_path / "steps.csv").write_text("sales\n" + "".join(f"{i % 7}\n" for i in range(60)))
    code, _, err = run(["forecast", str(tmp_path / "steps.csv"), "--target", "sales", "-H", "3"], capsys)
    assert code == 1 and err.startswith("rnnkit: warning: no date column was found") and "--season-length N" in err
    code, _, err = run(["forecast", str(tmp_path / "steps.csv"), "--target", "sales", "-H", "3",
                        "--season-length", "7"], capsys)
    assert "warning" not in err


def test_bad_csv_exits_2(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("date,price\n2020-01-01,1\n2020-01-01,2\n2020-01-03,x\n")
    code, _, err = run(["forecast", str(tmp_path / "bad.csv"), "--target", "price", "-H", "1"], capsys)
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1


def test_datasets_lists_the_bundled_series(capsys):
    code, out, _ = run(["datasets"], capsys)
    assert code == 0
    for name in ("dax", "seattle_weather", "air_passengers", "co2", "sunspots", "macro_rates"):
        assert name in out
    assert "prison_lf" in out.split("panels")[-1]
    code, out, _ = run(["datasets", "--json"], capsys)
    records = json.loads(out)
    assert len(records) >= 12 and {r["kind"] for r in records} == {"series", "panel"}


def test_the_report_states_its_evidence_in_plain_words(tmp_path, capsys):
    """One forecast job's report.html: frequency in words, the evidence behind "best", one number
    format per metrics column, no raw notation, no link to a file the report folder lacks."""
    out = tmp_path / "out"
    code, _, err = run(["forecast", "dataset:air_passengers", "-H", "6", "-o", str(out), "--quiet",
                        "--max-steps", "30", "--n-models", "1"], capsys)
    assert code == 0, err
    page = (out / "report.html").read_text()
    assert "monthly (MS)" in page and "held-out points (3 folds x 6 steps)" in page
    assert "little evidence" in page
    assert "docs/diagnostics.md" not in page and "dx_{T-k}" not in page
    assert page.count("%</td>") >= 6  # coverage as whole percents, every model
