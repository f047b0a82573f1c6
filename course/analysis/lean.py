"""Forward lean and horizontal acceleration: why lean that accelerates comes from the ankles.

Model: the body is rigid and pivots about the feet; the resultant ground reaction force acts at
the feet and passes through the centre of mass, so it has no moment about it and the lean angle
stays constant; its vertical component equals body weight (no vertical acceleration); friction
is sufficient (μ ≥ tan θ) and air resistance is ignored. The ground force is then tilted by the
lean angle θ, and ``a = g · tan θ``.

A runner who bends at the hips with the same trunk angle pushes the hips back to keep balance:
the centre of mass stays over the feet, the ground force stays vertical and there is no forward
acceleration. :func:`ankle_lean_figure` and :func:`hip_bend_figure` give the two postures as
sagittal stick figures (x forward from the ankle, y up, metres), and :func:`lean_model` puts the
numbers of one lean angle together.

Examples
--------
>>> m = lean_model(5.0, mass=70.0)
>>> round(m.acceleration, 3), round(m.horizontal_force, 1)
(0.858, 60.1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np

from course.constants import G
from course.validation import FloatArray, as_float_array, positive

__all__ = [
    "JOINTS",
    "LeanModel",
    "StickFigure",
    "ankle_lean_figure",
    "hip_bend_figure",
    "lean_acceleration",
    "lean_model",
]

JOINTS = ("toe", "ankle", "knee", "hip", "shoulder", "head")
"""Joints of a :class:`StickFigure`, in the order of its ``x`` and ``y``."""

# Segment model of a 1.75 m person: distances along the body from the ankle, m.
_ANKLE_TO = {"knee": 0.45, "hip": 0.90, "shoulder": 1.42, "head": 1.62}
_TOE = 0.18  # m ahead of the ankle
_LEG_MASS, _LEG_COM = 0.32, 0.55  # fraction of body mass; CoM at this fraction of ankle→hip
_UPPER_MASS, _UPPER_COM = 0.68, 0.30  # head, arms, trunk; CoM this far (m) above the hip
_MAX_LEAN = 80.0  # deg: beyond this "pivoting about the feet" is no longer a runner


def _check_angle(values: FloatArray, name: str) -> None:
    if values.size and not np.all(np.abs(values) <= _MAX_LEAN):
        bad = values.reshape(-1)[~(np.abs(values.reshape(-1)) <= _MAX_LEAN)][0]
        raise ValueError(
            f"{name} must be a finite angle from vertical between -{_MAX_LEAN:g} and "
            f"{_MAX_LEAN:g} deg; got {bad!r}. Give the lean in degrees (5 is a sprint start "
            "lean, not 0.09 rad)."
        )


@overload
def lean_acceleration(angle_deg: float, *, gravity: float = G) -> float: ...
@overload
def lean_acceleration(angle_deg: FloatArray, *, gravity: float = G) -> FloatArray: ...
def lean_acceleration(angle_deg: float | FloatArray, *, gravity: float = G) -> float | FloatArray:
    """Forward acceleration in m/s² of a rigid body leaning ``angle_deg`` degrees from the feet.

    ``a = g · tan θ``: the ground force points from the feet through the centre of mass, its
    vertical part balances body weight and its horizontal part accelerates the body.

    Parameters
    ----------
    angle_deg
        Lean of the whole body from vertical, deg (forward positive); a number or an array.
    gravity
        Gravitational acceleration, m/s².

    Returns
    -------
    float or numpy.ndarray
        Forward acceleration, m/s², with the shape of ``angle_deg``.

    Raises
    ------
    ValueError
        For angles that are not finite or beyond ±80 deg.

    Examples
    --------
    >>> round(lean_acceleration(5.0), 3)
    0.858
    >>> lean_acceleration(np.array([0.0, 45.0])).round(5).tolist()
    [0.0, 9.80665]
    """
    g = positive(gravity, "gravity", "m/s²")
    if isinstance(angle_deg, np.ndarray):
        arr = as_float_array(angle_deg, "angle_deg")
        _check_angle(arr, "angle_deg")
        return g * np.tan(np.radians(arr))
    _check_angle(np.array([float(angle_deg)]), "angle_deg")
    return g * math.tan(math.radians(float(angle_deg)))


@dataclass(frozen=True)
class StickFigure:
    """Joint positions of a sagittal stick figure, m (x forward from the ankle, y up).

    Attributes
    ----------
    x, y
        Positions of :data:`JOINTS` (toe, ankle, knee, hip, shoulder, head), m.
    com
        ``(x, y)`` of the whole-body centre of mass, m.
    trunk_angle
        Angle of the hip→shoulder line from vertical, deg (forward positive).
    """

    x: FloatArray
    y: FloatArray
    com: tuple[float, float]
    trunk_angle: float


def _com(ankle: FloatArray, hip: FloatArray, shoulder: FloatArray) -> tuple[float, float]:
    leg = ankle + _LEG_COM * (hip - ankle)
    upper_dir = (shoulder - hip) / np.linalg.norm(shoulder - hip)
    upper = hip + _UPPER_COM * upper_dir
    c = _LEG_MASS * leg + _UPPER_MASS * upper
    return float(c[0]), float(c[1])


def ankle_lean_figure(angle_deg: float) -> StickFigure:
    """A straight body tilted ``angle_deg`` degrees forward about the ankle (positions in m).

    Examples
    --------
    >>> f = ankle_lean_figure(0.0)
    >>> round(f.com[0], 6), f.trunk_angle
    (0.0, 0.0)
    """
    _check_angle(np.array([float(angle_deg)]), "angle_deg")
    th = math.radians(angle_deg)
    d = np.array([0.0] + [_ANKLE_TO[j] for j in JOINTS[2:]])
    x = np.r_[_TOE, d * math.sin(th)]
    y = np.r_[0.0, d * math.cos(th)]
    pts = np.c_[x, y]
    return StickFigure(x, y, _com(pts[1], pts[3], pts[4]), float(angle_deg))


def hip_bend_figure(trunk_deg: float) -> StickFigure:
    """Trunk tilted ``trunk_deg`` degrees forward at the hips, hips pushed back (positions in m).

    The legs tilt back by the angle that keeps the whole-body centre of mass over the ankle.

    Examples
    --------
    >>> f = hip_bend_figure(10.0)
    >>> abs(f.com[0]) < 1e-9, round(f.trunk_angle, 6)
    (True, 10.0)
    """
    _check_angle(np.array([float(trunk_deg)]), "trunk_deg")
    th = math.radians(trunk_deg)
    leg_len = _ANKLE_TO["hip"]
    trunk = _ANKLE_TO["shoulder"] - leg_len
    # CoM x = 0: -(m_l c_l L + m_u L) sin φ + m_u c_u sin θ = 0   (c_u = _UPPER_COM m)
    sin_phi = (
        _UPPER_MASS * _UPPER_COM * math.sin(th) / ((_LEG_MASS * _LEG_COM + _UPPER_MASS) * leg_len)
    )
    phi = math.asin(min(1.0, max(-1.0, sin_phi)))
    leg_dir = np.array([-math.sin(phi), math.cos(phi)])
    trunk_dir = np.array([math.sin(th), math.cos(th)])
    ankle = np.zeros(2)
    knee = ankle + _ANKLE_TO["knee"] * leg_dir
    hip = ankle + leg_len * leg_dir
    shoulder = hip + trunk * trunk_dir
    head = hip + (_ANKLE_TO["head"] - leg_len) * trunk_dir
    pts = np.array([[_TOE, 0.0], ankle, knee, hip, shoulder, head])
    return StickFigure(pts[:, 0], pts[:, 1], _com(ankle, hip, shoulder), float(trunk_deg))


@dataclass(frozen=True)
class LeanModel:
    """One lean angle worked through the rigid-body model (see the module docstring).

    Attributes
    ----------
    angle
        Forward lean of the whole body from vertical, deg.
    mass
        Body mass, kg.
    gravity
        Gravitational acceleration, m/s².
    acceleration
        Forward acceleration of the leaning body, ``g · tan θ``, m/s².
    horizontal_force
        Horizontal ground force that produces it, ``m · a``, N.
    friction_needed
        Smallest foot–ground friction coefficient that holds it, ``tan θ`` (dimensionless).
    ankle
        The body leaning ``angle`` from the ankles (:func:`ankle_lean_figure`).
    hip_bend
        The trunk bent ``angle`` at the hips, balanced over the feet (:func:`hip_bend_figure`).
    """

    angle: float
    mass: float
    gravity: float
    acceleration: float
    horizontal_force: float
    friction_needed: float
    ankle: StickFigure
    hip_bend: StickFigure

    @property
    def hip_bend_acceleration(self) -> float:
        """Forward acceleration of the hip-bent posture, m/s² (zero: its CoM is over the feet)."""
        return self.gravity * self.hip_bend.com[0] / self.hip_bend.com[1]

    def time_to_speed(self, speed: float) -> float:
        """Seconds to reach ``speed`` (m/s) from standing at this lean; ``inf`` without lean.

        Examples
        --------
        >>> round(lean_model(5.0).time_to_speed(5.0), 2)
        5.83
        """
        v = positive(speed, "speed", "m/s")
        return v / self.acceleration if self.acceleration > 0 else math.inf


def lean_model(angle_deg: float, *, mass: float = 70.0, gravity: float = G) -> LeanModel:
    """Acceleration, ground force, friction and both postures for one lean angle.

    Parameters
    ----------
    angle_deg
        Forward lean from vertical, deg (also the trunk angle of the hip-bent posture).
    mass
        Body mass, kg.
    gravity
        Gravitational acceleration, m/s².

    Returns
    -------
    LeanModel

    Examples
    --------
    >>> m = lean_model(10.0, mass=60.0)
    >>> round(m.friction_needed, 4), abs(m.hip_bend_acceleration) < 1e-9
    (0.1763, True)
    """
    m = positive(mass, "mass", "kg")
    g = positive(gravity, "gravity", "m/s²")
    a = lean_acceleration(float(angle_deg), gravity=g)
    return LeanModel(
        angle=float(angle_deg),
        mass=m,
        gravity=g,
        acceleration=a,
        horizontal_force=m * a,
        friction_needed=math.tan(math.radians(angle_deg)),
        ankle=ankle_lean_figure(angle_deg),
        hip_bend=hip_bend_figure(angle_deg),
    )
