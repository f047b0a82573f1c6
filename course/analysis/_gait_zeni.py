"""Label-swap-proof Zeni events and frame cleaning for :mod:`course.analysis.gait` (private).

Side-view pose trackers often swap the LEFT and RIGHT leg labels for a few frames (the far leg is
hidden behind the near one), and a tracker following "the largest person" may jump to someone
else. Per-foot Zeni extrema then fire on every swap. The events here do not depend on the labels:

* heel strikes are the peaks of the *envelope* ``max(lead_L, lead_R)``, the lead being how far a
  heel is ahead of the hip (leg lengths, + in the facing direction). At a heel strike the landing
  heel is the one ahead, so each envelope peak is that foot's own Zeni peak (Zeni et al. 2008,
  Gait Posture 27:710), whatever its label; between two strikes the envelope dips while the
  swinging foot overtakes the planted one.
* toe-offs are the troughs of ``min`` over the two toes of the same lead.
* events closer together than :data:`MIN_STEP_TIME` are one event (the higher peak is kept): no
  human steps faster (elite sprinters reach about 5 steps/s, 0.2 s per step; Salo et al. 2011,
  Med Sci Sports Exerc 43:1055).
* sides alternate (a gait cycle is left, right, left...): within each stretch without gaps the
  alternation that agrees with most of the tracker's own labels is used, so a label swap at an
  event does not change the side.

Frames are dropped first (:func:`reject_frames`) when the hip centre jumps more than
:data:`MAX_HIP_JUMP` leg lengths from the median of its neighbours (another person was tracked)
or when the feet are not below the hips (a broken skeleton); short holes are then bridged.
"""

from __future__ import annotations

import numpy as np

from course._core import gait as _core
from course.analysis._gait_types import pair_events
from course.analysis.filters import fill_gaps
from course.schema import Landmark as LM
from course.validation import FloatArray

MIN_STEP_TIME = 0.18
"""Shortest plausible time between two steps (opposite feet), s: about 333 steps/min, above the
~5 steps/s of elite sprinters (Salo et al. 2011). Shorter steps are rejected, never reported."""
MAX_HIP_JUMP = 1.0
"""Largest plausible distance (leg lengths) of the hip centre from the median of the frames
within ±0.3 s of it; beyond it the tracker followed someone else or failed."""
MIN_FOOT_DROP = 0.4
"""Feet (mean of heels, ankles and toes) must be at least this far below the hips, leg lengths."""

_FEET = [LM.LEFT_ANKLE, LM.RIGHT_ANKLE, LM.LEFT_HEEL, LM.RIGHT_HEEL]
_FEET += [LM.LEFT_FOOT_INDEX, LM.RIGHT_FOOT_INDEX]


def hip_centre(xy: FloatArray) -> FloatArray:
    """``(n, 2)`` mean of the hips where both are seen, the one seen otherwise."""
    hips = xy[:, [LM.LEFT_HIP, LM.RIGHT_HIP]]
    out = np.where(np.isnan(hips[:, 0]), hips[:, 1], hips[:, 0])
    both = ~np.isnan(hips).any(axis=(1, 2))
    out[both] = hips[both].mean(axis=1)
    return np.asarray(out, dtype=np.float64)


def reject_frames(xy: FloatArray, leg: float, window: int = 3) -> tuple[FloatArray, np.ndarray]:
    """Copy of ``xy`` with implausible frames set to NaN, and the boolean mask of those frames.

    A frame is dropped when its hip centre lies more than ``MAX_HIP_JUMP * leg`` from the median
    hip centre of the frames within ``window`` frames of it (long enough that a
    few frames of another person are outvoted), or when its feet are less than
    ``MIN_FOOT_DROP * leg`` below its hips (image y points down).
    """
    out = xy.copy()
    hip = hip_centre(xy)
    n = hip.shape[0]
    bad = np.zeros(n, dtype=bool)
    for i in range(n):
        if np.isnan(hip[i]).any():
            continue
        near = hip[max(0, i - window) : i + window + 1]
        near = near[~np.isnan(near).any(axis=1)]
        med = np.median(near, axis=0)
        bad[i] = bool(np.linalg.norm(hip[i] - med) > MAX_HIP_JUMP * leg)
    feet = xy[:, _FEET, 1]
    seen = ~np.all(np.isnan(feet), axis=1) & ~np.isnan(hip[:, 1])
    drop = np.full(n, np.inf)
    drop[seen] = np.nanmean(feet[seen], axis=1) - hip[seen, 1]
    bad |= drop < MIN_FOOT_DROP * leg
    out[bad] = np.nan
    return out, bad


