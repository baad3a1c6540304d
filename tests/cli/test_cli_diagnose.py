"""``rnnkit diagnose`` end to end on small models: fresh, a saved forecaster, a saved char model."""
import csv
import json

import numpy as np
import pytest

from rnnkit.cli import main

FILES = {"diagnosis.csv", "diagnosis.json", "gradient_flow.png", "jacobian.png", "memory.png"}


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_fresh_model_table_files_and_seed(tmp_path, capsys):
    argv = ["diagnose", "--cell", "lstm", "--hidden-size", "6", "--length", "30", "--batch-size", "3", "--seed", "1"]
    code, out, err = run(argv + ["-o", str(tmp_path / "diag")], capsys)
    assert code == 0, err
    assert "lag" in out and "memory horizon:" in out and "weight_hh_l0:f" in out
    assert {p.name for p in (tmp_path / "diag").iterdir()} == FILES
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    with open(tmp_path / "diag" / "diagnosis.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["lag"]) for r in rows] == list(range(30))
    assert float(rows[0]["jacobian_spectral"]) == pytest.approx(1.0)
    assert (tmp_path / "diag" / "memory.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, again, _ = run(argv, capsys)  # same seed, same numbers
    assert code == 0 and again == out
    code, other, _ = run(argv[:-1] + ["2"], capsys)
    assert code == 0 and other != out


def test_json_output(capsys):
    code, out, err = run(["diagnose", "--cell", "rnn", "--nonlinearity", "relu", "--num-layers", "2",
                          "--hidden-size", "5", "--length", "12", "--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["info"]["cell"] == "rnn_relu" and doc["info"]["num_layers"] == 2
    assert len(doc["table"]) == 12 and set(doc["table"][0]) == {
        "lag", "grad_norm", "jacobian_spectral", "jacobian_frobenius", "memory"}
    assert set(doc["spectral_radii"]) == {"weight_hh_l0", "weight_hh_l1"}
    assert 0 <= doc["horizon"] < 12
    code, out, err = run(["diagnose", "--cell", "gru", "--hidden-size", "3", "--length", "5", "--json",
                          "--no-spectral"], capsys)
    assert code == 0, err
    table = json.loads(out)["table"]
    assert all(r["jacobian_spectral"] is None for r in table) and table[0]["jacobian_frobenius"] > 0


def test_saved_forecaster(tmp_path, capsys):
    from rnnkit.forecast import Forecaster

    t = np.arange(60, dtype=float)
    y = 10 + np.sin(2 * np.pi * t / 12) + 0.05 * t
    fc = Forecaster(horizon=2, window=8, hidden_size=4, n_models=2, max_steps=10, eval_every=5,
                    refit=False, seed=0).fit(y)
    fc.save(tmp_path / "model.safetensors")
    code, out, err = run(["diagnose", str(tmp_path / "model.safetensors"), "--batch-size", "5", "--net", "1",
                          "--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["info"]["steps"] == 8 and doc["info"]["batch"] == 5 and doc["info"]["cell"] == "gru"
    assert "network 1" in doc["model"]
    code, out, err = run(["diagnose", str(tmp_path / "model.safetensors"), "--net", "2"], capsys)
    assert code == 2 and err.startswith("rnnkit: error: --net") and len(err.splitlines()) == 1


def test_saved_char_model(tmp_path, capsys):
    from rnnkit.text.model import CharLM, ModelConfig
    from rnnkit.text.vocab import Vocab

    model = CharLM(Vocab.from_text("hello world"), ModelConfig(cell="lstm", hidden_size=6, num_layers=2,
                                                               embedding_dim=3), seed=0)
    model.save(tmp_path / "char.safetensors")
    code, out, err = run(["diagnose", str(tmp_path / "char.safetensors"), "--prime", "hello wor",
                          "--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["info"]["steps"] == 8 and doc["info"]["batch"] == 1 and doc["info"]["num_layers"] == 2
    code, out, err = run(["diagnose", str(tmp_path / "char.safetensors"), "--length", "10", "--batch-size", "2",
                          "-o", str(tmp_path / "d")], capsys)
    assert code == 0, err
    assert {p.name for p in (tmp_path / "d").iterdir()} == FILES
    code, out, err = run(["diagnose", str(tmp_path / "char.safetensors"), "--prime", "xyz"], capsys)
    assert code == 2 and "--prime" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv,needle", [
    (["diagnose"], "MODEL: give a model file"),
    (["diagnose", "missing.safetensors"], "no such file"),
    (["diagnose", "m.safetensors", "--cell", "gru"], "--cell"),
    (["diagnose", "--cell", "gru", "--length", "1"], "--length"),
    (["diagnose", "--cell", "cnn"], "--cell"),
    (["diagnose", "--cell", "gru", "--fraction", "0"], "--fraction"),
])
def test_bad_input_exits_2_with_one_line_and_no_files(tmp_path, capsys, argv, needle):
    code, _, err = run(argv + ["-o", str(tmp_path / "out")], capsys)
    assert code == 2
    assert err.startswith("rnnkit: error:") and needle in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_foreign_file_is_refused(tmp_path, capsys):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x80\x04pickle-ish")
    code, _, err = run(["diagnose", str(path)], capsys)
    assert code == 2 and "pickle" in err


def test_help_has_an_example(capsys):
    code, out, _ = run(["diagnose", "--help"], capsys)
    assert code == 0 and "rnnkit diagnose --cell lstm" in out


def test_a_failure_while_writing_leaves_nothing(tmp_path, capsys, monkeypatch):
    from rnnkit.diagnostics import figures

    def broken(diagnosis, out_dir):
        (out_dir / "gradient_flow.png").write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(figures, "diagnosis_figures", broken)
    code, _, err = run(["diagnose", "--cell", "gru", "--hidden-size", "3", "--length", "5",
                        "-o", str(tmp_path / "out")], capsys)
    assert code == 1 and "disk full" in err
    assert list(tmp_path.iterdir()) == []
