"""Gait events and running metrics from a side-view pose sequence.

Method (foot-height events, computed in the compiled core):

1. For each foot, track the lower of heel and toe (foot index); its height above the ground line
   is ``ground - y`` (image y points down), in leg lengths (median hip-knee-ankle length). The
   ground line is the 85th percentile of those rows over the clip (each foot spends about 30-40 %
   of a running stride on the ground, 60 % walking), so the camera must be static and level and
   the runner at a roughly constant distance; pass ``ground=`` otherwise.
2. A stance is a run of frames at most ``contact_height`` high (NaN frames break runs), at least
   ``min_contact`` long; runs less than ``merge_gap`` apart are one stance broken by noise.
3. Initial contact: a least-squares line through the approach frames (the frame before the run
   to the first frame at or below ``event_height``) is followed down to the stance baseline (lower
   quartile of the run), for sub-frame timing; toe-off mirrors it. Events outside the clip or in
   a tracking gap are NaN.

This is a height-and-velocity threshold method in the family of kinematic event detectors such as
the foot-velocity algorithm (O'Connor et al. 2007, Gait Posture 25:469). Zeni et al. (2008, Gait
Posture 27:710) time contact at the heel furthest ahead of the pelvis and toe-off at the toe
furthest behind it; that rule can fire early in running, where the foot is pulled back before it
lands, so it is used only when the feet barely leave the ground in the image (walking, or a
distant runner): ``method="auto"``, the default, decides and says which in ``GaitEvents.method``.
The Zeni events are taken from label-free envelopes (heel furthest ahead, toe furthest behind, of
either foot), so the left/right leg swaps that side-view trackers make do not create events; see
:mod:`course.analysis._gait_zeni`. On the synthetic clips of the tests, foot-height events land
within a frame (noise-free) and within two frames with 1 px of white noise at 60 fps; smooth real
tracks first. On the real Sports2D walker (30 fps) the Zeni heel strikes land within one frame
of those counted by eye.

Plausibility guards (both methods): frames where the hip centre jumps more than
``MAX_HIP_JUMP`` leg lengths from its neighbours (the tracker followed someone else) or the feet
are not below the hips are dropped before anything else and counted in ``GaitEvents.method``;
steps shorter than ``MIN_STEP_TIME`` (0.18 s, faster than elite sprinters' ~5 steps/s) are left
out of the cadence and listed in ``GaitMetrics.rejected``, never reported as a cadence.

Outputs: per-foot contact and toe-off times (:class:`GaitEvents`), and per-step metrics with their
medians (:class:`GaitMetrics`): cadence (steps/min), contact time, flight time, overstride (heel
ahead of the hip at contact, in leg lengths, + = ahead in the facing direction) and shank angle at
contact (deg from vertical, + = ankle ahead of the knee).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course._core import gait as _core
from course.analysis._gait_types import (
    LEG_LANDMARKS,
    SIDES,
    GaitEvents,
    GaitMetrics,
    nanmedian,
    value_at,
)
from course.analysis._gait_zeni import (
    MAX_HIP_JUMP,
    MIN_FOOT_DROP,
    MIN_STEP_TIME,
    reject_frames,
    zeni_events,
)
from course.schema import N_LANDMARKS, PoseSeries
from course.schema import Landmark as LM
from course.validation import FloatArray, as_float_array, positive

__all__ = ["MIN_FRAMES", "GaitEvents", "GaitMetrics", "detect_gait_events", "gait_metrics"]

MIN_FRAMES = 10
"""Fewest frames accepted (a stance needs frames before, during and after it)."""


def _inputs(
    landmarks: Any, t: Any, image_size: tuple[float, float] | None
) -> tuple[FloatArray, FloatArray]:
    """Scaled ``(n, 33, 2)`` coordinates (image heights if the size is known) and times."""
    if isinstance(landmarks, PoseSeries):
        if t is None:
            t = landmarks.t
        if image_size is None:
            image_size = landmarks.image_size
        landmarks = landmarks.landmarks
    lm = as_float_array(
        landmarks,
        "landmarks",
        ndim=3,
        hint="Pass a time-first pose sequence (n_frames, 33, 2|3) or a PoseSeries.",
    )
    if lm.shape[1:2] != (N_LANDMARKS,) or lm.shape[2] not in (2, 3):
        raise ValueError(
            f"landmarks must have shape (n_frames, {N_LANDMARKS}, 2|3) (MediaPipe Pose order); "
            f"got {lm.shape}."
        )
    if t is None:
        raise ValueError("t (frame times in seconds, shape (n_frames,)) is required with arrays.")
    times = as_float_array(t, "t", ndim=1, allow_nan=False)
    n = lm.shape[0]
    if times.shape[0] != n:
        raise ValueError(f"t must have one time per frame ({n}); got {times.shape[0]}.")
    if n < MIN_FRAMES:
        raise ValueError(
            f"gait analysis needs at least {MIN_FRAMES} frames; got {n}. Record a few strides."
        )
    if np.any(np.diff(times) <= 0):
        raise ValueError("t must be strictly increasing (seconds); sort or deduplicate frames.")
    xy = lm[:, :, :2].copy()
    if image_size is not None:
        w = positive(image_size[0], "image_size[0] (width)", "pixels")
        h = positive(image_size[1], "image_size[1] (height)", "pixels")
        xy[:, :, 0] *= w / h  # x in image heights, like y
    return xy, times


def _facing(xy: FloatArray, facing: str) -> str:
    if facing in SIDES:
        return facing
    if facing != "auto":
        raise ValueError(f"facing must be 'right', 'left' or 'auto'; got {facing!r}.")
    hips = xy[:, [LM.LEFT_HIP, LM.RIGHT_HIP], 0]
    hip_x = np.where(np.isnan(hips[:, 0]), hips[:, 1], hips[:, 0])
    ok = np.isfinite(hip_x)
    if ok.sum() >= 2:
        travel = hip_x[ok][-1] - hip_x[ok][0]
        thighs = [
            np.linalg.norm(xy[:, LEG_LANDMARKS[sd][0]] - xy[:, LEG_LANDMARKS[sd][1]], axis=1)
            for sd in SIDES
        ]
        thigh = nanmedian(np.concatenate(thighs))
        if np.isfinite(thigh) and abs(travel) > 2 * thigh:  # clearly moving across the image
            return "right" if travel > 0 else "left"
    toe_ahead = np.nansum(
        xy[:, [LM.LEFT_FOOT_INDEX, LM.RIGHT_FOOT_INDEX], 0]
        - xy[:, [LM.LEFT_HEEL, LM.RIGHT_HEEL], 0]
    )
    if toe_ahead != 0 and np.isfinite(toe_ahead):
        return "right" if toe_ahead > 0 else "left"
    raise ValueError(
        "could not tell which way the runner faces; pass facing='right' or facing='left'."
    )


def detect_gait_events(
    landmarks: Any,
    t: Any = None,
    /,
    *,
    facing: str = "auto",
    image_size: tuple[float, float] | None = None,
    contact_height: float = 0.08,
    event_height: float = 0.03,
    min_contact: float = 0.05,
    merge_gap: float = 0.1,
    ground: float | None = None,
    method: str = "auto",
    zeni_delta: float = 0.1,
) -> GaitEvents:
    """Find initial contacts and toe-offs of both feet in a side-view pose sequence.

    Parameters
    ----------
    landmarks
        ``(n_frames, 33, 2|3)`` MediaPipe landmarks (normalised image coordinates, y down; NaN
        where not seen), or a :class:`~course.schema.PoseSeries` (then ``t`` and
        ``image_size`` come from it). Smooth noisy tracks first (``course.analysis.filters``).
    t
        ``(n_frames,)`` frame times, s, strictly increasing.
    facing
        Image direction the runner faces: ``"right"``, ``"left"`` or ``"auto"`` (direction of
        travel across the image, else toes ahead of heels).
    image_size
        ``(width, height)`` in pixels, so horizontal and vertical distances compare correctly;
        without it the landmark coordinates are taken as isotropic.
    contact_height
        A foot is in stance while its lowest point is at most this high, in leg lengths.
    event_height
        Level (leg lengths) at which contact and toe-off are timed (see the module docstring).
    min_contact
        Shortest stance kept, s (shorter dips are noise), unless the clip's ends or missing
        frames cut it.
    merge_gap
        Contact runs of the same foot at most this far apart (s) are one stance broken by noise
        (a foot's own swing is always longer).
    ground
        Image row of the ground line (y down, in the scaled units); estimated when None.
    method
        ``"height"`` (foot-height events, above), ``"zeni"`` (Zeni et al. 2008: contact when the
        heel is furthest ahead of the hip, toe-off when the toe is furthest behind it; robust
        for walking, where the feet barely leave the ground, but early in running, where the
        foot is pulled back before landing; label-free: a left/right swap of the tracker's leg
        labels does not change it, and sides alternate) or ``"auto"``: height, unless a foot
        rarely rises above ``2 * contact_height`` (95th percentile of its height) or seems down
        in over 75 % of the frames, as in walking or a distant runner, then Zeni.
    zeni_delta
        How far (leg lengths) the heel/toe must swing back between two Zeni extrema.

    Returns
    -------
    GaitEvents
        Contact and toe-off times per foot, with the facing, leg length, ground and method.

    Raises
    ------
    ValueError
        On wrong shapes, fewer than 10 frames, non-increasing times, or no usable legs.

    Examples
    --------
    >>> t = np.arange(12) / 10
    >>> lm = np.zeros((12, 33, 2))
    >>> lm[:, [23, 24]] = [0.0, 0.5]; lm[:, [25, 26]] = [0.0, 0.75]; lm[:, [27, 28]] = [0.0, 1.0]
    >>> lm[:, [29, 30], 1] = lm[:, [31, 32], 1] = 1.0  # both feet down the whole time
    >>> lm[:, 31, 0] = lm[:, 32, 0] = 0.1  # toes to the right of the heels
    >>> ev = detect_gait_events(lm, t, method="height")
    >>> ev.facing, ev.left_contact, ev.left_toe_off  # one stance, begun and ended off the clip
    ('right', array([nan]), array([nan]))
    """
    if method not in ("auto", "height", "zeni"):
        raise ValueError(f"method must be 'auto', 'height' or 'zeni'; got {method!r}.")
    xy, times = _inputs(landmarks, t, image_size)
    side_facing = _facing(xy, facing)
    ch = positive(contact_height, "contact_height", "leg lengths")
    eh = positive(event_height, "event_height", "leg lengths")
    if eh >= ch:
        raise ValueError(
            f"event_height ({eh}) must be below contact_height ({ch}), both in leg lengths."
        )
    min_c, gap = float(min_contact), float(merge_gap)
    for name, val in (("min_contact", min_c), ("merge_gap", gap)):
        if not np.isfinite(val) or val < 0:
            raise ValueError(f"{name} must be a non-negative time in s; got {val!r}.")
    legs = []
    lows = {}
    for side in SIDES:
        hip, knee, ankle, heel, toe = LEG_LANDMARKS[side]
        legs.append(
            np.linalg.norm(xy[:, hip] - xy[:, knee], axis=1)
            + np.linalg.norm(xy[:, knee] - xy[:, ankle], axis=1)
        )
        both = xy[:, [heel, toe], 1]
        low = np.full(both.shape[0], np.nan)
        seen = ~np.all(np.isnan(both), axis=1)
        low[seen] = np.nanmax(both[seen], axis=1)  # y down: the larger row is the lower point
        lows[side] = low
    leg = nanmedian(np.concatenate(legs))
    if not np.isfinite(leg) or leg <= 0:
        raise ValueError(
            "no frame shows a hip, knee and ankle of the same leg: cannot scale foot heights. "
            "Check that the legs are in view (side-on)."
        )
    dt = float(np.median(np.diff(times)))
    xy, bad = reject_frames(
        xy, leg, window=max(3, round(0.3 / dt))
    )  # another person tracked, or a broken skeleton
    dropped = int(bad.sum())
    for side in SIDES:
        lows[side][bad] = np.nan
    dropped_text = (
        f"; {dropped} implausible frame(s) dropped (hip centre > {MAX_HIP_JUMP:g} L from its "
        f"neighbours' median, or feet less than {MIN_FOOT_DROP:g} L below the hips)"
        if dropped
        else ""
    )
    if ground is None:
        pool = np.concatenate([lows["left"], lows["right"]])
        pool = pool[np.isfinite(pool)]
        if pool.size == 0:
            raise ValueError("the feet (heels/toes) are never seen; cannot find the ground line.")
        ground_row = float(np.percentile(pool, 85))
    else:
        ground_row = float(ground)
    found: dict[str, tuple[FloatArray, FloatArray]] = {}
    duty, clearance = 0.0, np.inf
    for side in SIDES:
        height = np.ascontiguousarray((ground_row - lows[side]) / leg)
        rows = _core.contacts(times, height, ch, eh, min_c, gap)
        found[side] = (np.ascontiguousarray(rows[:, 0]), np.ascontiguousarray(rows[:, 1]))
        finite = height[np.isfinite(height)]
        duty = max(duty, float(np.sum(rows[:, 3] - rows[:, 2] + 1)) / max(finite.size, 1))
        if finite.size:
            clearance = min(clearance, float(np.percentile(finite, 95)))
    text = (
        "foot-height events: lowest of heel/toe, ground = 85th percentile row"
        if ground is None
        else "foot-height events: lowest of heel/toe, ground given"
    ) + (
        f"; contact_height={ch:g} L, event_height={eh:g} L, min_contact={min_c:g} s, "
        f"merge_gap={gap:g} s"
    )
    low_feet = duty > 0.75 or clearance < 2 * ch
    if method == "zeni" or (method == "auto" and low_feet):
        delta = positive(zeni_delta, "zeni_delta", "leg lengths")
        sign = 1.0 if side_facing == "right" else -1.0
        found, zeni_text = zeni_events(xy, times, leg, sign, delta)
        text = zeni_text + (
            f" (auto: a foot rises only {clearance:.2g} L, below 2 x contact_height, or "
            f"seems down in {duty:.0%} of frames)"
            if method == "auto"
            else ""
        )
    text += dropped_text
    return GaitEvents(
        left_contact=found["left"][0],
        left_toe_off=found["left"][1],
        right_contact=found["right"][0],
        right_toe_off=found["right"][1],
        facing=side_facing,
        leg_length=leg,
        ground=ground_row,
        method=text,
    )


def gait_metrics(
    landmarks: Any,
    t: Any = None,
    /,
    *,
    facing: str = "auto",
    image_size: tuple[float, float] | None = None,
    **options: Any,
) -> GaitMetrics:
    """Cadence, contact and flight time, overstride and shank angle from a pose sequence.

    Parameters
    ----------
    landmarks, t, facing, image_size
        As for :func:`detect_gait_events`.
    **options
        Passed on to :func:`detect_gait_events` (``contact_height``, ``event_height``,
        ``min_contact``, ``ground``).

    Returns
    -------
    GaitMetrics
        Per-step arrays and medians; cadence in steps/min, times in s, overstride in leg
        lengths, shank angle in deg.

    Examples
    --------
    >>> t = np.arange(12) / 10
    >>> lm = np.zeros((12, 33, 2))
    >>> lm[:, [23, 24]] = [0.0, 0.5]; lm[:, [25, 26]] = [0.0, 0.75]; lm[:, [27, 28]] = [0.0, 1.0]
    >>> lm[:, [29, 30], 1] = lm[:, [31, 32], 1] = 1.0
    >>> gait_metrics(lm, t, facing="right", method="height").step_time.size  # no contact begins
    0
    """
    xy, times = _inputs(landmarks, t, image_size)
    events = detect_gait_events(xy, times, facing=facing, **options)
    sign = 1.0 if events.facing == "right" else -1.0
    hips = xy[:, [LM.LEFT_HIP, LM.RIGHT_HIP], 0]
    # Mean of the hips where both are seen, the one seen otherwise (no warning on all-NaN rows).
    hip_x = np.where(
        np.isnan(hips[:, 0]),
        hips[:, 1],
        np.where(np.isnan(hips[:, 1]), hips[:, 0], hips.mean(axis=1)),
    )
    rows = []
    for side in SIDES:
        _, knee, ankle, heel, _ = LEG_LANDMARKS[side]
        ic, to = events.contacts(side)
        for c, o in zip(ic, to, strict=True):
            if not np.isfinite(c):
                continue
            ahead = sign * (value_at(times, xy[:, heel, 0], c) - value_at(times, hip_x, c))
            dx = sign * (value_at(times, xy[:, ankle, 0], c) - value_at(times, xy[:, knee, 0], c))
            dy = value_at(times, xy[:, ankle, 1], c) - value_at(times, xy[:, knee, 1], c)
            rows.append(
                (c, side, o, ahead / events.leg_length, float(np.degrees(np.arctan2(dx, dy))))
            )
    rows.sort(key=lambda r: r[0])
    n = len(rows)
    step_time = np.array([r[0] for r in rows], dtype=np.float64)
    toe_off = np.array([r[2] for r in rows], dtype=np.float64)
    durations = np.full(n, np.nan)
    flights = np.full(n, np.nan)
    for i in range(n - 1):
        if rows[i + 1][1] != rows[i][1]:  # the other foot lands next: no step was missed
            durations[i] = step_time[i + 1] - step_time[i]
            flights[i] = step_time[i + 1] - toe_off[i]
    # Sanity floor: no one steps faster than MIN_STEP_TIME (see course.analysis._gait_zeni);
    # such "steps" (e.g. both feet's contacts found at the same moment) are dropped and said.
    rejected: list[str] = []
    short = np.isfinite(durations) & (durations < MIN_STEP_TIME)
    if short.any():
        rejected.append(
            f"{int(short.sum())} step(s) shorter than {MIN_STEP_TIME:g} s (faster than "
            f"{60 / MIN_STEP_TIME:.0f} steps/min, physiologically impossible) were left out: "
            f"{', '.join(f'{d:.3f} s' for d in durations[short])}"
        )
        durations[short] = np.nan
        flights[short] = np.nan
    median_step = nanmedian(durations)
    return GaitMetrics(
        events=events,
        step_time=step_time,
        step_side=tuple(r[1] for r in rows),
        contact_times=toe_off - step_time,
        flight_times=flights,
        step_durations=durations,
        overstride=np.array([r[3] for r in rows], dtype=np.float64),
        shank_angle=np.array([r[4] for r in rows], dtype=np.float64),
        cadence=60.0 / median_step if np.isfinite(median_step) else float("nan"),
        contact_time=nanmedian(toe_off - step_time),
        flight_time=nanmedian(flights),
        median_overstride=nanmedian(np.array([r[3] for r in rows], dtype=np.float64)),
        median_shank_angle=nanmedian(np.array([r[4] for r in rows], dtype=np.float64)),
        rejected=tuple(rejected),
    )