def _thin(times: FloatArray, values: FloatArray, keep_high: bool) -> FloatArray:
    """Merge events closer than MIN_STEP_TIME, keeping the most extreme of each cluster."""
    kept: list[tuple[float, float]] = []
    for t, v in zip(times, values, strict=True):
        if kept and t - kept[-1][0] < MIN_STEP_TIME:
            if (v > kept[-1][1]) == keep_high:
                kept[-1] = (t, v)
            continue
        kept.append((t, v))
    return np.array([k[0] for k in kept], dtype=np.float64)


def _sides(times: FloatArray, t: FloatArray, labels: FloatArray, gaps: FloatArray) -> list[str]:
    """Alternating sides for events at ``times``, per stretch between gaps, by majority label.

    ``labels`` is +1 where the tracker's left foot is the extreme one, -1 right, 0 unknown.
    """
    out: list[str] = []
    stretch = np.searchsorted(gaps, times)  # events between the same two gaps share a stretch
    for s in np.unique(stretch):
        idx = np.flatnonzero(stretch == s)
        lab = np.interp(times[idx], t, labels)
        alt = np.where(np.arange(idx.size) % 2 == 0, 1.0, -1.0)
        first_left = float(np.sum(np.sign(lab) * alt)) >= 0
        for k in range(idx.size):
            out.append("left" if (k % 2 == 0) == first_left else "right")
    return out


def zeni_events(
    xy: FloatArray, times: FloatArray, leg: float, sign: float, delta: float
) -> tuple[dict[str, tuple[FloatArray, FloatArray]], str]:
    """Label-free Zeni heel strikes and toe-offs, paired per side, and a description."""
    clean = xy
    hip_x = hip_centre(clean)[:, 0]
    dt = float(np.median(np.diff(times)))
    max_gap = max(1, round(0.1 / dt))
    heel = sign * (clean[:, [LM.LEFT_HEEL, LM.RIGHT_HEEL], 0] - hip_x[:, None]) / leg
    toe = sign * (clean[:, [LM.LEFT_FOOT_INDEX, LM.RIGHT_FOOT_INDEX], 0] - hip_x[:, None]) / leg
    found: dict[str, list[list[float]]] = {s: [[], []] for s in ("left", "right")}
    for col, (lead, high) in enumerate(((heel, True), (toe, False))):
        ok = ~np.isnan(lead).all(axis=1)
        env = np.full(lead.shape[0], np.nan)
        pick = np.nanmax if high else np.nanmin
        env[ok] = pick(lead[ok], axis=1)
        env = np.ascontiguousarray(fill_gaps(env, max_gap=max_gap))
        # +1 where the left foot is the extreme one (label as the tracker gave it), -1 right.
        labels = np.zeros(lead.shape[0])
        both = ~np.isnan(lead).any(axis=1)
        diff = lead[both, 0] - lead[both, 1]
        labels[both] = np.sign(diff if high else -diff)
        rows = _core.extrema(times, env, delta)
        want = 1.0 if high else -1.0
        ev = rows[rows[:, 1] == want, 0]
        vals = np.interp(ev, times[np.isfinite(env)], env[np.isfinite(env)]) if ev.size else ev
        ev = _thin(ev, vals, keep_high=high)
        gaps = times[np.isnan(env)]
        for when, side in zip(ev, _sides(ev, times, labels, gaps), strict=True):
            found[side][col].append(float(when))
    paired = {
        s: pair_events(
            np.array(found[s][0], dtype=np.float64), np.array(found[s][1], dtype=np.float64)
        )
        for s in found
    }
    text = (
        f"Zeni et al. 2008 on label-free envelopes: contact at the peak of the heel furthest "
        f"ahead of the hip, toe-off at the trough of the toe furthest behind it (extrema "
        f"standing out by {delta:g} L, at least {MIN_STEP_TIME:g} s apart; sides alternate)"
    )
    return paired, text
