"""Small helpers for the lesson notebooks, so their code cells stay short.

Lessons import only ``course`` and ``widgets``; the few mathematical names a hand calculation needs
are re-exported here, with a plain-text view of a self-test result and the progress plots of
lesson 08.

Examples
--------
>>> round(g * 0.5**2 / 8, 3)  # flight-time jump height for 0.5 s of flight, in m
0.306
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from math import atan, degrees, pi, sqrt
from pathlib import Path

import plotly.graph_objects as go

from course.constants import G
from course.lessons import demos
from course.progress import Entry, ProgressLog
from course.selftests import PelvicTilt, SingleLegBalance
from course.selftests.results import Result
from course.selftests.trials import join_takes

__all__ = [
    "atan",
    "compare",
    "degrees",
    "demo_log",
    "describe",
    "g",
    "pi",
    "progress_figure",
    "sqrt",
    "takes_figure",
    "temporary_folder",
]

g = G
"""Acceleration of gravity used in the lessons, in m/s² (:data:`course.constants.G`)."""


def describe(result: Result, *, metrics: Sequence[str] | None = None) -> str:
    """A self-test result as plain text (:meth:`Result.text`, the form the CLI prints too).

    Parameters
    ----------
    result
        From ``protocol.run(series)`` or ``protocol.result()``.
    metrics
        Names of the metrics to list (default: all, in the protocol's order).

    Returns
    -------
    str
        Lines ready to ``print``.

    Examples
    --------
    >>> from course.selftests import PelvicTilt
    >>> text = describe(PelvicTilt().run(demos.pelvic_tilt(anterior=10, posterior=5)))
    >>> "anterior_range       10 deg" in text
    True
    """
    return result.text(metrics=metrics)


def temporary_folder() -> Path:
    """A new, empty temporary folder for demonstration files (removed by the OS, not by us).

    Examples
    --------
    >>> folder = temporary_folder()
    >>> folder.is_dir() and not any(folder.iterdir())
    True
    """
    import tempfile

    return Path(tempfile.mkdtemp(prefix="running-form-lab-demo-"))


def demo_log(path: str | Path, *, days: int = 28, seed: int = 1) -> ProgressLog:
    """Fill a NEW log at ``path`` with a month of DEMO results (never the learner's own log).

    Every other day a pelvic tilt and a single-leg balance test (three trials each, so every
    session has its smallest real change) are run on SYNTHETIC stick-figure sequences
    (:mod:`course.lessons.demos`) whose range and steadiness improve slowly, with day-to-day
    noise; each entry's note says ``"DEMO"``.

    Parameters
    ----------
    path
        A file that does not exist yet (e.g. in a temporary folder).
    days
        Length of the demo history in days.
    seed
        Seed of the day-to-day noise.

    Returns
    -------
    ProgressLog
        The demo log.
    """
    import numpy as np

    target = Path(path)
    if target.exists():
        raise FileExistsError(
            f"demo_log writes a new file and will not touch an existing one; {target} exists. "
            "Pass a path in a fresh temporary folder."
        )
    log = ProgressLog(target)
    rng = np.random.default_rng(seed)
    start = datetime.now(timezone.utc) - timedelta(days=days)
    for day in range(0, days, 2):
        when = start + timedelta(days=day)
        progress = day / days
        tilts = [
            demos.pelvic_tilt(
                anterior=9 + 4 * progress + rng.normal(0, 1.0),
                posterior=5 + 3 * progress + rng.normal(0, 1.0),
            )
            for _ in range(3)
        ]  # three trials a session, a rest in between (see join_takes)
        tilt = PelvicTilt(rest=2.0).run(join_takes(*tilts, gap=3.0))
        log.record(tilt, notes="DEMO (synthetic)", when=when)
        stances = []
        for _ in range(3):
            lift = 6 + 10 * progress + rng.normal(0, 2.0)
            stances.append(
                demos.single_leg_balance(
                    left=(2.0, 2.0 + lift), right=(5.0 + lift, 5.0 + 1.8 * lift),
                    sway_m=0.012 - 0.004 * progress + abs(rng.normal(0, 0.001)),
                )
            )  # fmt: skip
        balance = SingleLegBalance(eyes="open", age=35).run(join_takes(*stances, gap=1.0))
        log.record(balance, notes="DEMO (synthetic)", when=when)
    return log


def progress_figure(entries: Sequence[Entry], metrics: Sequence[str], *, title: str) -> go.Figure:
    """One panel per metric of the recorded results over days, with the smallest real change.

    A shaded band spans the first result ± its smallest real change (MDC95, from that
    session's trials; the median MDC95 of the log when the first session had one trial): a
    later result is a real change only outside it, and those results are drawn as filled
    diamonds (hover says "real change"); results inside the band are open circles.

    Parameters
    ----------
    entries
        From ``ProgressLog.history(test)``.
    metrics
        Metric names to plot (their units come from the entries).
    title
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Markers joined by lines, the MDC band around the first result, real changes marked.
    """
    from plotly.subplots import make_subplots

    if not entries:
        raise ValueError(
            "no recorded results to plot; save a self-test result first (or use demo_log)."
        )
    fig = make_subplots(rows=len(metrics), cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for row, name in enumerate(metrics, start=1):
        unit = next((e.metrics[name].get("unit", "") for e in entries if name in e.metrics), "")
        x = [e.timestamp for e in entries]
        y = [e.value(name) for e in entries]
        known = [e.mdc(name) for e in entries if math.isfinite(e.mdc(name))]
        mdc = entries[0].mdc(name)
        if not math.isfinite(mdc) and known:
            mdc = sorted(known)[len(known) // 2]
        base = y[0]
        band = math.isfinite(mdc) and math.isfinite(base)
        real = [band and math.isfinite(v) and abs(v - base) > mdc for v in y]
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines+markers", name=name, showlegend=False,
                marker={"symbol": ["diamond" if r else "circle-open" for r in real], "size": 9},
                text=["real change" if r else "within the smallest real change" for r in real],
                hovertemplate="%{x|%Y-%m-%d}: %{y:.3g} (%{text})<extra></extra>",
            ),
            row=row, col=1,
        )  # fmt: skip
        if band:
            fig.add_hrect(
                y0=base - mdc, y1=base + mdc, row=row, col=1, fillcolor="grey", opacity=0.2,
                line_width=0, annotation_text=f"first result ± smallest real change ({mdc:.2g})",
                annotation_position="bottom right", annotation={"font": {"size": 11}},
            )  # fmt: skip
        else:
            fig.add_hline(
                y=base, line_dash="dot", row=row, col=1, annotation_position="top left",
                annotation_text="first result (smallest real change unknown: one trial)",
            )  # fmt: skip
        label = name.replace("_", " ")  # "time_right" -> "time right"
        fig.update_yaxes(title_text=f"{label} ({unit})" if unit else label, row=row, col=1)
    fig.update_xaxes(title_text="date", row=len(metrics), col=1)
    fig.update_layout(title=title, height=260 * len(metrics) + 80, template="plotly_white")
    return fig


def compare(
    first: Result, second: Result, *, metrics: Sequence[str], labels: tuple[str, str] = ("A", "B")
) -> str:
    """Two results of the same test side by side: each metric, both values and the change.

    Parameters
    ----------
    first, second
        Results of the same protocol (e.g. before and after a cue).
    metrics
        Metric names to compare.
    labels
        Column headings for the two takes.

    Returns
    -------
    str
        A plain-text table ready to ``print``.

    Examples
    --------
    >>> from course.selftests import PelvicTilt
    >>> a = PelvicTilt().run(demos.pelvic_tilt(anterior=10))
    >>> b = PelvicTilt().run(demos.pelvic_tilt(anterior=13))
    >>> print(compare(a, b, metrics=["anterior_range"], labels=("before", "after")))
    metric          before   after  change
    anterior_range    10.0    13.0    +3.0 deg
    """
    if first.test != second.test:
        raise ValueError(
            f"compare needs two results of the same test; got {first.test!r} and "
            f"{second.test!r}. Compare like with like."
        )
    width = max(len("metric"), *(len(m) for m in metrics))
    lines = [f"{'metric':<{width}}  {labels[0]:>6}  {labels[1]:>6}  change"]
    for name in metrics:
        a, b = first.metrics[name], second.metrics[name]
        lines.append(
            f"{name:<{width}}  {a.value + 0.0:6.1f}  {b.value + 0.0:6.1f}  "
            f"{b.value - a.value:+6.1f} {a.unit}"
        )
    return "\n".join(lines)


def takes_figure(
    takes: dict[str, tuple[Sequence[float], Sequence[float]]], *, ylabel: str, title: str
) -> go.Figure:
    """Overlay one quantity from several takes (or camera views) against time.

    Parameters
    ----------
    takes
        Label → ``(t, y)``: times in s and values (NaN where not measured).
    ylabel
        Axis title with its unit, e.g. ``"left knee angle (deg)"``.
    title
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per take, dashed differently so they stay apart without colour.
    """
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    fig = go.Figure()
    for k, (label, (t, y)) in enumerate(takes.items()):
        fig.add_trace(
            go.Scatter(x=list(t), y=list(y), mode="lines", name=label,
                       line={"dash": dashes[k % len(dashes)], "width": 2.5})
        )  # fmt: skip
    fig.update_layout(
        title=title, template="plotly_white", height=420, xaxis_title="time (s)",
        yaxis_title=ylabel, legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return fig
