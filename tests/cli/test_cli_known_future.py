"""Known-future and static covariates on the command line: `fit`/`cv` with --future-covariates,
--calendar, --holidays and --static; `predict --future-frame` writes the frame to fill and
`predict --future FILE` reads it back; every mistake is one line and exit 2."""
import json

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main

SMALL = ["--n-models", "1", "--max-steps", "20", "--hidden-size", "6", "--quiet"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("known")
    rng = np.random.default_rng(0)
    t = np.arange(60)
    frames = []
    for key, level in (("a", 10.0), ("b", 40.0)):
        promo = (rng.random(60) < 0.3).astype(float)
        frames.append(pd.DataFrame({"store": key, "day": pd.date_range("2024-01-01", periods=60, freq="D"),
                                    "sales": level + 3 * promo + np.sin(2 * np.pi * t / 7) + rng.normal(0, .2, 60),
                                    "promo": promo}))
    pd.concat(frames).to_csv(d / "panel.csv", index=False)
    frames[0].drop(columns="store").to_csv(d / "one.csv", index=False)
    pd.DataFrame({"store": ["a", "b"], "size": [120.0, 800.0], "region": ["north", "south"]}).to_csv(
        d / "static.csv", index=False)
    return d


def _fill(frame_file, out_file, column="promo", value="1"):
    frame = pd.read_csv(frame_file, dtype=str)
    assert frame[column].isna().all()  # the frame to fill comes empty
    frame[column] = value
    frame.to_csv(out_file, index=False)


def test_one_series_future_frame_then_forecast(files, tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "fit", files / "one.csv", "--target", "sales", "--future-covariates", "promo",
                         "--calendar", "dayofweek", "--holidays", "US", "-H", "5", "-o", model, *SMALL)
    assert code == 0, err
    code, _, err = run(capsys, "predict", model, "--future-frame", "-o", tmp_path / "frame.csv")
    assert code == 0, err
    frame = pd.read_csv(tmp_path / "frame.csv")
    assert list(frame.columns) == ["day", "promo"] and frame.day.iloc[0] == "2024-03-01" and len(frame) == 5
    _fill(tmp_path / "frame.csv", tmp_path / "on.csv", value="1")
    _fill(tmp_path / "frame.csv", tmp_path / "off.csv", value="0")
    code, on, err = run(capsys, "predict", model, "--future", tmp_path / "on.csv", "--json")
    assert code == 0, err
    code, off, err = run(capsys, "predict", model, "--future", tmp_path / "off.csv", "--json")
    assert code == 0, err
    assert on != off  # the network reads the future values it is given


def test_panel_with_static_covariates_fit_predict_and_cv(files, tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "fit", files / "panel.csv", "--id-column", "store", "--date", "day",
                         "--target", "sales", "--future-covariates", "promo", "--static", files / "static.csv",
                         "-H", "4", "-o", model, *SMALL)
    assert code == 0, err
    assert "2 series" in out
    code, _, err = run(capsys, "predict", model, "--future-frame", "-o", tmp_path / "frame.csv")
    assert code == 0, err
    frame = pd.read_csv(tmp_path / "frame.csv")
    assert list(frame.columns) == ["store", "day", "promo"] and frame.store.tolist() == ["a"] * 4 + ["b"] * 4
    _fill(tmp_path / "frame.csv", tmp_path / "future.csv")
    code, _, err = run(capsys, "predict", model, "--future", tmp_path / "future.csv", "--level", "80",
                       "-o", tmp_path / "forecast.csv")
    assert code == 0, err
    forecast = pd.read_csv(tmp_path / "forecast.csv")
    assert list(forecast.columns) == ["store", "day", "forecast", "lo_80", "hi_80"]
    assert np.isfinite(forecast[["forecast", "lo_80", "hi_80"]].to_numpy()).all()
    code, out, err = run(capsys, "cv", files / "panel.csv", "--id-column", "store", "--date", "day", "--target",
                         "sales", "--future-covariates", "promo", "--static", files / "static.csv", "-H", "4",
                         "--n-windows", "2", "--calendar", "auto", "-o", tmp_path / "cv.csv", *SMALL[:-1])
    assert code == 0, err
    cv = pd.read_csv(tmp_path / "cv.csv")
    assert len(cv) == 2 * 2 * 4 and {"store", "day", "cutoff", "sales", "forecast"} <= set(cv.columns)


def test_refusals_are_one_line_naming_the_option(files, tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    assert run(capsys, "fit", files / "one.csv", "--target", "sales", "--future-covariates", "promo",
               "-H", "5", "-o", model, *SMALL)[0] == 0
    plain = tmp_path / "plain.safetensors"
    assert run(capsys, "fit", files / "one.csv", "--target", "sales", "-H", "5", "-o", plain, *SMALL)[0] == 0
    good = tmp_path / "good.csv"
    assert run(capsys, "predict", model, "--future-frame", "-o", tmp_path / "frame.csv")[0] == 0
    _fill(tmp_path / "frame.csv", good)
    rows = good.read_text().splitlines()
    (tmp_path / "short.csv").write_text("\n".join(rows[:4]) + "\n")
    (tmp_path / "gap.csv").write_text("\n".join(rows[:3] + [rows[3].split(",")[0] + ","] + rows[4:]) + "\n")
    cases = [
        (["predict", model], "--future: this model reads the known-future values of promo"),
        (["predict", model, "--future", tmp_path / "short.csv"], "--future: short.csv: no row for (2024-03-04)"),
        (["predict", model, "--future", tmp_path / "gap.csv"], "--future: gap.csv: column 'promo': missing"),
        (["predict", model, "--future", tmp_path / "none.csv"], "--future: no such file"),
        (["predict", model, "--future-frame", "--level", "80"], "--future-frame: it writes the frame to fill"),
        (["predict", plain, "--future", good], "--future: this model was fitted without --future-covariates"),
        (["predict", plain, "--future-frame"], "--future-frame: this model was fitted without"),
        (["fit", files / "one.csv", "--target", "sales", "--covariates", "promo", "--future-covariates", "promo",
          "-H", "5", "-o", tmp_path / "x.safetensors"], "--future-covariates: 'promo' is also in --covariates"),
        (["fit", files / "one.csv", "--target", "sales", "--static", files / "static.csv", "-H", "5",
          "-o", tmp_path / "x.safetensors"], "--static: static attributes describe each series of a panel"),
        (["fit", files / "panel.csv", "--id-column", "store", "--target", "sales", "--static", tmp_path / "no.csv",
          "-H", "5", "-o", tmp_path / "x.safetensors"], "--static: no such file"),
        (["fit", files / "one.csv", "--target", "sales", "--calendar", "weekday", "-H", "5",
          "-o", tmp_path / "x.safetensors"], "--calendar: expected 'auto' or distinct names"),
        (["cv", files / "one.csv", "--target", "sales", "--holidays", "XX", "-H", "5"],
         "--holidays: expected a country code"),
    ]
    for argv, message in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2 and err.startswith(f"rnnkit: error: {message}") and err.count("\n") == 1, (argv, err)
    assert not (tmp_path / "x.safetensors").exists()


def test_fit_and_cv_read_a_bundled_dataset(tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "fit", "dataset:elec_daily", "--future-covariates", "workday,temperature",
                         "--holidays", "AU-VIC", "-H", "7", "-o", model, *SMALL)
    assert code == 0, err
    code, _, err = run(capsys, "predict", model, "--future-frame")
    assert code == 0 and "2015-01-01" in _ and "workday" in _, err
    code, out, err = run(capsys, "cv", "dataset:elec_daily", "--future-covariates", "workday,temperature", "-H", "7",
                         "--n-windows", "2", *SMALL[:-1])
    assert code == 0, err
    assert "2 windows of 7 steps" in out


def test_a_series_without_dates_reads_its_future_by_step(tmp_path, capsys):
    rng = np.random.default_rng(2)
    x = (rng.random(80) < 0.4).astype(float)
    pd.DataFrame({"y": 5 + 2 * x + rng.normal(0, .1, 80), "x": x}).to_csv(tmp_path / "steps.csv", index=False)
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "fit", tmp_path / "steps.csv", "--future-covariates", "x", "-H", "3", "-o", model,
                       *SMALL)
    assert code == 0, err
    assert run(capsys, "predict", model, "--future-frame", "-o", tmp_path / "frame.csv")[0] == 0
    frame = pd.read_csv(tmp_path / "frame.csv")
    assert frame.iloc[:, 0].tolist() == [80, 81, 82]
    _fill(tmp_path / "frame.csv", tmp_path / "future.csv", column="x")
    code, out, err = run(capsys, "predict", model, "--future", tmp_path / "future.csv")
    assert code == 0 and "forecast" in out, err


def test_a_bundled_panel_with_its_static_table_fit_cv_and_new_history(tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "fit", "dataset:prison_lf", "--static", "dataset:prison_lf", "-H", "4", "-o", model,
                         *SMALL)
    assert code == 0 and "32 series" in out, err
    from rnnkit.data import load_panel_dataset

    df, _ = load_panel_dataset("prison_lf")
    df[df.unique_id.str.startswith("ACT/")].to_csv(tmp_path / "act.csv", index=False)
    code, out, err = run(capsys, "predict", model, "--history", tmp_path / "act.csv", "-o", tmp_path / "f.csv")
    assert code == 0, err
    assert pd.read_csv(tmp_path / "f.csv").unique_id.nunique() == 4
    code, out, err = run(capsys, "cv", "dataset:prison_lf", "--static", "dataset:prison_lf", "-H", "4",
                         "--n-windows", "2", *SMALL[:-1])
    assert code == 0 and "2 windows of 4 steps" in out, err
    code, _, err = run(capsys, "fit", "dataset:prison_lf", "--static", "dataset:prisons", "-H", "4", "-o", model)
    assert code == 2 and "--static: no bundled panel 'prisons'" in err
    code, _, err = run(capsys, "forecast", "dataset:prison_lf", "-H", "4")
    assert code == 2 and "is a panel of several series" in err


def test_forecast_backtests_and_forecasts_with_inputs_known_ahead(tmp_path, capsys):
    from rnnkit.data import load_dataset

    frame = load_dataset("elec_daily")
    frame.iloc[:-7].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[-7:][["date", "workday", "temperature"]].to_csv(tmp_path / "next.csv", index=False)
    frame.iloc[-7:-2][["date", "workday", "temperature"]].to_csv(tmp_path / "short.csv", index=False)
    base = ["forecast", tmp_path / "train.csv", "--target", "demand", "-H", "7", "--folds", "2"]
    code, out, err = run(capsys, *base, "--future-covariates", "workday,temperature", "--future",
                         tmp_path / "next.csv", "--json", *SMALL)
    assert code == 0, err
    forecast = json.loads(out)["forecast"]
    assert len(forecast["data"]) == 7 and str(forecast["index"][0]).startswith("2014-12-25")
    for argv, message in [
        (["--future-covariates", "workday"], "--future-covariates: give it with --future FILE"),
        (["--future", tmp_path / "next.csv"], "--future-covariates: give it with --future FILE"),
        (["--future-covariates", "workday,temperature", "--future", tmp_path / "short.csv"],
         "--future: short.csv: no row for (2014-12-30)"),
        (["--future-covariates", "wind", "--future", tmp_path / "next.csv"], "column 'wind' not found"),
    ]:
        code, _, err = run(capsys, *base, *argv, *SMALL)
        assert code == 2 and message in err and err.count("\n") == 1, (argv, err)
