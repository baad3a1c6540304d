"""`rnnkit fit` and `rnnkit predict` end to end (numpy backend; torch and torchrun are in
tests/torch): a global model from a long-format file, one series, and the refusals (exit 2,
one line)."""
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
    d = tmp_path_factory.mktemp("fit")
    t = np.arange(50)
    rng = np.random.default_rng(0)
    frames = [pd.DataFrame({"unique_id": key, "ds": pd.date_range("2023-01-01", periods=50, freq="D"),
                            "y": level + 0.2 * t + 5 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.5, 50)})
              for key, level in (("a", 10), ("b", 300))]
    pd.concat(frames).to_csv(d / "panel.csv", index=False)
    frames[0].drop(columns="unique_id").rename(columns={"y": "sales", "ds": "day"}).to_csv(d / "one.csv", index=False)
    return d


def test_fit_a_panel_then_predict_long_format(files, tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "fit", files / "panel.csv", "-H", "4", "-o", model, *SMALL)
    assert code == 0, err
    assert "2 series" in out and model.exists()
    code, out, err = run(capsys, "predict", model, "--level", "80", "-o", tmp_path / "f.csv")
    assert code == 0, err
    forecast = pd.read_csv(tmp_path / "f.csv")
    assert list(forecast.columns) == ["unique_id", "ds", "forecast", "lo_80", "hi_80"]
    assert forecast.unique_id.tolist() == ["a"] * 4 + ["b"] * 4 and forecast.ds.iloc[0] == "2023-02-20"
    code, out, _ = run(capsys, "predict", model, "-H", "2")
    assert code == 0 and out.count("\n") == 5  # header + 2 steps x 2 series


def test_fit_one_series_with_named_columns(files, tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "fit", files / "one.csv", "--target", "sales", "-H", "3", "-o", model,
                         *SMALL, "--json")
    assert code == 0, err
    assert '"series": 1' in out
    code, out, err = run(capsys, "predict", model, "--level", "50", "--level", "80")
    assert code == 0 and "lo_50" in out and "hi_80" in out and "2023-02-20" in out


