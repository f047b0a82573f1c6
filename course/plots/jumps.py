"""Jump figures: force–time curve with net impulse and events (PowerExplorer, JumpAnalyzer)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from course.plots._common import PALETTE, _area, _layout, _line, _overlay_trace, trace_index

# --------------------------------------------------------------------------------------------
# Jumps: force-time curve with events (PowerExplorer, JumpAnalyzer)
# --------------------------------------------------------------------------------------------


def jump_figure(*, title: str = "Jump force–time curve", height: int = 520) -> go.Figure:
    r"""Empty figure for a jump's vertical force (N) over time (s) with events.

    Traces: ``Vertical force``, ``Net impulse above body weight`` and ``below body weight``
    (shaded, patterns ``/`` and ``\``), ``Body weight``, ``Comparison`` (dotted, hidden until
    used), ``Events`` (markers with text labels) and a hidden recorded-trace overlay. Fill with
    :func:`fill_jump`.

    Examples
    --------
    >>> trace_index(jump_figure())["Events"]
    5
    """
    f_hover = (
        "t = %{x:.3f} s<br>F = %{y:.0f} N (%{customdata:.2f} BW)<extra>%{fullData.name}</extra>"
    )
    fig = go.Figure(
        [
            _line("Vertical force", PALETTE["blue"], hovertemplate=f_hover),
            _area(
                "Net impulse above body weight",
                PALETTE["green"],
                "/",
                fill="toself",
                hoverinfo="skip",
            ),
            _area(
                "Net impulse below body weight",
                PALETTE["vermillion"],
                "\\",
                fill="toself",
                hoverinfo="skip",
            ),
            _line("Body weight", PALETTE["black"], dash="dash", width=1.5, hoverinfo="skip"),
            _line(
                "Comparison",
                PALETTE["grey"],
                dash="dot",
                width=2,
                visible=False,
                hovertemplate=f_hover,
            ),
            go.Scatter(
                x=[],
                y=[],
                name="Events",
                mode="markers+text",
                textposition="top center",
                marker={
                    "size": 12,
                    "symbol": "diamond-open",
                    "color": PALETTE["black"],
                    "line": {"width": 2},
                },
                hovertemplate="%{text}<br>t = %{x:.3f} s<extra></extra>",
            ),
            _overlay_trace(),
        ]
    )
    _layout(fig, title, height, legend_below=True)
    fig.update_xaxes(title_text="Time (s)")
    fig.update_yaxes(title_text="Vertical force (N)", rangemode="tozero")
    return fig


def fill_jump(
    fig: go.Figure,
    t: ArrayLike,
    force: ArrayLike,
    *,
    body_weight: float,
    events: dict[str, float] | None = None,
    shade: tuple[float, float] | None = None,
) -> None:
    """Fill :func:`jump_figure` with a force trace, its body-weight line and events.

    Parameters
    ----------
    fig
        The figure from :func:`jump_figure`.
    t
        Sample times in s.
    force
        Vertical force in N.
    body_weight
        m·g in N.
    events
        Event name → time in s (e.g. ``{"onset": 0.8, "take-off": 1.5}``); NaN times are skipped.
    shade
        ``(start, end)`` in s of the net-impulse area to shade (e.g. onset to take-off).
    """
    t = np.asarray(t, dtype=float)
    f = np.asarray(force, dtype=float)
    idx = trace_index(fig)
    main = fig.data[idx["Vertical force"]]
    main.x, main.y, main.customdata = t, f, f / body_weight
    sel = np.zeros(t.shape, dtype=bool) if shade is None else (t >= shade[0]) & (t <= shade[1])
    up = fig.data[idx["Net impulse above body weight"]]
    down = fig.data[idx["Net impulse below body weight"]]
    ts, fsel = t[sel], f[sel]
    # fill between the curve and the body-weight line: one closed polygon per area
    if ts.size:
        up.x = np.r_[ts, ts[::-1]]
        up.y = np.r_[np.maximum(fsel, body_weight), np.full(ts.size, body_weight)]
        down.x = np.r_[ts, ts[::-1]]
        down.y = np.r_[np.minimum(fsel, body_weight), np.full(ts.size, body_weight)]
    else:
        up.x = up.y = down.x = down.y = []
    bw = fig.data[idx["Body weight"]]
    bw.x = [float(t[0]), float(t[-1])] if t.size else []
    bw.y = [body_weight, body_weight]
    ev = fig.data[idx["Events"]]
    items = [(k, v) for k, v in (events or {}).items() if np.isfinite(v)]
    ev.x = [v for _, v in items]
    ev.y = [float(np.interp(v, t, f)) if t.size else 0.0 for _, v in items]
    ev.text = [k for k, _ in items]
