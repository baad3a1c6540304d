"""Faults injected into real runs: SIGTERM mid-run, outputs that cannot be written, two runs
into one folder, the umask, results that would be NaN. Each case checks what the user is left
with: the exit code, one line on stderr, and no half-written or stray file."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from rnnkit import io
from rnnkit.cli import main
from rnnkit.forecast import Forecaster, Naive

RNNKIT = [sys.executable, "-m", "rnnkit"]


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return kids


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads child processes from /proc")
def test_sigterm_during_training_leaves_nothing_behind(tmp_path):
    """SIGTERM while the ensemble trains in worker processes: exit 143, one line, no model
    file, no temporary file, no lock, and the workers are gone."""
    t = np.arange(2000)
    pd.DataFrame({"date": pd.date_range("2015-01-01", periods=len(t), freq="h"),
                  "y": 10 + np.sin(2 * np.pi * t / 24) + 0.5 * np.sin(2 * np.pi * t / 170)}).to_csv(
        tmp_path / "s.csv", index=False)
    proc = subprocess.Popen(RNNKIT + ["fit", "s.csv", "-H", "24", "-o", "m.safetensors", "--max-steps", "100000",
                                      "--n-models", "4"],
                            cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deadline, workers = time.time() + 120, []
    while time.time() < deadline and len(workers) < 2:  # wait until the worker pool trains
        time.sleep(0.2)
        workers = _children(proc.pid)
        assert proc.poll() is None, proc.stderr.read()
    assert workers, "no worker process started"
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "rnnkit: error: terminated"
    assert "Traceback" not in err
    time.sleep(2)
    assert not [pid for pid in workers if _alive(pid)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]  # no model, .m.*.tmp or .m.safetensors.lock
    assert not _shared_memory(proc.pid)  # no sem.loky-* or joblib_memmapping_folder_* left


def _shared_memory(pid: int) -> set[str]:
    """Semaphores and memory-mapping folders of the worker pool started by process ``pid`` (their
    names carry it: sem.loky-<pid>-*, joblib_memmapping_folder_<pid>_*); other tests running in
    parallel make their own."""
    shm = "/dev/shm"
    marks = (f"loky-{pid}-", f"joblib_memmapping_folder_{pid}_")
    return {n for n in os.listdir(shm) if any(m in n for m in marks)} if os.path.isdir(shm) else set()


def _series_csv(path, n=60):
    t = np.arange(n)
    pd.DataFrame({"date": pd.date_range("2015-01-01", periods=n, freq="MS"),
                  "y": 10 + np.sin(2 * np.pi * t / 12) + 0.05 * t}).to_csv(path, index=False)
    return path


def test_an_output_whose_parent_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    started = time.perf_counter()
    code = main(["text", "train", str(_series_csv(tmp_path / "t.csv")), "-o", str(tmp_path / "afile" / "m.safetensors")])
    assert code == 2 and time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: --output:") and "is a file, not a folder" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_output_folder_is_refused_before_any_work(tmp_path, capsys):
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o555)
    code = main(["fit", str(_series_csv(tmp_path / "s.csv")), "-H", "3", "-o", str(locked / "m.safetensors")])
    assert code == 2 and "cannot write in" in capsys.readouterr().err


def test_check_output_refuses_a_folder_with_no_write_permission(tmp_path, monkeypatch):
    """As root the permission test above is skipped; the check itself is the attempt to create
    a file, so a failing attempt (as on a read-only mount) is refused with its reason."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(io.tempfile, "TemporaryFile", refuse)
    with pytest.raises(ValueError, match="cannot write in .*Permission denied"):
        io.check_output(tmp_path / "m.safetensors")


def test_a_second_run_into_the_same_output_stops_at_once(tmp_path, capsys):
    target = tmp_path / "model.safetensors"
    with io.output_lock(target):
        code = main(["fit", str(_series_csv(tmp_path / "s.csv")), "-H", "3", "-o", str(target)])
    assert code == 2 and "another rnnkit run is writing there" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]  # the lock is gone with its holder


