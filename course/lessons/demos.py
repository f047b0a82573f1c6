"""SYNTHETIC demonstration sequences for the lessons' self-tests, clearly labelled as such.

No freely licensed clip shows a pelvic tilt, a kneeling hip-extension test, an ankle lean, a
glute bridge or a single-leg balance test (the sample clips show walking, jumping jacks and a
lunge). So that every self-test lesson works without a camera, this module scripts the
stick figure of :mod:`course.lessons.stick_figure` (segment lengths as fractions of
stature, after Winter's adult proportions), moves its joints through the test, and projects it
like a camera would.
The result is a :class:`~course.schema.PoseSeries` whose ``source`` starts with
``"SYNTHETIC"``; the protocols run on it exactly as on a real recording. The angles put in are
known, so a learner can check that the protocol reads them back.

All angles in degrees, times in seconds, lengths in metres.

Examples
--------
>>> demo = pelvic_tilt(anterior=12, posterior=7)
>>> demo.source.startswith("SYNTHETIC")
True
>>> demo.landmarks.shape[1:]
(33, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course.constants import G
from course.lessons.stick_figure import SHANK, STAND_HIP, THIGH, profile, stick_figure, to_series
from course.schema import FloatArray, PoseSeries
from course.schema import Landmark as L

__all__ = [
    "SHANK",
    "STAND_HIP",
    "THIGH",
    "ankle_lean",
    "glute_bridge",
    "hip_extension",
    "jumps",
    "pelvic_tilt",
    "profile",
    "running",
    "single_leg_balance",
    "stick_figure",
    "to_series",
]

FPS = 30.0


def _t(seconds: float) -> FloatArray:
    return np.arange(0.0, seconds, 1.0 / FPS)


def pelvic_tilt(*, anterior: float = 12.0, posterior: float = 7.0, hold: float = 3.0) -> PoseSeries:
    """Side view: tilt forward by ``anterior``, back by ``posterior``, then hold ``hold`` deg.

    The stand-in angle (trunk to thigh) changes by exactly these amounts: thighs and knees turn
    together so the shanks stay vertical and the trunk upright.
    """
    t = _t(16.0)
    th = profile(
        t, {0: 0, 1.5: 0, 2.5: anterior, 5: anterior, 6.5: -posterior, 9: -posterior, 10: hold}
    )
    joints = stick_figure(t.size, thigh_left=th, thigh_right=th, knee_left=th, knee_right=th)
    label = f"pelvic tilt, {anterior:g}° forward, {posterior:g}° back, middle at {hold:g}°"
    return to_series(joints, t, label=label, facing="right")


def ankle_lean(*, lean: float = 8.0, hip_bend: float = 0.0) -> PoseSeries:
    """Side view: lean forward by ``lean`` deg as one straight line, bending ``hip_bend`` deg more.

    ``hip_bend`` > 0 tips the trunk further than the legs: a bend at the hips.
    """
    t = _t(7.5)
    a = profile(t, {0: 0, 1.5: 0, 2.5: lean, 6: lean, 7: 0})
    b = profile(t, {0: 0, 1.5: 0, 2.5: hip_bend, 6: hip_bend, 7: 0})
    joints = stick_figure(t.size, trunk=a + b, thigh_left=-a, thigh_right=-a)
    label = f"ankle lean of {lean:g}°" + (f" with a {hip_bend:g}° hip bend" if hip_bend else "")
    return to_series(joints, t, label=label, facing="left")


def hip_extension(*, back_thigh: float = 15.0, trunk_back: float = 0.0) -> PoseSeries:
    """Side view, half-kneeling on the left knee, the back thigh moving behind vertical.

    The back thigh goes ``back_thigh`` deg behind vertical while the trunk leans back by
    ``trunk_back`` deg.
    """
    t = _t(11.0)  # the kneeling test: 2 s settling + 8 s stretch
    th = profile(t, {0: -3.0, 1.5: -3.0, 3.0: -back_thigh})
    tr = profile(t, {0: 0.0, 1.5: 0.0, 3.0: -trunk_back})
    joints = stick_figure(
        t.size, thigh_left=th, knee_left=100.0, thigh_right=85.0, knee_right=90.0, trunk=tr,
        root_y=0.55,
    )  # fmt: skip
    label = f"half-kneeling, back thigh {back_thigh:g}° behind vertical, trunk {trunk_back:g}° back"
    return to_series(joints, t, label=label, facing="left")


def single_leg_balance(
    *, left: tuple[float, float] = (2.0, 9.0), right: tuple[float, float] = (12.0, 17.0),
    sway_m: float = 0.01, drop: float = 3.0,
) -> PoseSeries:  # fmt: skip
    """Front view: stand on the right leg, then on the left leg.

    The left foot is lifted over ``left`` = (start, end) s, the right foot over ``right``; the
    hips sway sideways by ``sway_m`` m (half as much again while standing on the left leg), and
    the pelvis drops ``drop`` deg on the lifted side during the first stance.
    """
    t = _t(max(left[1], right[1]) + 3.0)

    def lifted(span: tuple[float, float]) -> FloatArray:
        a, b = span
        return profile(t, {-1: 0, a: 0, a + 0.3: 1, b: 1, b + 0.3: 0})

    pl, pr = lifted(left), lifted(right)
    joints = stick_figure(
        t.size, thigh_left=25 * pl, knee_left=80 * pl, thigh_right=25 * pr, knee_right=80 * pr,
        pelvis_drop=drop * pl, root_z=sway_m * (1 + 0.5 * pr) * np.sin(2 * np.pi * 0.7 * t),
        root_y=STAND_HIP * 1.75 + 0.3 * sway_m * np.sin(2 * np.pi * 1.1 * t + 0.5),
    )  # fmt: skip
    label = "single-leg balance, left foot lifted then right foot lifted"
    return to_series(joints, t, label=label, view="front")


def jumps(flights: tuple[float, ...] = (0.45, 0.55, 0.50)) -> PoseSeries:
    """Front view: vertical jumps with the given flight times (s), three seconds apart.

    The hips follow a ballistic path, ``y = g·T/2·τ − g·τ²/2`` during each flight of ``T`` s.
    """
    g = G
    t = _t(3.0 * len(flights) + 2.0)
    rise = np.zeros_like(t)
    for k, flight in enumerate(flights):
        t0 = 2.0 + 3.0 * k + 0.013 * k
        tau = t - t0
        inside = (tau >= 0) & (tau <= flight)
        rise[inside] = g * flight / 2 * tau[inside] - g * tau[inside] ** 2 / 2
    joints = stick_figure(t.size, root_y=STAND_HIP * 1.75 + rise)
    label = "countermovement-free jumps, flight times " + ", ".join(f"{f:g} s" for f in flights)
    return to_series(joints, t, label=label, view="front", fill=0.6)


def glute_bridge(*, hold: float = 12.0, sag: float = 5.0) -> PoseSeries:
    """Side view, lying on the back: lift into a bridge, hold ``hold`` s, and lower.

    At the top the hip stays ``sag`` deg short of a straight shoulder–hip–knee line.
    """
    t = _t(hold + 10.0)
    th = profile(t, {0: 50, 2: 50, 3: sag, 3 + hold: sag, 4 + hold: 50})
    joints = stick_figure(
        t.size, lie=-90, thigh_left=th, thigh_right=th, knee_left=90, knee_right=90
    )
    label = f"glute bridge held {hold:g} s, {sag:g}° short of straight"
    return to_series(joints, t, label=label, center_x=0.85, ground=0.5, fill=0.9)


def running(*, cadence: float = 168.0, trunk: float = 8.0, seconds: float = 16.0) -> PoseSeries:
    """Side view at 60 fps: a model gait at ``cadence`` steps/min with a ``trunk`` deg lean.

    The thighs swing ±25° in antiphase, each knee flexes most while its leg swings through, and the
    body rides so that the lower foot stays on the floor. A kinematic sketch of running on a
    treadmill (the figure stays in place), not a simulation: there is no flight phase.
    """
    t = np.arange(0.0, seconds, 1.0 / 60.0)
    phase = np.pi * cadence / 60.0 * t  # one leg cycle = two steps
    thigh = 25.0 * np.sin(phase)
    knee_l = 30.0 + 30.0 * np.maximum(0.0, np.cos(phase))
    knee_r = 30.0 + 30.0 * np.maximum(0.0, -np.cos(phase))
    angles: dict[str, Any] = {
        "thigh_left": thigh, "thigh_right": -thigh, "knee_left": knee_l, "knee_right": knee_r,
        "trunk": trunk,
    }  # fmt: skip
    joints = stick_figure(t.size, **angles)
    feet = [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
    lowest = joints[:, feet, 1].min(axis=1)
    joints = stick_figure(t.size, root_y=STAND_HIP * 1.75 - lowest, **angles)
    label = f"model running gait, {cadence:g} steps/min, trunk {trunk:g}° forward (treadmill view)"
    return to_series(joints, t, label=label, facing="right")
