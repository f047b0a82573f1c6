"""Running figures: vertical force over steps, braking and propulsion, forward lean."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike
from plotly.subplots import make_subplots

from course.plots._common import (
    OVERLAY,
    PALETTE,
    _area,
    _layout,
    _line,
    _overlay_trace,
    trace_index,
)

# --------------------------------------------------------------------------------------------
# Running is a vertical jump: vertical force over several steps
# --------------------------------------------------------------------------------------------


def force_time_figure(*, height: int = 460) -> go.Figure:
    """Empty figure for vertical ground reaction force over several running steps.

    Traces (in order): ``Vertical force`` (BW), ``Impulse of one stance`` (shaded area),
    ``Body weight × step time`` (rectangle of equal area), ``Body weight`` (1 BW line), and a hidden
    recorded-trace overlay. Fill the data with :func:`fill_force_time`.

    Examples
    --------
    >>> [tr.name for tr in force_time_figure().data][:2]
    ['Vertical force', 'Impulse of one stance']
    """
    fig = go.Figure(
        [
            _line(
                "Vertical force",
                PALETTE["blue"],
                hovertemplate="t = %{x:.3f} s<br>F = %{y:.2f} BW (%{customdata:.0f} N)"
                "<extra>vertical force</extra>",
            ),
            _area("Impulse of one stance", PALETTE["orange"], "/", hoverinfo="skip"),
            _area(
                "Body weight × step time (same area)",
                PALETTE["green"],
                ".",
                fill="toself",
                hoverinfo="skip",
            ),
            _line("Body weight", PALETTE["black"], dash="dash", width=1.5, hoverinfo="skip"),
            _overlay_trace(),
        ]
    )
    _layout(
        fig,
        "Running is a vertical jump: vertical force, step after step",
        height,
        legend_below=True,
    )
    fig.update_xaxes(title_text="Time (s)", rangemode="tozero")
    fig.update_yaxes(title_text="Vertical force (body weights, BW)", range=[0, 3.6])
    fig.add_annotation(
        text="", x=0, y=0, showarrow=True, arrowhead=2, ax=40, ay=-30, font={"size": 13}
    )
    fig.add_annotation(text="", x=0, y=0.12, showarrow=False, font={"size": 12})
    return fig


def fill_force_time(
    fig: go.Figure,
    t: ArrayLike,
    force: ArrayLike,
    *,
    body_weight: float,
    step_time: float,
    stance: tuple[float, float],
    peak_label: str = "",
) -> None:
    """Fill :func:`force_time_figure` with a force trace and one highlighted stance.

    Parameters
    ----------
    fig
        The figure from :func:`force_time_figure` (or its FigureWidget).
    t
        Sample times in s.
    force
        Vertical force in N.
    body_weight
        m·g in N (the plot is in multiples of it).
    step_time
        Time from one touchdown to the next in s (width of the equal-area rectangle).
    stance
        Touchdown and take-off time in s of the stance to shade.
    peak_label
        Text of the arrow that points at the peak of the shaded stance.
    """
    t = np.asarray(t, dtype=float)
    f = np.asarray(force, dtype=float)
    bw = f / body_weight
    idx = trace_index(fig)
    main = fig.data[idx["Vertical force"]]
    main.x, main.y, main.customdata = t, bw, f
    t0, t1 = stance
    sel = (t >= t0 - 1e-12) & (t <= t1 + 1e-12)
    shade = fig.data[idx["Impulse of one stance"]]
    shade.x, shade.y = t[sel], bw[sel]
    rect = fig.data[idx["Body weight × step time (same area)"]]
    rect.x = [t0, t0, t0 + step_time, t0 + step_time, t0]
    rect.y = [0.0, 1.0, 1.0, 0.0, 0.0]
    line = fig.data[idx["Body weight"]]
    line.x = [float(t[0]), float(t[-1])] if t.size else []
    line.y = [1.0, 1.0]
    peak = float(bw[sel].max()) if np.any(sel) else 0.0
    tp = float(t[sel][np.argmax(bw[sel])]) if np.any(sel) else 0.0
    fig.layout.annotations[0].update(x=tp, y=peak, text=peak_label)
    flight = step_time - (t1 - t0)
    first_flight = t0 - flight / 2  # middle of the flight before the shaded stance
    fig.layout.annotations[1].update(
        x=first_flight, text="flight: 0 N" if flight > 0.04 else "", yanchor="bottom"
    )
    fig.layout.yaxis.range = [0, max(3.6, 1.15 * float(bw.max(initial=0.0)))]


# --------------------------------------------------------------------------------------------
# Where is the horizontal force? spring-mass running
# --------------------------------------------------------------------------------------------


def horizontal_force_figure(*, height: int = 720) -> go.Figure:
    r"""Empty two-panel figure: vertical and fore-aft force over time; the centre-of-mass path.

    Top panel (time in s, force in BW): ``Vertical force``, ``Fore-aft force``, braking (pattern
    ``\``) and propulsive (pattern ``/``) impulse areas. Bottom panel (distance in m, height in m):
    ``Centre-of-mass path``, ``Leg at touchdown`` segments and ``Foot contact`` markers. Fill with
    :func:`fill_horizontal_force`.

    Examples
    --------
    >>> len(horizontal_force_figure().data)
    8
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.6, 0.4],
        vertical_spacing=0.17,
        subplot_titles=("Ground reaction force", "Centre of mass and where the foot lands"),
    )
    f_hover = "t = %{x:.3f} s<br>%{y:.2f} BW (%{customdata:.0f} N)<extra>%{fullData.name}</extra>"
    fig.add_trace(_line("Vertical force", PALETTE["blue"], hovertemplate=f_hover), 1, 1)
    fig.add_trace(
        _line("Fore-aft force", PALETTE["vermillion"], dash="dash", hovertemplate=f_hover), 1, 1
    )
    fig.add_trace(
        _area(
            "Braking impulse (fore-aft force < 0)", PALETTE["vermillion"], "\\", hoverinfo="skip"
        ),
        1,
        1,
    )
    fig.add_trace(
        _area("Propulsive impulse (fore-aft force > 0)", PALETTE["green"], "/", hoverinfo="skip"),
        1,
        1,
    )
    fig.add_trace(
        _line(
            "Centre-of-mass path",
            PALETTE["purple"],
            dash="dashdot",
            hovertemplate="x = %{x:.2f} m<br>height = %{y:.3f} m<extra>centre of mass</extra>",
        ),
        2,
        1,
    )
    fig.add_trace(
        _line(
            "Leg at touchdown",
            PALETTE["black"],
            width=2,
            hovertemplate="%{customdata}<extra>leg at touchdown</extra>",
        ),
        2,
        1,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            name="Foot contact",
            mode="markers",
            marker={"symbol": "triangle-up", "size": 11, "color": PALETTE["orange"]},
            hovertemplate="foot at x = %{x:.2f} m<extra></extra>",
        ),
        2,
        1,
    )
    fig.add_trace(_overlay_trace(), 1, 1)
    _layout(
        fig,
        "Where is the horizontal force? Braking, then propulsion, every step",
        height,
        legend_below=True,
    )
    fig.update_xaxes(title_text="Time (s)", row=1, col=1)
    fig.update_yaxes(title_text="Force (body weights, BW)", row=1, col=1, range=[-1.0, 3.4])
    fig.update_xaxes(title_text="Distance run (m)", row=2, col=1)
    fig.update_yaxes(title_text="Height (m)", row=2, col=1, range=[0, 1.1])
    return fig


