"""`rnnkit text train|sample|eval` end to end through rnnkit.cli.main, and every refusal:
exit code 2 and exactly one line `rnnkit: error: ...` on stderr."""
import json
import pickle

import pytest

import rnnkit.cli.text  # noqa: F401  (registers `rnnkit text` whether or not cli/__init__ does)
from rnnkit.cli import main

SMALL = ["--hidden-size", "16", "--num-layers", "1", "--embedding-dim", "8", "--quiet"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained through the CLI on a small text (module scope: trained once)."""
    d = tmp_path_factory.mktemp("cli")
    text = d / "input.txt"
    text.write_text("hello world\n" * 40 + "hello there\n" * 40, encoding="utf-8")
    model = d / "model.safetensors"
    assert main(["text", "train", str(text), "-o", str(model), *SMALL, "--max-steps", "120",
                 "--seq-len", "24", "--batch-size", "4", "--lr", "0.01"]) == 0
    return d, text, model


def test_train_prints_a_summary_and_shows_progress_on_stderr(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "text", "train", text, "-o", model, "--hidden-size", "8",
                         "--num-layers", "1", "--max-steps", "30", "--cell", "lstm", "--eval-every", "10")
    assert code == 0 and model.exists()
    assert "saved" in out and "val loss" in out and "bits/char" in out and "perplexity" in out
    assert "train" in err and "val" in err  # the tqdm bar, with both losses
    code, out, _ = run(capsys, "text", "train", text, "-o", model, *SMALL, "--max-steps", "3", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["steps"] == 3 and summary["vocab_size"] == 5


def test_sample_prints_prime_and_continuation(trained, capsys):
    _, _, model = trained
    code, out, err = run(capsys, "text", "sample", model, "--prime", "hello w", "--length", "4",
                         "--temperature", "0")
    assert code == 0 and out == "hello world\n" and err == ""
    code, a, _ = run(capsys, "text", "sample", model, "--length", "50", "--seed", "3", "--top-k", "3")
    code, b, _ = run(capsys, "text", "sample", model, "--length", "50", "--seed", "3", "--top-k", "3")
    assert code == 0 and a == b and len(a) == 52  # a newline prime, 50 characters, echo's newline


def test_eval_reports_loss_bits_and_perplexity(trained, capsys):
    _, text, model = trained
    code, out, _ = run(capsys, "text", "eval", model, text, "--json")
    report = json.loads(out)
    assert code == 0 and report["chars"] == len(text.read_text()) - 1
    assert report["bits_per_char"] == pytest.approx(report["loss_nats"] / 0.6931471805599453)
    code, out, _ = run(capsys, "text", "eval", model, text)
    assert code == 0 and "bits/char" in out


def test_eval_skip_unknown_leaves_out_unseen_characters_and_says_so(trained, tmp_path, capsys):
    _, _, model = trained
    odd = tmp_path / "odd.txt"
    odd.write_text("hello wörld\nhello thäre\n", encoding="utf-8")
    clean = tmp_path / "clean.txt"
    clean.write_text("hello wrld\nhello thre\n", encoding="utf-8")
    code, out, err = run(capsys, "text", "eval", model, odd, "--json")
    assert code == 2 and "--skip-unknown" in err
    code, out, err = run(capsys, "text", "eval", model, odd, "--skip-unknown", "--json")
    report = json.loads(out)
    assert code == 0 and report["skipped"] == 2
    assert err.startswith("rnnkit: warning: left out 2 occurrence(s) of 2 character(s)") and "'ö'" in err
    code, out, _ = run(capsys, "text", "eval", model, clean, "--json")
    assert json.loads(out)["loss_nats"] == report["loss_nats"]  # the same as the text without them


def _assert_one_line_error(code, out, err, match):
    assert code == 2, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnnkit: error: "), err
    assert match in lines[0], lines[0]
    assert "Traceback" not in err


def test_refusals_of_input_text(tmp_path, trained, capsys):
    _, _, model = trained
    files = {"empty.txt": (b"", "empty"), "binary.bin": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
             "latin1.txt": ("café crème".encode("latin-1"), "not UTF-8"),
             "unknown.txt": ("hello wörld".encode(), "not in the model's vocabulary")}
    for name, (content, match) in files.items():
        f = tmp_path / name
        f.write_bytes(content)
        out_model = tmp_path / (name + ".safetensors")
        if name != "unknown.txt":
            _assert_one_line_error(*run(capsys, "text", "train", f, "-o", out_model, *SMALL), match)
            assert not out_model.exists()  # nothing half-written
        _assert_one_line_error(*run(capsys, "text", "eval", model, f), match)
    _assert_one_line_error(*run(capsys, "text", "train", tmp_path / "absent.txt", "-o", tmp_path / "m"),
                           "no such file")


def test_refusals_of_model_files(tmp_path, trained, capsys):
    _, text, model = trained
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(model.read_bytes()[:-100])
    pickled = tmp_path / "model.pt"
    pickled.write_bytes(pickle.dumps({"state_dict": {}}))
    foreign = tmp_path / "foreign.safetensors"
    import numpy as np
    from safetensors.numpy import save_file
    save_file({"weight": np.zeros((2, 2), np.float32)}, str(foreign))
    for path, match in [(truncated, "truncated"), (pickled, "pickle"), (foreign, "not written by rnnkit"),
                        (tmp_path / "absent.safetensors", "no such file")]:
        _assert_one_line_error(*run(capsys, "text", "sample", path), match)
        _assert_one_line_error(*run(capsys, "text", "eval", path, text), match)


def test_refusals_of_options(trained, capsys):
    _, _, model = trained
    _assert_one_line_error(*run(capsys, "text", "sample", model, "--prime", "hellö"), "--prime")
    _assert_one_line_error(*run(capsys, "text", "sample", model, "--temperature", "-1"), "temperature")
    _assert_one_line_error(*run(capsys, "text", "sample", model, "--top-k", "0"), "top-k")
    _assert_one_line_error(*run(capsys, "text", "train", "x.txt", "-o", "m", "--cell", "tcn"), "cell")


@pytest.mark.parametrize("path", [["text"], ["text", "train"], ["text", "sample"], ["text", "eval"]],
                         ids=" ".join)
def test_dash_h_is_help_on_every_text_command(capsys, path):
    from rnnkit.cli import cli

    assert set(cli.commands["text"].commands) == {"train", "sample", "eval"}  # a new one: add it here
    code, out, err = run(capsys, *path, "-h")
    assert code == 0 and err == "" and out.startswith(f"Usage: rnnkit {' '.join(path)} ")
    assert run(capsys, *path, "--help") == (code, out, err)


def _train_config(model):
    from rnnkit import io

    return io.load_model(model, kind="charlm")[1]["train"]


def test_train_clip_norm_and_seconds_are_the_spellings_of_the_api(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "text", "train", text, "-o", model, *SMALL, "--max-steps", "2",
                       "--clip-norm", "2.5", "--seconds", "90")
    assert code == 0 and err == "", err
    config = _train_config(model)
    assert config["clip_norm"] == 2.5 and config["seconds"] == 90.0 and config["max_steps"] == 2
    code, out, _ = run(capsys, "text", "train", "-h")
    assert "--clip-norm" in out and "--seconds" in out
    assert "--clip " not in out and "--minutes" not in out  # the old spellings are not advertised


def test_train_old_clip_and_minutes_still_work_with_a_warning(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    new, old = tmp_path / "new.safetensors", tmp_path / "old.safetensors"
    code, _, err = run(capsys, "text", "train", text, "-o", new, *SMALL, "--max-steps", "2",
                       "--clip-norm", "2.5", "--seconds", "90")
    assert code == 0 and err == ""
    code, _, err = run(capsys, "text", "train", text, "-o", old, *SMALL, "--max-steps", "2",
                       "--clip", "2.5", "--minutes", "1.5")
    assert code == 0
    assert sorted(err.splitlines()) == ["rnnkit: warning: --clip is deprecated; use --clip-norm",
                                        "rnnkit: warning: --minutes is deprecated; use --seconds"]
    assert _train_config(old) == _train_config(new)  # --minutes 1.5 is --seconds 90


@pytest.mark.parametrize("argv,message", [
    (["--clip", "1", "--clip-norm", "1"], "--clip: the deprecated spelling of --clip-norm; give --clip-norm only"),
    (["--minutes", "1", "--seconds", "60"], "--minutes: the deprecated spelling of --seconds"),
    (["--clip", "0"], "--clip"),
    (["--minutes", "-1"], "--minutes"),
    (["--seconds", "0"], "--seconds"),
])
def test_refusals_of_time_and_clipping_options(tmp_path, capsys, argv, message):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    model = tmp_path / "m.safetensors"
    _assert_one_line_error(*run(capsys, "text", "train", text, "-o", model, *SMALL, "--max-steps", "1", *argv),
                           message)
    assert not model.exists()


def test_train_max_steps_and_eval_every_are_the_spellings_of_the_api(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "text", "train", text, "-o", model, *SMALL, "--max-steps", "4",
                         "--eval-every", "3", "--json")
    assert code == 0 and err == "", err
    assert json.loads(out)["steps"] == 4
    config = _train_config(model)
    assert config["max_steps"] == 4 and config["eval_every"] == 3
    assert "steps" not in config and "eval_interval" not in config
    code, out, _ = run(capsys, "text", "train", "-h")
    assert "--max-steps" in out and "--eval-every" in out
    assert "--steps " not in out and "--eval-interval" not in out  # the old spellings are not advertised


def test_train_old_steps_and_eval_interval_still_work_with_a_warning(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    new, old = tmp_path / "new.safetensors", tmp_path / "old.safetensors"
    code, _, err = run(capsys, "text", "train", text, "-o", new, *SMALL, "--max-steps", "4", "--eval-every", "3")
    assert code == 0 and err == ""
    code, _, err = run(capsys, "text", "train", text, "-o", old, *SMALL, "--steps", "4", "--eval-interval", "3")
    assert code == 0
    assert sorted(err.splitlines()) == ["rnnkit: warning: --eval-interval is deprecated; use --eval-every",
                                        "rnnkit: warning: --steps is deprecated; use --max-steps"]
    assert _train_config(old) == _train_config(new)


def test_the_old_step_options_are_hidden():
    from rnnkit.cli import cli

    params = {opt: p for p in cli.commands["text"].commands["train"].params for opt in p.opts}
    assert params["--steps"].hidden and params["--eval-interval"].hidden
    assert not params["--max-steps"].hidden and not params["--eval-every"].hidden


@pytest.mark.parametrize("argv,message", [
    (["--steps", "2", "--max-steps", "2"], "--steps: the deprecated spelling of --max-steps; give --max-steps only"),
    (["--eval-interval", "2", "--eval-every", "2"],
     "--eval-interval: the deprecated spelling of --eval-every; give --eval-every only"),
    (["--steps", "0"], "--steps"),
    (["--eval-interval", "0"], "--eval-interval"),
    (["--max-steps", "0"], "--max-steps"),
    (["--eval-every", "0"], "--eval-every"),
])
def test_refusals_of_step_options(tmp_path, capsys, argv, message):
    text = tmp_path / "t.txt"
    text.write_text("abcabcabd\n" * 30)
    model = tmp_path / "m.safetensors"
    _assert_one_line_error(*run(capsys, "text", "train", text, "-o", model, *SMALL, *argv), message)
    assert not model.exists()
