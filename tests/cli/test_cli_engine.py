import json
import subprocess
import sys

from rnnkit.cli import main


def test_gradcheck_quick_passes_and_reports_json(capsys):
    assert main(["gradcheck", "--quick", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failed"] == 0 and len(doc["cases"]) >= 20


def test_gradcheck_exits_1_when_a_check_fails(capsys):
    # A tolerance no finite difference can meet makes every check fail.
    assert main(["gradcheck", "--quick", "--tolerance", "1e-30"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_unknown_command_and_help(capsys):
    assert main(["frobnicate"]) == 2
    assert capsys.readouterr().err.startswith("rnnkit: error: No such command")
    assert main(["--help"]) == 0
    assert "forecast" in capsys.readouterr().out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "rnnkit", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "rnnkit" in out.stdout
