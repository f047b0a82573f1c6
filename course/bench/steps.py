"""Key moments of every step and the numbers a coach reads at them.

From the gait events of :mod:`course.analysis.gait` each step gets three key moments of the
landing foot: initial contact, midstance (the stance ankle passes under the hip centre; half way
through the contact if that crossing is not seen, e.g. from the front) and toe-off. At those
moments the per-step numbers are read from the tracked landmarks (pixels, so angles do not depend
on the image's aspect ratio):

Side view
    knee flexion at contact (180° − hip–knee–ankle angle), shank angle at contact (+ ankle ahead
    of the knee), foot ahead of the hip at contact (heel − hip centre, leg lengths, + ahead),
    trunk lean at midstance (+ forward) and hip extension at toe-off (thigh behind the trunk
    line, deg, + extension).
Front (or back) view
    pelvic drop at midstance (the swing-side hip lower, deg, +) and step width (horizontal distance
    between this heel at contact and the other heel at the previous contact, leg lengths).

Both views: contact time, flight time and step time (s).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from course.analysis.gait import GaitMetrics
from course.schema import FloatArray, PoseSeries
from course.schema import Landmark as L
from course.selftests import kinematics as kin

__all__ = ["MOMENTS", "KeyMoment", "Step", "key_moments", "step_numbers"]

Moment = Literal["contact", "midstance", "toe_off"]
MOMENTS: tuple[Moment, ...] = ("contact", "midstance", "toe_off")

#: number name -> (unit, what it is, views where it is read)
NUMBERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "knee_flexion_ic": ("deg", "knee flexion at contact", ("side",)),
    "shank_angle_ic": ("deg", "shank from vertical at contact, + ankle ahead of knee", ("side",)),
    "foot_ahead_ic": ("leg lengths", "heel ahead of the hip at contact", ("side",)),
    "trunk_lean_mid": ("deg", "trunk forward of vertical at midstance", ("side",)),
    "hip_extension_to": ("deg", "thigh behind the trunk line at toe-off", ("side",)),
    "pelvic_drop_mid": ("deg", "swing-side hip lower at midstance", ("front",)),
    "step_width": ("leg lengths", "side-to-side distance between contacts", ("front",)),
    "contact_time": ("s", "ground contact of the landing foot", ("side", "front")),
    "flight_time": ("s", "toe-off to the other foot's contact", ("side", "front")),
    "step_time": ("s", "contact to the other foot's contact", ("side", "front")),
}


@dataclass(frozen=True)
class KeyMoment:
    """One key moment of one step.

    Attributes
    ----------
    step
        Index of the step (time order).
    side
        The landing foot, ``"left"`` or ``"right"``.
    kind
        ``"contact"``, ``"midstance"`` or ``"toe_off"``.
    t
        Time, s (sub-frame, from the event detector).
    frame
        Index of the nearest video frame.
    """

    step: int
    side: str
    kind: Moment
    t: float
    frame: int


@dataclass(frozen=True)
class Step:
    """Per-step numbers (NaN where not measurable from this view; see :data:`NUMBERS`).

    Attributes
    ----------
    index, side, t_contact
        Step index, landing foot and its initial contact time (s).
    values
        Number name → value in the unit of :data:`NUMBERS`.
    """

    index: int
    side: str
    t_contact: float
    values: dict[str, float]


def _frame(t: FloatArray, when: float) -> int:
    return int(np.argmin(np.abs(t - when)))


def _at(t: FloatArray, v: FloatArray, when: float) -> float:
    ok = np.isfinite(v)
    if not math.isfinite(when) or ok.sum() < 2 or when < t[ok][0] or when > t[ok][-1]:
        return math.nan
    return float(np.interp(when, t[ok], v[ok]))


def _midstance(t: FloatArray, px: FloatArray, side: str, sign: float, c: float, o: float) -> float:
    """Time the stance ankle passes under the hip centre, else the middle of the contact."""
    if not (math.isfinite(c) and math.isfinite(o)):
        return math.nan
    ankle = px[:, L.LEFT_ANKLE if side == "left" else L.RIGHT_ANKLE, 0]
    hips = px[:, [L.LEFT_HIP, L.RIGHT_HIP], 0]
    hip = np.where(
        np.isnan(hips[:, 0]),
        hips[:, 1],
        np.where(np.isnan(hips[:, 1]), hips[:, 0], hips.mean(axis=1)),
    )
    inside = (t >= c) & (t <= o)
    ahead = sign * (ankle - hip)
    idx = np.flatnonzero(inside & np.isfinite(ahead))
    for a, b in itertools.pairwise(idx):
        if b == a + 1 and ahead[a] > 0 >= ahead[b]:
            w = ahead[a] / (ahead[a] - ahead[b])
            return float(t[a] + w * (t[b] - t[a]))
    return 0.5 * (c + o)


def key_moments(gm: GaitMetrics, series: PoseSeries, view: str) -> tuple[KeyMoment, ...]:
    """Contact, midstance and toe-off of every step with a contact, in time order.

    Parameters
    ----------
    gm
        Gait metrics of ``series`` (:func:`course.analysis.gait.gait_metrics`).
    series
        The tracked pose series (times in s).
    view
        ``"side"`` or ``"front"`` (from the front, midstance is half way through the contact).

    Examples
    --------
    >>> from course.analysis.gait import gait_metrics
    >>> from course.lessons import demos
    >>> run = demos.running(seconds=3)
    >>> moments = key_moments(gait_metrics(run), run, "side")
    >>> [m.kind for m in moments[:3]]
    ['contact', 'midstance', 'toe_off']
    """
    t = series.t
    w, h = series.image_size
    px = series.landmarks[..., :2] * np.array([w, h], dtype=np.float64)
    sign = 1.0 if gm.events.facing == "right" else -1.0
    out: list[KeyMoment] = []
    for i, (c, side, ct) in enumerate(
        zip(gm.step_time, gm.step_side, gm.contact_times, strict=True)
    ):
        o = c + ct
        mid = _midstance(t, px, side, sign, c, o) if view == "side" else 0.5 * (c + o)
        for kind, when in (("contact", c), ("midstance", mid), ("toe_off", o)):
            if math.isfinite(when):
                out.append(KeyMoment(i, side, kind, float(when), _frame(t, when)))  # type: ignore[arg-type]
    return tuple(out)


def step_numbers(
    gm: GaitMetrics, series: PoseSeries, moments: tuple[KeyMoment, ...], view: str
) -> tuple[Step, ...]:
    """The numbers of :data:`NUMBERS` for every step (NaN where this view cannot show them).

    Examples
    --------
    >>> from course.analysis.gait import gait_metrics
    >>> from course.lessons import demos
    >>> run = demos.running(trunk=8.0, seconds=3)
    >>> gm = gait_metrics(run)
    >>> steps = step_numbers(gm, run, key_moments(gm, run, "side"), "side")
    >>> round(steps[1].values["trunk_lean_mid"])
    8
    """
    t = series.t
    w, h = series.image_size
    px = series.landmarks[..., :2] * np.array([w, h], dtype=np.float64)
    facing = gm.events.facing
    leg_px = gm.events.leg_length * h  # leg length is in image heights
    when = {(m.step, m.kind): m.t for m in moments}
    angles = {sd: kin.body_angles(px, side=sd, facing=facing) for sd in ("left", "right")}
    steps: list[Step] = []
    for i, side in enumerate(gm.step_side):
        c = float(gm.step_time[i])
        mid = when.get((i, "midstance"), math.nan)
        to = when.get((i, "toe_off"), math.nan)
        a = angles[side]
        v = dict.fromkeys(NUMBERS, math.nan)
        v["contact_time"] = float(gm.contact_times[i])
        v["flight_time"] = float(gm.flight_times[i])
        v["step_time"] = float(gm.step_durations[i])
        if view == "side":
            v["knee_flexion_ic"] = 180.0 - _at(t, a["knee"], c)
            v["shank_angle_ic"] = float(gm.shank_angle[i])
            v["foot_ahead_ic"] = float(gm.overstride[i])
            v["trunk_lean_mid"] = _at(t, a["trunk_lean"], mid)
            v["hip_extension_to"] = -_at(t, a["hip_flexion"], to)
        else:
            v["pelvic_drop_mid"] = _at(t, np.asarray(kin.hip_drop(px, stance=side)), mid)
            if i > 0 and gm.step_side[i - 1] != side:
                prev = float(gm.step_time[i - 1])
                here = L.LEFT_HEEL if side == "left" else L.RIGHT_HEEL
                there = L.RIGHT_HEEL if side == "left" else L.LEFT_HEEL
                x1, x0 = _at(t, px[:, here, 0], c), _at(t, px[:, there, 0], prev)
                v["step_width"] = abs(x1 - x0) / leg_px
        steps.append(Step(i, side, c, v))
    return tuple(steps)