def fill_horizontal_force(
    fig: go.Figure,
    t: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    fx: ArrayLike,
    fy: ArrayLike,
    *,
    body_weight: float,
    touchdowns: Sequence[tuple[float, float, float]] = (),
) -> None:
    """Fill :func:`horizontal_force_figure` with a simulated run.

    Parameters
    ----------
    fig
        The figure from :func:`horizontal_force_figure`.
    t, x, y
        Time in s; centre-of-mass position forward and up in m.
    fx, fy
        Fore-aft (positive forward) and vertical ground reaction force in N.
    body_weight
        m·g in N.
    touchdowns
        ``(hip_x, hip_y, foot_x)`` in m at each touchdown, drawn as leg segments.
    """
    t = np.asarray(t, dtype=float)
    fxn, fyn = np.asarray(fx, dtype=float), np.asarray(fy, dtype=float)
    idx = trace_index(fig)
    vt = fig.data[idx["Vertical force"]]
    vt.x, vt.y, vt.customdata = t, fyn / body_weight, fyn
    ht = fig.data[idx["Fore-aft force"]]
    ht.x, ht.y, ht.customdata = t, fxn / body_weight, fxn
    brk = fig.data[idx["Braking impulse (fore-aft force < 0)"]]
    brk.x, brk.y = t, np.minimum(fxn, 0.0) / body_weight
    prp = fig.data[idx["Propulsive impulse (fore-aft force > 0)"]]
    prp.x, prp.y = t, np.maximum(fxn, 0.0) / body_weight
    path = fig.data[idx["Centre-of-mass path"]]
    path.x, path.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    legs_x: list[float | None] = []
    legs_y: list[float | None] = []
    text: list[str | None] = []
    for hx, hy, fxp in touchdowns:
        legs_x += [hx, fxp, None]
        legs_y += [hy, 0.0, None]
        label = f"foot {100 * (fxp - hx):.0f} cm ahead of the hip"
        text += [label, label, None]
    legs = fig.data[idx["Leg at touchdown"]]
    legs.x, legs.y, legs.customdata = legs_x, legs_y, text
    feet = fig.data[idx["Foot contact"]]
    feet.x, feet.y = [td[2] for td in touchdowns], [0.0] * len(touchdowns)
    top = max(3.4, 1.1 * float(np.max(fyn, initial=0.0)) / body_weight)
    fig.layout.yaxis.range = [min(-1.0, 1.2 * float(np.min(fxn, initial=0.0)) / body_weight), top]