@pytest.mark.parametrize("argv,message", [
    (["fit", "missing.csv", "-H", "2", "-o", "m.safetensors"], "DATA: no such file"),
    (["fit", "{one}", "-H", "2", "-o", "m.safetensors"], "--target: which column"),
    (["fit", "{one}", "--id-column", "store", "-H", "2", "-o", "m.safetensors"], "--id-column: no column 'store'"),
    (["fit", "{panel}", "-H", "2", "--window", "wide", "-o", "m.safetensors"], "--window: expected 'auto'"),
    (["fit", "{panel}", "-H", "2", "--device", "cuda", "-o", "m.safetensors"], "numpy backend runs on 'cpu'"),
    (["predict", "{panel}", "--level", "150"], "--level: expected a number in (0, 100)"),
    (["predict", "{panel}"], "not a readable safetensors file"),
])
def test_refusals_are_one_line_and_exit_2(files, tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    argv = [a.format(one=files / "one.csv", panel=files / "panel.csv") for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "m.safetensors").exists()


def test_a_european_csv_loads_with_sep_decimal_and_thousands(tmp_path, capsys):
    """A German export: ';' between columns, ',' as the decimal mark, '.' between thousands."""
    t = np.arange(48)
    values = 1000 + 200 * np.sin(2 * np.pi * t / 12) + t
    lines = ["Monat;Umsatz"] + [f"{d:%Y-%m-%d};{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
                                for d, v in zip(pd.date_range("2020-01-01", periods=48, freq="MS"), values)]
    path = tmp_path / "umsatz.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "fit", path, "--target", "Umsatz", "-H", "3", "-o", model, *SMALL)
    assert code == 2 and "--sep ';'" in err and err.count("\n") == 1
    code, _, err = run(capsys, "fit", path, "--target", "Umsatz", "-H", "3", "-o", model, "--sep", ";", *SMALL)
    assert code == 2 and "--decimal ','" in err and "--thousands '.'" in err
    code, _, err = run(capsys, "fit", path, "--target", "Umsatz", "-H", "3", "-o", model, "--sep", ";",
                       "--decimal", ",", "--thousands", ".", *SMALL)
    assert code == 0, err
    from rnnkit.forecast import Forecaster

    np.testing.assert_allclose(Forecaster.load(model).series_.values, np.round(values, 2))
    code, _, err = run(capsys, "fit", path, "--target", "Umsatz", "-H", "3", "-o", model, "--sep", ";;", *SMALL)
    assert code == 2 and err.startswith("rnnkit: error: --sep: expected one character")


def test_predict_keeps_the_files_column_names(tmp_path, capsys):
    """The id and date columns of the fitted file come back in predict's output, for a panel
    (--id-column store, dates in 'week') and for one series (dates in 'month')."""
    from rnnkit.cli import main

    t = np.arange(40.0)
    dates = pd.date_range("2015-01-01", periods=40, freq="MS").strftime("%Y-%m-%d")
    pd.DataFrame({"store": np.repeat(["a", "b"], 40), "week": list(dates) * 2,
                  "units": np.r_[t, 2 * t] + 5}).to_csv(tmp_path / "panel.csv", index=False)
    pd.DataFrame({"month": dates, "sales": t + 1}).to_csv(tmp_path / "one.csv", index=False)
    quick = ["-H", "3", "--max-steps", "5", "--n-models", "1", "--quiet"]
    for data, extra, header in (("panel.csv", ["--id-column", "store", "--target", "units"], "store,week,forecast"),
                                ("one.csv", ["--target", "sales"], "month,forecast")):
        model = tmp_path / f"{data}.safetensors"
        assert main(["fit", str(tmp_path / data), "-o", str(model), *extra, *quick]) == 0
        assert main(["predict", str(model), "-o", str(tmp_path / "out.csv")]) == 0
        assert (tmp_path / "out.csv").read_text().splitlines()[0] == header
    capsys.readouterr()


def test_a_panel_series_with_missing_rows_is_explained_and_its_remedy_works(tmp_path, capsys):
    """A series of a panel that lacks two monthly rows: one line naming the first missing date and
    the two ways out; adding the rows empty and passing --fill works."""
    from rnnkit.cli import main

    t = np.arange(40.0)
    dates = pd.date_range("2015-01-01", periods=40, freq="MS").strftime("%Y-%m-%d")
    a = pd.DataFrame({"unique_id": "a", "ds": dates, "y": t + 5})
    b = pd.DataFrame({"unique_id": "b", "ds": dates, "y": 2 * t + 5})
    pd.concat([a, b.drop([10, 11])]).to_csv(tmp_path / "gaps.csv", index=False)
    quick = ["-H", "3", "--max-steps", "5", "--n-models", "1", "--quiet", "-o", str(tmp_path / "m.safetensors")]
    assert main(["fit", str(tmp_path / "gaps.csv"), *quick]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "series 'b' has no rows for 2 of the 'MS' steps" in err
    assert "first missing: 2015-11-01" in err and "--fill" in err and "--freq" in err
    b.loc[[10, 11], "y"] = np.nan  # the rows added back, empty
    pd.concat([a, b]).to_csv(tmp_path / "empty.csv", index=False)
    assert main(["fit", str(tmp_path / "empty.csv"), "--fill", "interpolate", *quick]) == 0


def test_predict_from_a_newer_history_file_including_a_series_the_model_never_saw(tmp_path, capsys):
    """`rnnkit predict MODEL --history new.csv`: the fitted networks on new data, no refit; the
    file's own columns; a bad path is one line, exit 2."""
    from rnnkit.cli import main

    t = np.arange(40.0)
    dates = pd.date_range("2015-01-01", periods=40, freq="MS").strftime("%Y-%m-%d")
    fitted = pd.DataFrame({"store": np.repeat(["a", "b"], 40), "week": list(dates) * 2, "units": np.r_[t, 2 * t] + 5})
    fitted.to_csv(tmp_path / "panel.csv", index=False)
    newer = pd.concat([fitted, fitted[fitted.store == "a"].assign(store="new", units=lambda d: 3 * d.units + 100)])
    newer.to_csv(tmp_path / "newer.csv", index=False)
    model = str(tmp_path / "m.safetensors")
    assert main(["fit", str(tmp_path / "panel.csv"), "--id-column", "store", "--target", "units", "-H", "3",
                 "--max-steps", "5", "--n-models", "1", "--quiet", "-o", model]) == 0
    out = tmp_path / "out.csv"
    assert main(["predict", model, "--history", str(tmp_path / "newer.csv"), "--level", "80", "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["store", "week", "forecast", "lo_80", "hi_80"]
    assert frame["store"].tolist() == ["a"] * 3 + ["b"] * 3 + ["new"] * 3 and np.isfinite(frame["forecast"]).all()
    capsys.readouterr()
    assert main(["predict", model, "--history", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: --history: no such file") and err.count("\n") == 1
