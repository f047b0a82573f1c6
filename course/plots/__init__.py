"""Plotly figure builders shared by the lessons and the explorer widgets.

Every builder returns a :class:`plotly.graph_objects.Figure` whose traces have fixed names and a
fixed order, with titled axes (units included), a legend and hover text. The data are filled in by
the matching ``fill_*`` function, which only assigns to existing traces, so the explorer widgets can
call it inside ``FigureWidget.batch_update()`` on every slider move without rebuilding anything.

Meaning is never carried by colour alone: lines differ in dash style, shaded areas in fill pattern,
and every trace is named in the legend. Colours are the Okabe-Ito colour-blind-safe palette.
"""

from __future__ import annotations

from course.plots._common import OVERLAY, PALETTE, set_overlay, trace_index
from course.plots.jumps import fill_jump, jump_figure
from course.plots.running import (
    fill_force_time,
    fill_horizontal_force,
    fill_lean,
    force_time_figure,
    horizontal_force_figure,
    lean_figure,
)

__all__ = [
    "OVERLAY",
    "PALETTE",
    "fill_force_time",
    "fill_horizontal_force",
    "fill_jump",
    "fill_lean",
    "force_time_figure",
    "horizontal_force_figure",
    "jump_figure",
    "lean_figure",
    "set_overlay",
    "trace_index",
]