def test_outputs_honour_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        io.write_text(tmp_path / "a.txt", "x")
        with io.staged_files(tmp_path / "out", ["f.txt", "sub"]) as stage:
            (stage / "f.txt").write_text("y")
            (stage / "sub").mkdir()
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "out" / "f.txt").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "out" / "sub").stat().st_mode & 0o777 == 0o750


def test_values_that_would_overflow_are_refused_with_how_to_rescale(tmp_path, capsys):
    t = np.arange(60)
    path = tmp_path / "big.csv"
    pd.DataFrame({"date": pd.date_range("2015-01-01", periods=60, freq="MS"),
                  "y": (5 + np.sin(t)) * 1e301}).to_csv(path, index=False)
    assert main(["fit", str(path), "-H", "3", "-o", str(tmp_path / "m.safetensors")]) == 2
    assert "divide them by 1e+301" in capsys.readouterr().err
    assert not (tmp_path / "m.safetensors").exists()
    with pytest.raises(ValueError, match="y: values reach"):
        Naive(horizon=3).fit(pd.Series((5 + np.sin(t)) * 1e301))


def test_a_forecast_that_is_not_finite_is_a_failure_not_a_result(monkeypatch):
    y = pd.Series(10 + np.sin(np.arange(40)))
    model = Naive(horizon=3).fit(y)
    monkeypatch.setattr(Naive, "_forecast", lambda self, series, h: np.full(h, np.nan))
    with pytest.raises(FloatingPointError, match="NaN or infinite values in \\['forecast'\\]"):
        model.predict()


def test_a_diverged_fit_is_refused_instead_of_saved(monkeypatch):
    import rnnkit.forecast.forecaster as forecaster

    y = pd.Series(10 + np.sin(np.arange(60) / 2))
    real = forecaster.blend
    monkeypatch.setattr(forecaster, "blend", lambda *a: [f * np.inf for f in real(*a)])
    with pytest.raises(FloatingPointError, match="training diverged"):
        Forecaster(horizon=3, n_models=1, max_steps=10, eval_every=5, hidden_size=4, refit=False).fit(y)


@pytest.mark.parametrize("argv, option", [
    (["gradcheck", "--tolerance", "-1"], "--tolerance"),
    (["forecast", "dataset:nile", "-H", "3", "--seed", "-1"], "--seed"),
    (["text", "sample", "m.safetensors", "--seed", "-5"], "--seed"),
    (["diagnose", "--seed", "-1"], "--seed"),
])
def test_absurd_options_are_refused_while_parsing_naming_the_option(argv, option, capsys):
    started = time.perf_counter()
    assert main(argv) == 2
    assert time.perf_counter() - started < 2  # before any work
    assert option in capsys.readouterr().err


def test_predict_refuses_a_horizon_longer_than_the_history(tmp_path, capsys):
    model = tmp_path / "m.safetensors"
    assert main(["fit", str(_series_csv(tmp_path / "s.csv")), "-H", "3", "-o", str(model), "--max-steps", "20",
                 "--n-models", "1", "--hidden-size", "4"]) == 0
    capsys.readouterr()
    assert main(["predict", str(model), "-H", "100000000"]) == 2
    assert "-H/--horizon: expected at most 60" in capsys.readouterr().err
    assert main(["predict", str(model), "-H", "60"]) == 0
    with pytest.raises(ValueError, match="horizon: expected at most 60"):
        Forecaster.load(model).predict(61)


def test_a_baseline_that_cannot_fit_the_series_is_reported_unavailable_not_fatal(tmp_path, capsys):
    path = tmp_path / "zero.csv"
    pd.DataFrame({"date": pd.date_range("2015-01-01", periods=48, freq="MS"), "y": np.zeros(48)}).to_csv(
        path, index=False)
    out = tmp_path / "out"
    assert main(["forecast", str(path), "--target", "y", "-H", "3", "--max-steps", "10", "--n-models", "1",
                 "--hidden-size", "4", "-o", str(out)]) == 0
    assert "baseline ets unavailable for this series" in capsys.readouterr().err
    summary = json.loads((out / "metrics.json").read_text())
    assert "ets" in summary["unavailable"] and "ets" not in summary["metrics"]
    assert "ets could not be fitted" in (out / "report.html").read_text()


