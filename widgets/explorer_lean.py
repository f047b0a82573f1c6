"""LeanExplorer — forward lean and horizontal acceleration; lean from the ankles, not the hips.

Model (stated in the widget): the body is rigid and pivots about the feet; the resultant ground
reaction force acts at the feet and passes through the centre of mass, so it has no moment about
it and the lean angle stays constant; the vertical component equals body weight (no vertical
acceleration); friction is sufficient (μ ≥ tan θ) and air resistance is ignored. Then the ground
force is tilted by the lean angle θ and ``a = g · tan θ``.

A runner who bends at the hips with the same trunk angle pushes the hips back to keep balance, so
the centre of mass stays over the feet: the ground force stays vertical and there is no forward
acceleration. Lean that accelerates has to come from the ankles (the whole body tilts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from course.plots import fill_lean, lean_figure, set_overlay
from course.validation import as_float_array
from widgets.explorer_base import Control, Explorer, G, Readout

JOINTS = ("toe", "ankle", "knee", "hip", "shoulder", "head")
# segment model for a 1.75 m person: distances along the body from the ankle, m
_ANKLE_TO = {"knee": 0.45, "hip": 0.90, "shoulder": 1.42, "head": 1.62}
_TOE = 0.18  # m ahead of the ankle
_LEG_MASS, _LEG_COM = 0.32, 0.55  # fraction of body mass; CoM at this fraction of ankle→hip
_UPPER_MASS, _UPPER_COM = (
    0.68,
    0.30,
)  # head, arms, trunk; CoM this far above the hip along the trunk


def lean_acceleration(angle_deg: float, *, gravity: float = G) -> float:
    """Forward acceleration in m/s² of a rigid body leaning ``angle_deg`` degrees from the feet.

    ``a = g · tan θ``: the ground force points from the feet through the centre of mass, its
    vertical part balances body weight and its horizontal part accelerates the body.

    Examples
    --------
    >>> round(lean_acceleration(5.0), 3)
    0.858
    """
    return float(gravity * np.tan(np.radians(angle_deg)))


@dataclass(frozen=True)
class StickFigure:
    """Joint positions of a sagittal stick figure, m (x forward from the ankle, y up).

    Attributes
    ----------
    x, y
        Positions of ``JOINTS`` (toe, ankle, knee, hip, shoulder, head), m.
    com
        ``(x, y)`` of the whole-body centre of mass, m.
    trunk_angle
        Angle of the hip→shoulder line from vertical, deg (forward positive).
    """

    x: np.ndarray
    y: np.ndarray
    com: tuple[float, float]
    trunk_angle: float


def _com(ankle: np.ndarray, hip: np.ndarray, shoulder: np.ndarray) -> tuple[float, float]:
    leg = ankle + _LEG_COM * (hip - ankle)
    upper_dir = (shoulder - hip) / np.linalg.norm(shoulder - hip)
    upper = hip + _UPPER_COM * upper_dir
    c = _LEG_MASS * leg + _UPPER_MASS * upper
    return float(c[0]), float(c[1])


def ankle_lean_figure(angle_deg: float) -> StickFigure:
    """A straight body tilted ``angle_deg`` forward about the ankle (m).

    Examples
    --------
    >>> f = ankle_lean_figure(0.0)
    >>> round(f.com[0], 6), f.trunk_angle
    (0.0, 0.0)
    """
    th = np.radians(angle_deg)
    d = np.array([0.0] + [_ANKLE_TO[j] for j in JOINTS[2:]])
    x = np.r_[_TOE, d * np.sin(th)]
    y = np.r_[0.0, d * np.cos(th)]
    pts = np.c_[x, y]
    return StickFigure(x, y, _com(pts[1], pts[3], pts[4]), float(angle_deg))


def hip_bend_figure(trunk_deg: float) -> StickFigure:
    """Trunk tilted ``trunk_deg`` forward at the hips, hips pushed back to stay balanced (m).

    The legs tilt back by the angle that keeps the whole-body centre of mass over the ankle.

    Examples
    --------
    >>> f = hip_bend_figure(10.0)
    >>> abs(f.com[0]) < 1e-9, round(f.trunk_angle, 6)
    (True, 10.0)
    """
    th = np.radians(trunk_deg)
    leg_len = _ANKLE_TO["hip"]
    trunk = _ANKLE_TO["shoulder"] - leg_len
    # CoM x = 0: -(m_l c_l L + m_u L) sin φ + m_u c_u sin θ = 0   (c_u = _UPPER_COM m)
    sin_phi = (
        _UPPER_MASS * _UPPER_COM * np.sin(th) / ((_LEG_MASS * _LEG_COM + _UPPER_MASS) * leg_len)
    )
    phi = float(np.arcsin(np.clip(sin_phi, -1, 1)))
    leg_dir = np.array([-np.sin(phi), np.cos(phi)])
    trunk_dir = np.array([np.sin(th), np.cos(th)])
    ankle = np.zeros(2)
    knee = ankle + _ANKLE_TO["knee"] * leg_dir
    hip = ankle + leg_len * leg_dir
    shoulder = hip + trunk * trunk_dir
    head = hip + (_ANKLE_TO["head"] - leg_len) * trunk_dir
    pts = np.array([[_TOE, 0.0], ankle, knee, hip, shoulder, head])
    return StickFigure(pts[:, 0], pts[:, 1], _com(ankle, hip, shoulder), float(trunk_deg))


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

    def _build_figure(self) -> go.Figure:
        return lean_figure()

    def _recompute(self) -> None:
        theta, m = self._values["lean"], self._values["mass"]
        a = lean_acceleration(theta)
        self._ankle = ankle_lean_figure(theta)
        self._hip = hip_bend_figure(theta)
        com_ahead = self._ankle.com[0]
        t5 = 5.0 / a if a > 0 else float("inf")
        self._readouts = {
            "lean_deg": theta,
            "acceleration_m_per_s2": a,
            "acceleration_g": a / G,
            "horizontal_force_N": m * a,
            "horizontal_force_BW": a / G,
            "friction_needed": float(np.tan(np.radians(theta))),
            "speed_gain_after_1s_m_per_s": a,
            "time_to_5_m_per_s_s": t5,
            "com_ahead_of_feet_ankle_lean_m": com_ahead,
            "com_ahead_of_feet_hip_bend_m": self._hip.com[0],
            "acceleration_hip_bend_m_per_s2": G * self._hip.com[0] / self._hip.com[1],
        }
        self._rows = [
            Readout("Forward acceleration a = g·tan θ", f"{a:.2f} m/s²", f"{a / G:.3f} g"),
            Readout("Horizontal ground force m·a", f"{m * a:.0f} N", f"{a / G:.2f} BW"),
            Readout("Speed gained in 1 s", f"{a:.2f} m/s"),
            Readout(
                "Time to reach 5 m/s from standing",
                "never (no lean)" if a == 0 else f"{t5:.1f} s",
            ),
            Readout("Friction coefficient needed (tan θ)", f"{np.tan(np.radians(theta)):.3f}"),
            Readout(
                "Centre of mass ahead of the feet: ankle lean / hip bend",
                f"{100 * com_ahead:.1f} cm / {abs(100 * self._hip.com[0]):.1f} cm",
            ),
            Readout(
                "Forward acceleration when bent at the hips", "0.00 m/s² (no lean of the body)"
            ),
        ]

    def _draw(self) -> None:
        theta = self._values["lean"]
        angles = np.linspace(0.0, 25.0, 101)
        off = self.HIP_OFFSET
        a, h = self._ankle, self._hip
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
            curve=(angles, G * np.tan(np.radians(angles))),
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
        x = as_float_array(lean_deg, "lean_deg", ndim=1, min_length=1, allow_nan=False)
        y = as_float_array(acceleration, "acceleration", ndim=1, min_length=1, allow_nan=False)
        if x.shape != y.shape:
            raise ValueError(
                f"lean_deg and acceleration must pair up; got {x.size} and {y.size} values."
            )
        with self.figure.batch_update():
            set_overlay(self.figure, x, y, label=label, hover_unit="m/s²")
