"""rnnkit.report: matplotlib figures and a self-contained HTML report."""
from rnnkit.report.figures import backtest_figure, forecast_figure, training_figure
from rnnkit.report.html import html_report

__all__ = ["forecast_figure", "backtest_figure", "training_figure", "html_report"]
