"""Progress off a terminal: plain lines, not a bar redrawn with carriage returns."""
import io

from rnnkit.progress import PlainProgress, progress_bar


def test_plain_lines_at_most_every_interval_and_at_the_end():
    out = io.StringIO()
    bar = PlainProgress(total=6, desc="backtest", unit="fit", every=3600, stream=out)
    for _ in range(5):
        bar.update(1)
    assert out.getvalue() == ""  # the interval has not passed
    bar.update(1)
    assert out.getvalue().startswith("backtest: 6/6 fits (") and "\r" not in out.getvalue()
    bar.close()
    assert out.getvalue().count("\n") == 1  # the last line was already written


def test_a_run_that_ends_early_still_says_where_it_stopped():
    out = io.StringIO()
    bar = PlainProgress(total=500, desc="training", unit="step", every=3600, stream=out)
    bar.update(120)
    bar.close()
    assert out.getvalue().startswith("training: 120/500 steps")


def test_off_a_terminal_the_display_is_plain(capsys):
    assert progress_bar(False, 10, "x") is None
    assert isinstance(progress_bar(True, 10, "x"), PlainProgress)  # pytest's stderr is no terminal


def test_auto_progress_stays_silent_for_a_quick_run_and_speaks_once_the_delay_is_over():
    import time

    quick = io.StringIO()
    bar = PlainProgress(total=10, desc="training", unit="step", stream=quick, delay=3600)
    for _ in range(10):
        bar.update(1)
    bar.close()
    assert quick.getvalue() == ""  # done before the delay: nothing at all, not even the end line
    slow = io.StringIO()
    bar = PlainProgress(total=10, desc="training", unit="step", stream=slow, every=3600, delay=0.01)
    bar.update(1)
    time.sleep(0.02)
    bar.update(1)  # the delay is over: one line now, then at the interval and the end
    assert slow.getvalue().startswith("training: 2/10 steps")
    assert isinstance(progress_bar("auto", 10, "x"), PlainProgress) and progress_bar("auto", 10, "x").delay > 0


def test_the_forecaster_refuses_a_progress_that_is_not_true_false_or_auto():
    import numpy as np
    import pytest

    from rnnkit.forecast import Forecaster

    with pytest.raises(ValueError, match="progress: expected True, False or 'auto', got 'yes'"):
        Forecaster(horizon=2, progress="yes").fit(np.arange(40.0))


def test_a_quick_fit_with_the_default_progress_prints_nothing(capsys):
    import numpy as np

    from rnnkit.forecast import Forecaster

    Forecaster(horizon=2, hidden_size=4, n_models=1, max_steps=3, n_jobs=1).fit(np.arange(40.0))
    assert capsys.readouterr().err == ""  # "auto": nothing before 5 s, not even the end line
