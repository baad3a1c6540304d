"""One spelling per idea on the command line: ``-h`` is help on every command (found from the
click group, so a new command is covered without listing it), ``-H`` is the horizon, ``--level``
takes repeated and comma forms alike through one parser, and the old spellings (``--clip``,
``--batch``, ``--minutes``) still work for a release with a one-line warning."""
import json

import click
import pytest

from rnnkit.cli import cli, main
from rnnkit.cli._options import parse_levels

# Old spellings kept for one release: hidden, never shown in --help.
DEPRECATED = {"--clip": "--clip-norm", "--batch": "--batch-size", "--minutes": "--seconds"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _walk(group, path=()):
    yield path, group
    if isinstance(group, click.Group):
        for name, command in sorted(group.commands.items()):
            yield from _walk(command, path + (name,))


COMMANDS = list(_walk(cli))
WITH_HORIZON = [(path, cmd) for path, cmd in COMMANDS if any(p.name == "horizon" for p in cmd.params)]


def test_the_walk_finds_every_command():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "forecast", "datasets", "fit", "predict", "diagnose", "gradcheck", "demo", "text",
            "text train", "text sample", "text eval", "cv"} <= names
    assert {" ".join(p) for p, _ in WITH_HORIZON} == {"forecast", "fit", "predict", "cv"}


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "rnnkit")
def test_dash_h_prints_the_help_of_every_command(capsys, path):
    code, out, err = run(capsys, *path, "-h")
    assert code == 0 and err == "", err
    assert out.startswith(f"Usage: {' '.join(('rnnkit',) + path)} ")
    assert "-h, --help" in out
    assert run(capsys, *path, "--help") == (code, out, err)


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "rnnkit" for p, _ in COMMANDS])
def test_no_option_takes_dash_h_and_no_old_spelling_is_shown(path, command):
    for param in command.params:
        assert "-h" not in param.opts + param.secondary_opts, (path, param.name)
        if set(param.opts) & set(DEPRECATED):
            assert param.hidden, (path, param.opts)
    if any(p.name == "horizon" for p in command.params):
        horizon = next(p for p in command.params if p.name == "horizon")
        assert set(horizon.opts) == {"-H", "--horizon"}


@pytest.mark.parametrize("path", [p for p, _ in WITH_HORIZON], ids=lambda p: " ".join(p))
def test_the_old_dash_h_horizon_prints_help_and_says_where_the_horizon_went(capsys, path):
    code, out, err = run(capsys, *path, "somefile", "-h", "14")
    assert code == 0 and out.startswith("Usage:")
    assert err == "rnnkit: warning: -h is help; the horizon is -H 14 (or --horizon 14)\n"


# --- --level ------------------------------------------------------------------------------------
def test_parse_levels():
    assert parse_levels(("80,95",)) == parse_levels(("80", "95")) == [80, 95]
    assert parse_levels(("95, 80", "80", "12.5")) == [95, 80, 12.5]  # order kept, duplicates dropped
    assert parse_levels(()) == []
    assert all(type(v) is int for v in parse_levels(("80.0", "95")))


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    import numpy as np
    import pandas as pd

    d = tmp_path_factory.mktemp("levels")
    t = np.arange(40)
    pd.DataFrame({"ds": pd.date_range("2023-01-01", periods=40, freq="D"),
                  "y": 10 + 0.2 * t + np.sin(t)}).to_csv(d / "y.csv", index=False)
    path = d / "m.safetensors"
    assert main(["fit", str(d / "y.csv"), "-H", "3", "-o", str(path), "--n-models", "1",
                 "--max-steps", "10", "--hidden-size", "4", "--quiet"]) == 0
    return path


def test_predict_level_comma_form_equals_repeated_form(model, capsys):
    comma = run(capsys, "predict", model, "--level", "50,80", "--json")
    repeated = run(capsys, "predict", model, "--level", "50", "--level", "80", "--json")
    mixed = run(capsys, "predict", model, "--level", "50,", "--level", "80,50", "--json")
    assert comma[0] == 0 and comma == repeated == mixed
    assert '"lo_50"' in comma[1] and '"hi_80"' in comma[1]
    code, out, _ = run(capsys, "predict", model, "-H", "2", "--json")  # -H is the horizon
    doc = json.loads(out)
    rows = doc["data"] if isinstance(doc, dict) else doc
    assert code == 0 and len(rows) == 2 and "lo_" not in out


