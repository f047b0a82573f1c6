"""The coach's bench: a runner's video analysed at the moments that matter, compared, handed over.

No UI and no Jupyter here (:class:`widgets.RunAnalyzer` draws it; ``python -m course report``
writes it). One video goes through the live engine once; then::

    PoseSeries ─ setup check (view, size, fps) ─ gait events ─ key moments ─ per-step numbers
              ─ summary (medians, asymmetry vs smallest real change, measurement error)
              ─ HTML report + CSV; or two runs aligned on initial contact and compared

Modules
-------
setup
    Camera-setup guidance (:func:`check_setup`).
steps
    Key moments and per-step numbers.
summary
    Medians, asymmetry and MDC95.
errors
    The measurement error of each number (one function).
run
    :func:`analyse_video` / :func:`analyse_series` → :class:`RunAnalysis`.
frames
    Key-moment pictures with the skeleton drawn.
compare
    Two runs aligned and compared.
report
    HTML report and CSV.
"""

from __future__ import annotations

from course.bench.compare import Comparison, Difference, compare_runs
from course.bench.errors import ErrorFigure, number_error
from course.bench.report import html_report, write_csv, write_report
from course.bench.run import BenchError, RunAnalysis, analyse_series, analyse_video
from course.bench.setup import Setup, check_setup
from course.bench.steps import NUMBERS, KeyMoment, Step, key_moments, step_numbers
from course.bench.summary import Figure, Summary, smallest_real_change, summarise

__all__ = [
    "NUMBERS",
    "BenchError",
    "Comparison",
    "Difference",
    "ErrorFigure",
    "Figure",
    "KeyMoment",
    "RunAnalysis",
    "Setup",
    "Step",
    "Summary",
    "analyse_series",
    "analyse_video",
    "check_setup",
    "compare_runs",
    "html_report",
    "key_moments",
    "number_error",
    "smallest_real_change",
    "step_numbers",
    "summarise",
    "write_csv",
    "write_report",
]
