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
