"""Result types and small helpers of :mod:`course.analysis.gait` (private; re-exported there).

Shared by the foot-height events (:mod:`course.analysis.gait`) and the label-free Zeni events
(:mod:`course.analysis._gait_zeni`), so both import from here and neither from the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.schema import Landmark as LM
from course.validation import FloatArray

SIDES = ("left", "right")
LEG_LANDMARKS = {
    "left": (LM.LEFT_HIP, LM.LEFT_KNEE, LM.LEFT_ANKLE, LM.LEFT_HEEL, LM.LEFT_FOOT_INDEX),
    "right": (LM.RIGHT_HIP, LM.RIGHT_KNEE, LM.RIGHT_ANKLE, LM.RIGHT_HEEL, LM.RIGHT_FOOT_INDEX),
}


@dataclass(frozen=True)
class GaitEvents:
    """Foot contacts found in a pose sequence (see the module docstring for the method).

    Attributes
    ----------
    left_contact, left_toe_off, right_contact, right_toe_off
        Times (s) of initial contact and toe-off of each stance of that foot, paired by index
        (``left_toe_off[i]`` ends the stance that ``left_contact[i]`` starts). NaN where the
        event happened outside the clip or during a gap in tracking.
    facing
        ``"right"`` or ``"left"``: the image direction the runner faces.
    leg_length
        Median hip–knee–ankle length, in image heights when ``image_size`` was known (else in
        the units of the landmarks).
    ground
        Image row of the ground line (y down), same units.
    method
        The method and thresholds that produced the events.
    """

    left_contact: FloatArray
    left_toe_off: FloatArray
    right_contact: FloatArray
    right_toe_off: FloatArray
    facing: str
    leg_length: float
    ground: float
    method: str

    def contacts(self, side: str) -> tuple[FloatArray, FloatArray]:
        """``(contact, toe_off)`` times (s) of ``side`` (``"left"`` or ``"right"``)."""
        if side not in SIDES:
            raise ValueError(f"side must be 'left' or 'right'; got {side!r}.")
        return getattr(self, f"{side}_contact"), getattr(self, f"{side}_toe_off")


@dataclass(frozen=True)
class GaitMetrics:
    """Per-step running metrics and their medians (result of :func:`gait_metrics`).

    A step starts at an initial contact of either foot; per-step arrays are in time order.

    Attributes
    ----------
    events
        The :class:`GaitEvents` the metrics were computed from.
    step_time
        Initial contact time of each step, s.
    step_side
        ``"left"`` or ``"right"``: the foot that lands.
    contact_times
        Contact time of the landing foot, s.
    flight_times
        From this foot's toe-off to the other foot's next contact, s (negative: double support,
        i.e. walking).
    step_durations
        From this contact to the next contact of the other foot, s (NaN if a step was missed).
    overstride
        Horizontal heel-ahead-of-hip distance at contact, in leg lengths (+ = ahead).
    shank_angle
        Shank (knee→ankle) angle from vertical at contact, deg (+ = ankle ahead of the knee).
    cadence
        Steps per minute, ``60 / median(step_durations)``.
    contact_time, flight_time
        Medians, s.
    median_overstride
        Median overstride, leg lengths.
    median_shank_angle
        Median shank angle, deg.
    rejected
        What was rejected as physiologically impossible (e.g. steps shorter than
        ``MIN_STEP_TIME`` s, which are left out of the cadence), one sentence each.
    """

    events: GaitEvents
    step_time: FloatArray
    step_side: tuple[str, ...]
    contact_times: FloatArray
    flight_times: FloatArray
    step_durations: FloatArray
    overstride: FloatArray
    shank_angle: FloatArray
    cadence: float
    contact_time: float
    flight_time: float
    median_overstride: float
    median_shank_angle: float
    rejected: tuple[str, ...] = ()


def nanmedian(a: FloatArray) -> float:
    """Median of the finite values of ``a``, NaN if there are none (no warning)."""
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else float("nan")


def pair_events(contact: FloatArray, toe_off: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Pair each contact with the first toe-off after it and before the next contact.

    A toe-off before the first contact (a stance cut by the start of the clip) is kept, with a
    NaN contact; so is one found in a short clip without any contact.
    """
    rows: list[tuple[float, float]] = []
    nxt = np.append(contact[1:], np.inf)[: contact.size]  # no contact: nothing follows one
    for c, n in zip(contact, nxt, strict=True):
        after = toe_off[(toe_off > c) & (toe_off < n)]
        rows.append((c, float(after[0]) if after.size else float("nan")))
    first = contact[0] if contact.size else np.inf
    rows = [(float("nan"), float(o)) for o in toe_off[toe_off < first][-1:]] + rows
    arr = np.array(rows, dtype=np.float64).reshape(-1, 2)
    return np.ascontiguousarray(arr[:, 0]), np.ascontiguousarray(arr[:, 1])


def value_at(times: FloatArray, values: FloatArray, when: float) -> float:
    """Linear interpolation of ``values`` at time ``when`` (NaN outside or next to a gap)."""
    if not np.isfinite(when) or when < times[0] or when > times[-1]:
        return float("nan")
    j = int(np.searchsorted(times, when, side="right")) - 1
    j = min(max(j, 0), times.shape[0] - 2)
    w = (when - times[j]) / (times[j + 1] - times[j])
    return float((1 - w) * values[j] + w * values[j + 1])
