"""Figures of measured running forces beside the models, and the measured overlay of explorers.

Every figure here names its source (:data:`course.data.grf.SOURCE_LABEL`) and the assumptions
behind body weights and seconds in a note under the plot, and its legend separates what is
measured from what is modelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from course.data.grf import SOURCE_LABEL
from course.data.grf_stance import StanceForces
from course.plots._common import PALETTE, _layout, _line

if TYPE_CHECKING:  # the comparison types only; course.lessons.measured builds these figures
    from course.lessons.measured import ModelComparison, ModelStance

__all__ = [
    "MEASURED_FORE_AFT",
    "MEASURED_VERTICAL",
    "add_measured_overlay",
    "assumptions_note",
    "fill_measured_overlay",
    "fore_aft_speeds_figure",
    "vertical_models_figure",
]

#: Height in px the legend under a model plot needs for the measured overlay's group titles.
_LEGEND_GROWTH = 110
#: ``meta`` tags of the measured overlay traces (their legend names change with the speed).
MEASURED_VERTICAL = "measured-vertical"
MEASURED_FORE_AFT = "measured-fore-aft"
_SPEED_DASH = ("solid", "dash", "dashdot", "dot")


def assumptions_note(stances: Sequence[StanceForces]) -> str:
    """One-line note: the source, and the mass and contact times behind BW and seconds.

    Each is marked measured or assumed.

    Examples
    --------
    >>> x = np.linspace(0, 1, 5)
    >>> s = StanceForces(5.2, "both feet", 5, x, 0 * x, 0 * x, 75.9, 0.19, "src", True, False)
    >>> assumptions_note([s]).split(" | ")[1]
    'body weights from a measured mass of 75.9 kg; seconds from contact times 0.19 s (assumed)'
    """
    masses = sorted({(s.body_mass_kg, s.mass_measured) for s in stances})
    mass = "/".join(f"{m:g}" for m, _ in masses)
    how = "measured" if all(measured for _, measured in masses) else "assumed"
    tcs = ", ".join(
        f"{s.contact_time_s:.3g} s ({'measured' if s.contact_measured else 'assumed'})"
        for s in stances
    )
    return (
        f"{SOURCE_LABEL} | body weights from a{'n' if how == 'assumed' else ''} {how} mass of "
        f"{mass} kg; seconds from contact times {tcs}"
    )


def _subtitle(fig: go.Figure, text: str, *, top: int = 130) -> None:
    """Put the source and assumptions under the title, one per line, in small grey type."""
    fig.update_layout(
        title={
            "subtitle": {
                "text": text.replace(" | ", "<br>"),
                "font": {"size": 12, "color": PALETTE["grey"]},
            }
        },
        margin={"t": top},
    )


def vertical_models_figure(
    comparisons: Sequence[ModelComparison], *, height: int = 640
) -> go.Figure:
    """Measured vertical force against the half-sine and spring-mass models, one panel per speed.

    Parameters
    ----------
    comparisons
        From :func:`course.lessons.measured.compare_models`, one per speed (up to four).
    height
        Figure height in px.

    Returns
    -------
    plotly.graph_objects.Figure
        Force in body weights against time since touchdown in s; the legend names the measured
        curve and each model; a note under the plot gives the source and the assumptions.

    Examples
    --------
    >>> x = np.linspace(0, 1, 51)
    >>> from course.lessons.measured import compare_models
    >>> s = StanceForces(4.0, "test", 1, x, 0 * x, 2000 * np.sin(np.pi * x), 70.0, 0.2, "t")
    >>> sorted({tr.name.split(" (")[0] for tr in vertical_models_figure([compare_models(s)]).data})
    ['Measured runner', 'Model: half-sine', 'Model: spring-mass']
    """
    n = len(comparisons)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    titles = []
    for c in comparisons:
        s = c.measured
        slip = "" if c.spring_mass is None else f", spring-mass {_peak_bw(c.spring_mass, s):.1f}"
        titles.append(
            f"{s.speed:g} m/s: peak measured {s.peak_vertical_bw:.1f} BW, "
            f"half-sine {_peak_bw(c.half_sine, s):.1f}{slip}"
        )
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.14, horizontal_spacing=0.08
    )
    for k, c in enumerate(comparisons):
        s = c.measured
        r, col = k // cols + 1, k % cols + 1
        first = k == 0
        bw = s.body_weight_n
        measured = _line(
            "Measured runner (Dorn et al. 2012)",
            PALETTE["blue"],
            width=3.5,
            legendgroup="measured",
            showlegend=first,
            hovertemplate="t = %{x:.3f} s<br>%{y:.2f} BW<extra>measured</extra>",
        )
        measured.x, measured.y = s.t, s.vertical_bw
        fig.add_trace(measured, r, col)
        half = _line(
            "Model: half-sine (Morin et al. 2005)",
            PALETTE["orange"],
            dash="dash",
            legendgroup="half",
            showlegend=first,
            hovertemplate="t = %{x:.3f} s<br>%{y:.2f} BW<extra>half-sine model</extra>",
        )
        half.x, half.y = c.half_sine.t, c.half_sine.vertical / bw
        fig.add_trace(half, r, col)
        slip = _line(
            "Model: spring-mass (point mass on a linear spring leg)",
            PALETTE["green"],
            dash="dot",
            legendgroup="slip",
            showlegend=first,
            hovertemplate="t = %{x:.3f} s<br>%{y:.2f} BW<extra>spring-mass model</extra>",
        )
        if c.spring_mass is not None:
            slip.x, slip.y = c.spring_mass.t, c.spring_mass.vertical / bw
        fig.add_trace(slip, r, col)
        if r == rows:
            fig.update_xaxes(title_text="Time since touchdown (s)", row=r, col=col)
        fig.update_yaxes(title_text="Vertical force (BW)", range=[0, 3.6], row=r, col=col)
    _layout(
        fig, "Measured vertical force beside the models, at four speeds", height, legend_below=True
    )
    fig.update_layout(legend={"y": -0.1}, margin={"b": 110})
    fig.update_annotations(font={"size": 13})  # the subplot titles
    _subtitle(fig, assumptions_note([c.measured for c in comparisons]))
    return fig


def _peak_bw(model: ModelStance, s: StanceForces) -> float:
    return float(np.max(model.vertical)) / s.body_weight_n


def fore_aft_speeds_figure(stances: Sequence[StanceForces], *, height: int = 520) -> go.Figure:
    """Measured fore–aft force over the stance at each speed, and braking vs propulsive impulse.

    Left: fore–aft force (BW) against the stance (%); below zero the ground brakes the runner.
    Right: braking and propulsive impulse per stance (BW·s, from the contact times, two of them
    assumed) with the braking share of the fore–aft impulse written above each pair.

    Examples
    --------
    >>> x = np.linspace(0, 1, 101)
    >>> s = StanceForces(4.0, "t", 1, x, -300 * np.sin(2 * np.pi * x), 0 * x, 70.0, 0.2, "t")
    >>> [tr.name for tr in fore_aft_speeds_figure([s]).data][-2:]
    ['Braking impulse (measured)', 'Propulsive impulse (measured)']
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.6, 0.4],
        horizontal_spacing=0.12,
        subplot_titles=(
            "Measured fore–aft force (− brakes, + propels)",
            "Impulse per stance (share of braking above)",
        ),
    )
    for k, s in enumerate(stances):
        tr = _line(
            f"Measured, {s.speed:g} m/s",
            PALETTE[("blue", "orange", "green", "vermillion")[k % 4]],
            dash=_SPEED_DASH[k % 4],
            hovertemplate="%{x:.0f} % of stance<br>%{y:.2f} BW<extra>%{fullData.name}</extra>",
        )
        tr.x, tr.y = 100 * s.fraction, s.fore_aft_bw
        fig.add_trace(tr, 1, 1)
    labels = [f"{s.speed:g} m/s" for s in stances]
    bw = [s.body_weight_n for s in stances]
    brk = [-s.braking_impulse_ns / b for s, b in zip(stances, bw, strict=True)]
    prp = [s.propulsive_impulse_ns / b for s, b in zip(stances, bw, strict=True)]
    fig.add_trace(
        go.Bar(
            x=labels,
            y=brk,
            name="Braking impulse (measured)",
            marker={"color": PALETTE["vermillion"], "pattern": {"shape": "\\"}},
            text=[f"{100 * s.braking_share:.0f} %" for s in stances],
            textposition="outside",
            hovertemplate="%{x}<br>braking %{y:.4f} BW·s<extra></extra>",
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=prp,
            name="Propulsive impulse (measured)",
            marker={"color": PALETTE["green"], "pattern": {"shape": "/"}},
            hovertemplate="%{x}<br>propulsion %{y:.4f} BW·s<extra></extra>",
        ),
        1,
        2,
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Stance (%)", row=1, col=1)
    fig.update_yaxes(title_text="Fore–aft force (BW)", row=1, col=1)
    fig.update_xaxes(title_text="Speed", row=1, col=2)
    top = 1.25 * max([*brk, *prp, 1e-3])
    fig.update_yaxes(title_text="Impulse (BW·s)", range=[0, top], row=1, col=2)
    _layout(
        fig, "Braking, then propulsion: a real runner at four speeds", height, legend_below=True
    )
    fig.update_layout(legend={"y": -0.18}, margin={"b": 120})
    _subtitle(fig, assumptions_note(stances))
    return fig


# --------------------------------------------------------------------------------------------
# The measured overlay of the explorers
# --------------------------------------------------------------------------------------------


def add_measured_overlay(fig: go.Figure, *, fore_aft: bool = False) -> None:
    """Add hidden measured-force traces (vertical, and fore–aft if asked) to an explorer figure.

    The traces sit on the first x and y axes (the top panel of a subplot figure) and stay hidden
    until :func:`fill_measured_overlay` fills them, so an explorer can add them when it builds its
    figure and show them later by changing properties only (a displayed figure widget keeps
    rendering).

    Examples
    --------
    >>> fig = go.Figure([go.Scatter(name="Vertical force")])
    >>> add_measured_overlay(fig)
    >>> [tr.meta for tr in fig.data], fig.data[1].visible
    ([None, 'measured-vertical'], False)
    """
    traces = [(MEASURED_VERTICAL, PALETTE["sky"])]
    if fore_aft:
        traces.append((MEASURED_FORE_AFT, PALETTE["purple"]))
    for meta, color in traces:
        fig.add_trace(
            _line(
                meta,
                color,
                width=4,
                visible=False,
                meta=meta,
                opacity=0.8,
                xaxis="x",
                yaxis="y",
                showlegend=True,
            )
        )


def fill_measured_overlay(
    fig: go.Figure, stance: StanceForces, *, touchdown: float, model: str = "spring-mass"
) -> None:
    """Show ``stance`` on a figure prepared by :func:`add_measured_overlay`, from ``touchdown`` s.

    Forces are drawn in the measured runner's own body weights (measured mass), so they share the
    model's unit. The legend gets two groups: "Modelled (<model>)" for every visible model trace
    and "Measured (real runner: ...)" for the measured ones, whose names give the speed and the
    assumptions.

    Examples
    --------
    >>> fig = go.Figure([go.Scatter(name="Vertical force")])
    >>> add_measured_overlay(fig)
    >>> x = np.linspace(0, 1, 11)
    >>> s = StanceForces(5.2, "both feet", 5, x, 0 * x, 1500 * np.sin(np.pi * x), 75.0, 0.19, "")
    >>> fill_measured_overlay(fig, s, touchdown=0.3)
    >>> fig.data[1].visible, round(float(fig.data[1].x[-1]), 2), fig.data[1].name[:26]
    (True, 0.49, 'Vertical: Measured runner,')
    >>> [tr.legendgrouptitle.text for tr in fig.data]
    ['Modelled (spring-mass)', 'Measured (real runner: Dorn, Schache & Pandy 2012)']
    """
    measured_title = {"text": "Measured (real runner: Dorn, Schache & Pandy 2012)"}
    if fig.layout.height is not None and not any(tr.legendgroup == "measured" for tr in fig.data):
        # the legend below the plot grows by two group titles and the measured entries: grow the
        # figure by as much, so the plot area (and its axis titles) keeps its size
        fig.layout.height += _LEGEND_GROWTH
        fig.layout.margin.b = (fig.layout.margin.b or 0) + _LEGEND_GROWTH
    for tr in fig.data:
        if tr.meta not in (MEASURED_VERTICAL, MEASURED_FORE_AFT) and tr.visible is not False:
            tr.legendgroup = "model"
            tr.legendgrouptitle = {"text": f"Modelled ({model})"}
    for tr in fig.data:
        if tr.meta == MEASURED_VERTICAL:
            tr.x, tr.y = touchdown + stance.t, stance.vertical_bw
            tr.name = f"Vertical: {stance.label}"
        elif tr.meta == MEASURED_FORE_AFT:
            tr.x, tr.y = touchdown + stance.t, stance.fore_aft_bw
            tr.name = f"Fore–aft: {stance.label}"
        else:
            continue
        tr.hovertemplate = (
            "t = %{x:.3f} s<br>%{y:.2f} BW<extra>measured, " + f"{stance.speed:g} m/s</extra>"
        )
        tr.legendgroup = "measured"
        tr.legendgrouptitle = measured_title
        tr.visible = True
