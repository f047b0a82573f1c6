"""LeanExplorer — forward lean and horizontal acceleration; lean from the ankles, not the hips.

The physics (``a = g · tan θ``, the rigid-body model and its assumptions, the two stick-figure
postures) lives in :mod:`course.analysis.lean`; this module only draws it: sliders, the lean
curve, the two figures with their ground-force lines, and the readout table.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from course.analysis.lean import JOINTS, LeanModel, lean_acceleration, lean_model
from course.plots import fill_lean, lean_figure
from widgets.explorer_base import Control, Explorer, G, Readout

__all__ = ["LeanExplorer"]

_CURVE = np.linspace(0.0, 25.0, 101)  # deg: the lean range of the slider, for the a(θ) curve


class LeanExplorer(Explorer):
    """How much forward lean accelerates you, and why the lean must come from the ankles.

    Parameters
    ----------
    **values
        Initial control values: ``lean`` (deg from vertical), ``mass`` (kg).

    Examples
    --------
    >>> ex = LeanExplorer(lean=5)
    >>> round(ex.readouts["acceleration_m_per_s2"], 3)
    0.858
    """

    TITLE = "Lean from the ankles"
    NOTE = (
        "Model: a rigid body pivoting about the feet; the ground force acts at the feet and "
        "passes through the centre of mass; its vertical part equals body weight; enough friction; "
        "no air resistance. Then a = g·tan θ. Bending at the hips with the same trunk angle keeps "
        "the centre of mass over the feet: no forward acceleration."
    )
    CONTROLS = (
        Control("lean", "Forward lean θ (deg)", 0.0, 25.0, 0.5, 5.0, ".1f"),
        Control("mass", "Body mass (kg)", 40, 120, 1, 70, ".0f"),
    )
    HIP_OFFSET = 0.85  # m: the hip-bend figure is drawn this far to the right
    _model: LeanModel  # the current lean worked through (set by _recompute)

    def _build_figure(self) -> go.Figure:
        return lean_figure()

    def _recompute(self) -> None:
        theta, m = self._values["lean"], self._values["mass"]
        model = lean_model(theta, mass=m)
        self._model = model
        a, hip = model.acceleration, model.hip_bend
        com_ahead = model.ankle.com[0]
        t5 = model.time_to_speed(5.0)
        self._readouts = {
            "lean_deg": theta,
            "acceleration_m_per_s2": a,
            "acceleration_g": a / G,
            "horizontal_force_N": model.horizontal_force,
            "horizontal_force_BW": a / G,
            "friction_needed": model.friction_needed,
            "speed_gain_after_1s_m_per_s": a,
            "time_to_5_m_per_s_s": t5,
            "com_ahead_of_feet_ankle_lean_m": com_ahead,
            "com_ahead_of_feet_hip_bend_m": hip.com[0],
            "acceleration_hip_bend_m_per_s2": model.hip_bend_acceleration,
        }
        self._rows = [
            Readout("Forward acceleration a = g·tan θ", f"{a:.2f} m/s²", f"{a / G:.3f} g"),
            Readout(
                "Horizontal ground force m·a", f"{model.horizontal_force:.0f} N", f"{a / G:.2f} BW"
            ),
            Readout("Speed gained in 1 s", f"{a:.2f} m/s"),
            Readout(
                "Time to reach 5 m/s from standing",
                "never (no lean)" if a == 0 else f"{t5:.1f} s",
            ),
            Readout("Friction coefficient needed (tan θ)", f"{model.friction_needed:.3f}"),
            Readout(
                "Centre of mass ahead of the feet: ankle lean / hip bend",
                f"{100 * com_ahead:.1f} cm / {abs(100 * hip.com[0]):.1f} cm",
            ),
            Readout(
                "Forward acceleration when bent at the hips", "0.00 m/s² (no lean of the body)"
            ),
        ]

    def _draw(self) -> None:
        theta = self._values["lean"]
        off = self.HIP_OFFSET
        a, h = self._model.ankle, self._model.hip_bend
        com = ([a.com[0], h.com[0] + off], [a.com[1], h.com[1]])
        # force lines: from the feet through each centre of mass, extended 15 %
        ax_, ay_ = 1.15 * a.com[0], 1.15 * a.com[1]
        nan = np.nan
        force_lines = (
            np.array([0.0, ax_, nan, off, off + 1.15 * h.com[0]]),
            np.array([0.0, ay_, nan, 0.0, 1.15 * h.com[1]]),
        )
        verticals = (np.array([0.0, 0.0, nan, off, off]), np.array([0.0, 1.8, nan, 0.0, 1.8]))
        fill_lean(
            self.figure,
            curve=(_CURVE, lean_acceleration(_CURVE)),
            point=(theta, self._readouts["acceleration_m_per_s2"]),
            ankle_figure=(a.x, a.y),
            hip_figure=(h.x + off, h.y),
            joint_names=JOINTS,
            com=com,
            force_lines=force_lines,
            verticals=verticals,
        )

    def overlay(  # type: ignore[override]
        self, lean_deg: ArrayLike, acceleration: ArrayLike, *, label: str = "Measured"
    ) -> None:
        """Plot measured (lean, acceleration) pairs on the left panel (deg, m/s²).

        Parameters
        ----------
        lean_deg
            Whole-body lean angles, deg (e.g. ankle→shoulder line from vertical in a video).
        acceleration
            Measured forward accelerations at those moments, m/s².
        label
            Legend text.
        """
        x, y = self._paired(lean_deg, acceleration, ("lean_deg", "acceleration"), min_length=1)
        self._show_overlay(x, y, label=label, unit="m/s²")