# --------------------------------------------------------------------------------------------
# Lean: forward lean from the ankles vs bending at the hips
# --------------------------------------------------------------------------------------------


def lean_figure(*, height: int = 560) -> go.Figure:
    """Empty two-panel figure: acceleration against lean angle; two stick figures side by side.

    Left (angle in deg, acceleration in m/s²): ``a = g·tan θ`` and ``This lean``. Right (metres):
    ``Lean from the ankles``, ``Bent at the hips``, their centres of mass, the ground reaction
    force through each centre of mass, and a vertical through the feet. Fill with
    :func:`fill_lean`.

    Examples
    --------
    >>> "Bent at the hips" in trace_index(lean_figure())
    True
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        horizontal_spacing=0.12,
        subplot_titles=("Lean angle and forward acceleration", "Same trunk angle, two postures"),
    )
    fig.add_trace(
        _line(
            "a = g·tan θ",
            PALETTE["blue"],
            hovertemplate="lean %{x:.1f}°<br>a = %{y:.2f} m/s²<extra></extra>",
        ),
        1,
        1,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            name="This lean",
            mode="markers+text",
            textposition="top right",
            cliponaxis=False,
            marker={"size": 13, "color": PALETTE["vermillion"], "symbol": "diamond"},
            hovertemplate="lean %{x:.1f}°<br>a = %{y:.2f} m/s²<extra></extra>",
        ),
        1,
        1,
    )
    joints = "%{text}<br>x = %{x:.2f} m, height = %{y:.2f} m<extra>%{fullData.name}</extra>"
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            name="Lean from the ankles",
            mode="lines+markers",
            line={"color": PALETTE["blue"], "width": 4},
            marker={"size": 8, "symbol": "circle"},
            hovertemplate=joints,
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            name="Bent at the hips",
            mode="lines+markers",
            line={"color": PALETTE["orange"], "width": 4, "dash": "dash"},
            marker={"size": 8, "symbol": "square"},
            hovertemplate=joints,
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            name="Centre of mass",
            mode="markers",
            marker={"size": 14, "symbol": "circle-x", "color": PALETTE["black"]},
            hovertemplate="centre of mass<br>%{x:.3f} m ahead of the feet<extra></extra>",
        ),
        1,
        2,
    )
    fig.add_trace(
        _line(
            "Ground force through the centre of mass",
            PALETTE["vermillion"],
            dash="dot",
            width=2,
            hoverinfo="skip",
        ),
        1,
        2,
    )
    fig.add_trace(
        _line(
            "Vertical through the feet", PALETTE["grey"], dash="longdash", width=1, hoverinfo="skip"
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            name=OVERLAY,
            mode="markers",
            visible=False,
            marker={"size": 9, "symbol": "x", "color": PALETTE["grey"]},
        ),
        1,
        1,
    )
    _layout(fig, "Lean from the ankles: a few degrees accelerate you", height, legend_below=True)
    fig.update_xaxes(title_text="Forward lean θ (deg)", row=1, col=1, range=[0, 25])
    fig.update_yaxes(title_text="Forward acceleration (m/s²)", row=1, col=1, range=[0, 4.8])
    fig.update_xaxes(title_text="Forward position (m)", row=1, col=2, range=[-0.6, 1.5])
    fig.update_yaxes(
        title_text="Height (m)", row=1, col=2, range=[-0.05, 1.9], scaleanchor="x2", scaleratio=1
    )
    return fig


def fill_lean(
    fig: go.Figure,
    *,
    curve: tuple[ArrayLike, ArrayLike],
    point: tuple[float, float],
    ankle_figure: tuple[ArrayLike, ArrayLike],
    hip_figure: tuple[ArrayLike, ArrayLike],
    joint_names: Sequence[str],
    com: tuple[ArrayLike, ArrayLike],
    force_lines: tuple[ArrayLike, ArrayLike],
    verticals: tuple[ArrayLike, ArrayLike],
) -> None:
    """Fill :func:`lean_figure`: curve (deg, m/s²), current point, stick figures (m).

    Parameters
    ----------
    fig
        The figure from :func:`lean_figure`.
    curve
        Lean angles in deg and accelerations in m/s² of the ``a = g·tan θ`` curve.
    point
        The current lean (deg) and acceleration (m/s²).
    ankle_figure, hip_figure
        ``(x, y)`` joint positions in m of the two stick figures (ankle, knee, hip, shoulder, head).
    joint_names
        Names of the joints, shown on hover.
    com
        ``(x, y)`` of both centres of mass in m.
    force_lines
        ``(x, y)`` of the ground-force lines in m (segments separated by None).
    verticals
        ``(x, y)`` of the vertical lines through the feet in m (segments separated by None).
    """
    idx = trace_index(fig)
    c = fig.data[idx["a = g·tan θ"]]
    c.x, c.y = curve
    p = fig.data[idx["This lean"]]
    p.x, p.y = [point[0]], [point[1]]
    p.text = [f"{point[0]:.1f}° → {point[1]:.2f} m/s²"]
    for name, xy in (("Lean from the ankles", ankle_figure), ("Bent at the hips", hip_figure)):
        tr = fig.data[idx[name]]
        tr.x, tr.y = xy
        tr.text = list(joint_names)
    cm = fig.data[idx["Centre of mass"]]
    cm.x, cm.y = com
    fl = fig.data[idx["Ground force through the centre of mass"]]
    fl.x, fl.y = force_lines
    vl = fig.data[idx["Vertical through the feet"]]
    vl.x, vl.y = verticals