def test_forecast_level_comma_form_equals_repeated_form(capsys, monkeypatch, tmp_path):
    import rnnkit.forecast.workbench as workbench

    seen = []

    def fake(series, horizon, **kwargs):
        seen.append((horizon, kwargs["levels"]))
        raise RuntimeError("stop here")

    monkeypatch.setattr(workbench, "run_workbench", fake)
    for levels in (["--level", "80,95"], ["--level", "80", "--level", "95"], []):
        code, _, err = run(capsys, "forecast", "dataset:nile", "-H", "3", *levels)
        assert code == 1 and "stop here" in err
    assert seen == [(3, [80, 95])] * 3  # the default is 80,95 too


BAD_LEVELS = ["80,abc", "0", "100", "-5", "150", "nan", "inf", "", ",", "80,,1e3"]


@pytest.mark.parametrize("level", BAD_LEVELS)
@pytest.mark.parametrize("command", ["forecast", "predict"])
def test_a_bad_level_is_one_line_naming_level_and_exit_2(capsys, tmp_path, model, command, level):
    argv = ["forecast", "dataset:nile", "-H", "3", "-o", tmp_path / "out"] if command == "forecast" \
        else ["predict", model, "-o", tmp_path / "f.csv"]
    code, out, err = run(capsys, *argv, "--level", "80", "--level", level)
    assert code == 2 and out == "", (code, out, err)
    assert err.count("\n") == 1 and err.startswith("rnnkit: error: --level: expected a number in (0, 100)"), err
    assert not list(tmp_path.iterdir())


# --- deprecated spellings -----------------------------------------------------------------------
def test_diagnose_old_batch_spelling_works_and_warns(capsys):
    argv = ["diagnose", "--cell", "gru", "--hidden-size", "4", "--length", "6", "--no-spectral", "--json"]
    new = run(capsys, *argv, "--batch-size", "3")
    old = run(capsys, *argv, "--batch", "3")
    assert new[0] == old[0] == 0 and new[2] == ""
    assert old[1] == new[1] and '"batch": 3' in old[1]
    assert old[2] == "rnnkit: warning: --batch is deprecated; use --batch-size\n"


def test_giving_old_and_new_spelling_together_is_refused(capsys):
    code, out, err = run(capsys, "diagnose", "--cell", "gru", "--batch", "3", "--batch-size", "3")
    assert code == 2 and out == ""
    assert err == "rnnkit: error: --batch: the deprecated spelling of --batch-size; give --batch-size only\n"
    code, _, err = run(capsys, "diagnose", "--cell", "gru", "--batch", "0")
    assert code == 2 and "--batch" in err and err.count("\n") == 1  # the old spelling is still checked


def test_fit_and_forecast_share_the_forecasters_settings_with_its_defaults(capsys):
    """One table of training options for `fit` and `forecast`; a default that drifts from the
    Forecaster's (fit once trained 3 networks while the benchmark measured 4) fails here."""
    import inspect

    from rnnkit.cli._options import FORECASTER_OPTIONS
    from rnnkit.forecast import Forecaster

    signature = inspect.signature(Forecaster.__init__).parameters
    for flag, name, default, *_ in FORECASTER_OPTIONS:
        assert signature[name].default == default, flag
    for command in ("fit", "forecast"):
        code = main([command, "--help"])
        out = capsys.readouterr().out
        assert code == 0 and all(flag in out for flag, *_ in FORECASTER_OPTIONS), command
    code = main(["forecast", "dataset:nile", "-H", "3", "--window", "1"])
    assert code == 2 and "--window: expected 'auto' or an integer >= 2, got '1'" in capsys.readouterr().err


def test_library_warnings_are_one_line_like_the_errors(tmp_path, capsys):
    path = tmp_path / "de.csv"
    path.write_text("date;y\n" + "".join(f"2020-{m:02d}-01;{m}.{m:03d}\n" for m in range(1, 13)))
    main(["fit", str(path), "--sep", ";", "-H", "40", "-o", str(tmp_path / "m.safetensors"), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("rnnkit: warning: column 'y': every value has exactly three decimals")
    assert not any("UserWarning" in line or line.startswith(" ") for line in err)