def test_a_disk_that_fills_while_saving_leaves_the_previous_model_whole(tmp_path, monkeypatch, capsys):
    """The writer fails half way (ENOSPC): exit 1, one line, the earlier model file untouched and
    loadable, no temporary file left."""
    import errno

    import safetensors.numpy

    csv, target = _series_csv(tmp_path / "s.csv"), tmp_path / "model.safetensors"
    assert main(["fit", str(csv), "-H", "3", "-o", str(target), "--max-steps", "5"]) == 0
    before = target.read_bytes()

    def half_then_full(arrays, filename, metadata=None):
        with open(filename, "wb") as fh:
            fh.write(b"\0" * 100)
        raise OSError(errno.ENOSPC, "No space left on device", filename)

    monkeypatch.setattr(safetensors.numpy, "save_file", half_then_full)
    capsys.readouterr()
    code = main(["fit", str(csv), "-H", "3", "-o", str(target), "--max-steps", "5", "--seed", "1"])
    err = capsys.readouterr().err
    assert code == 1, err
    last = err.strip().splitlines()[-1]  # after the progress lines
    assert last.startswith("rnnkit: error: ") and "No space left" in last and "Traceback" not in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.safetensors", "s.csv"]
    monkeypatch.undo()
    Forecaster.load(target)


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 16 KiB file system (tmpfs), where the operating system allows mounting one."""
    disk = tmp_path / "tiny"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_real_disk_too_small_for_the_model_gives_exit_1_and_no_file(tiny_disk, tmp_path, capsys):
    """Not a monkeypatched writer: the kernel says ENOSPC half way through the model file."""
    csv = _series_csv(tmp_path / "s.csv", n=240)
    code = main(["fit", str(csv), "-H", "6", "-o", str(tiny_disk / "m.safetensors"), "--max-steps", "5"])
    err = capsys.readouterr().err
    assert code == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("rnnkit: error: ") and "No space left" in last and "Traceback" not in err
    assert list(tiny_disk.iterdir()) == []  # neither the model nor a temporary file


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads child processes from /proc")
def test_sigkill_during_training_leaves_no_model_and_blocks_no_later_run(tmp_path):
    """SIGKILL cannot be handled: what is promised is that the output is absent or whole, the
    workers do not outlive their parent, and a stale lock file does not stop the next run."""
    _series_csv(tmp_path / "s.csv", n=240)
    proc = subprocess.Popen(RNNKIT + ["fit", "s.csv", "-H", "6", "-o", "m.safetensors", "--max-steps", "100000",
                                      "--n-models", "4"],
                            cwd=tmp_path, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    deadline, workers = time.time() + 120, []
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = _children(proc.pid)
        assert proc.poll() is None
    time.sleep(1)
    proc.kill()
    proc.wait(timeout=30)
    assert not (tmp_path / "m.safetensors").exists()
    deadline = time.time() + 60
    while time.time() < deadline and [pid for pid in workers if _alive(pid)]:
        time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived a killed parent"
    again = subprocess.run(RNNKIT + ["fit", "s.csv", "-H", "6", "-o", "m.safetensors", "--max-steps", "5"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    Forecaster.load(tmp_path / "m.safetensors")


def test_a_run_removes_what_a_killed_run_left_beside_its_output(tmp_path):
    """SIGKILL while writing leaves a hidden staging folder or temporary file; the next run
    holding the lock removes those (and only those) of its own output."""
    (tmp_path / ".out.k3j2h1g0").mkdir()
    (tmp_path / ".out.k3j2h1g0" / "forecast.csv").write_text("half")
    (tmp_path / ".out.ab_4cd9z.png").write_bytes(b"half")
    keep = [".out.notes", ".other.k3j2h1g0", "out.k3j2h1g0", ".out.k3j2h1g0x", ".out.abcdefgh.lock"]
    for name in keep:
        (tmp_path / name).write_text("not ours")
    with io.output_lock(tmp_path / "out"):
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep + [".out.lock"])
