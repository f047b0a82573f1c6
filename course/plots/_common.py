"""Shared pieces of the figure builders: palette, layout, trace helpers, overlays."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}
OVERLAY = "Recorded trace"
_FONT = {"family": "Arial, Helvetica, sans-serif", "size": 14}


def _layout(fig: go.Figure, title: str, height: int, *, legend_below: bool = False) -> None:
    legend = (
        {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0.0}
        if legend_below
        else {"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0.0}
    )
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        font=_FONT,
        height=height,
        margin={
            "l": 70,
            "r": 30,
            "t": 70 if legend_below else 90,
            "b": 130 if legend_below else 60,
        },
        legend=legend,
        hoverlabel={"namelength": -1},
    )


def _line(
    name: str, color: str, *, dash: str = "solid", width: float = 2.5, **kw: Any
) -> go.Scatter:
    return go.Scatter(
        x=[],
        y=[],
        name=name,
        mode="lines",
        line={"color": color, "dash": dash, "width": width},
        **kw,
    )


def _area(name: str, color: str, shape: str, *, fill: str = "tozeroy", **kw: Any) -> go.Scatter:
    return go.Scatter(
        x=[],
        y=[],
        name=name,
        mode="lines",
        fill=fill,
        line={"color": color, "width": 1},
        fillcolor=_rgba(color, 0.25),
        fillpattern={"shape": shape, "fgcolor": color, "size": 8, "solidity": 0.25},
        **kw,
    )


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _overlay_trace() -> go.Scatter:
    return _line(OVERLAY, PALETTE["grey"], dash="dot", width=2, visible=False)


def trace_index(fig: go.Figure) -> dict[str, int]:
    """Map each trace name of ``fig`` to its position in ``fig.data``.

    Examples
    --------
    >>> trace_index(go.Figure([go.Scatter(name="a"), go.Scatter(name="b")]))["b"]
    1
    """
    return {tr.name: i for i, tr in enumerate(fig.data)}


def set_overlay(
    fig: go.Figure, t: ArrayLike, y: ArrayLike, *, label: str, hover_unit: str = "BW"
) -> None:
    """Show a recorded trace (times in s, values in the figure's y unit) on ``fig``.

    Parameters
    ----------
    fig
        A figure made by one of the builders here (it has a hidden overlay trace).
    t
        Sample times in s.
    y
        Values in the unit of the figure's first y axis (``hover_unit``).
    label
        Legend name of the trace, e.g. the file name.
    hover_unit
        Unit shown in the hover text.
    """
    tr = fig.data[trace_index(fig)[OVERLAY]]
    tr.x = np.asarray(t, dtype=float)
    tr.y = np.asarray(y, dtype=float)
    tr.legendgrouptitle = None
    tr.hovertemplate = f"{label}<br>t = %{{x:.3f}} s<br>%{{y:.2f}} {hover_unit}<extra></extra>"
    tr.visible = True
