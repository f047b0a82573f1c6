"""Force-curve pieces of the simulated jumps in :mod:`course.data.simulated` (private).

Each piece has a closed-form impulse, so the take-off velocity of a simulated (not measured)
jump is known exactly. :class:`SimulatedJump` is re-exported by :mod:`course.data.simulated`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from course.constants import G
from course.validation import positive

FloatArray = NDArray[np.float64]


_RELEASE_TIME = 0.08  # s, fall from the peak force to zero at take-off (quarter cosine)
_LANDING_RISE = 0.03  # s, touchdown to landing peak force (quarter sine)
_LANDING_DECAY = 0.15  # s, landing peak back to body weight (half cosine)


@dataclass(frozen=True, eq=False)
class SimulatedJump:
    """A simulated (not measured) vertical force trace of one jump, with its true answers.

    Attributes
    ----------
    t
        Sample times in s, starting at 0.
    force
        Vertical ground reaction force in N (with the simulated plate noise).
    fs
        Sampling rate in Hz.
    mass
        Body mass in kg.
    true_height
        Rise of the centre of mass after take-off, ``v_to² / (2g)``, in m.
    true_takeoff_velocity
        Vertical CoM velocity at take-off in m/s.
    true_events
        Exact times in s of ``"onset"`` (movement start; for a drop jump ``"contact"``),
        ``"takeoff"`` and ``"landing"``.
    kind
        ``"cmj"``, ``"sj"`` or ``"dj"``.
    true_flight_time
        Time in the air in s (longer than ``2·v_to/g`` if ``landing_offset`` > 0).
    quiet_window
        ``(start, stop)`` in s of a stretch of quiet standing in the trace, for body weight.
    parameters
        Every knob used to build the trace (SI units), including the solved ones.
    label
        Always ``"simulated"``; shown next to plots made from this trace.
    """

    t: FloatArray
    force: FloatArray
    fs: float
    mass: float
    true_height: float
    true_takeoff_velocity: float
    true_events: Mapping[str, float]
    kind: str
    true_flight_time: float
    quiet_window: tuple[float, float]
    parameters: Mapping[str, float] = field(default_factory=dict)
    label: str = "simulated"


def _landing_peak(mass: float, landing_speed: float) -> float:
    """Landing peak force (N) that stops a CoM arriving at ``landing_speed`` (m/s)."""
    w = mass * G
    return (mass * landing_speed + w * (_LANDING_RISE + _LANDING_DECAY / 2)) / (
        2 * _LANDING_RISE / math.pi + _LANDING_DECAY / 2
    )


def _push_impulse(weight: float, peak: float, rise: float, plateau: float) -> float:
    """Net impulse (N·s) of rise (half cosine), plateau and release (quarter cosine)."""
    return (
        (peak - weight) * (rise / 2 + plateau) + peak * 2 * _RELEASE_TIME / math.pi
    ) - weight * _RELEASE_TIME


def _push_force(
    s: FloatArray, weight: float, peak: float, rise: float, plateau: float
) -> FloatArray:
    """Force (N) of the push at times ``s`` (s) from its start: rise, plateau, release to 0."""
    out = np.empty_like(s)
    r = s < rise
    out[r] = weight + (peak - weight) * (1 - np.cos(np.pi * s[r] / rise)) / 2
    p = (s >= rise) & (s < rise + plateau)
    out[p] = peak
    q = s >= rise + plateau
    out[q] = peak * np.cos(np.pi / 2 * np.clip((s[q] - rise - plateau) / _RELEASE_TIME, 0, 1))
    return out


def _landing_force(s: FloatArray, weight: float, peak: float) -> FloatArray:
    """Force (N) at ``s`` s after touchdown: quarter-sine rise, half-cosine decay, weight."""
    out = np.full_like(s, weight)
    r = s < _LANDING_RISE
    out[r] = peak * np.sin(np.pi / 2 * s[r] / _LANDING_RISE)
    d = (s >= _LANDING_RISE) & (s < _LANDING_RISE + _LANDING_DECAY)
    out[d] = (
        weight + (peak - weight) * (1 + np.cos(np.pi * (s[d] - _LANDING_RISE) / _LANDING_DECAY)) / 2
    )
    return out


def _flight_time(v_to: float, landing_offset: float) -> float:
    """Time (s) until the CoM is ``landing_offset`` m below its take-off height."""
    return (v_to + math.sqrt(v_to**2 + 2 * G * landing_offset)) / G


def _solve_push(
    *,
    mass: float,
    v_start: float,
    height: float | None,
    peak_force: float | None,
    time_to_peak: float,
    push_duration: float | None,
    default_peak_bw: float,
    default_push: float,
) -> tuple[float, float]:
    """Return ``(peak_force, push_duration)`` consistent with the targets, or raise."""
    w = mass * G
    if height is None:
        peak = (
            default_peak_bw * w if peak_force is None else positive(peak_force, "peak_force", "N")
        )
        push = (
            default_push if push_duration is None else positive(push_duration, "push_duration", "s")
        )
    else:
        need = mass * (math.sqrt(2 * G * positive(height, "height", "m")) - v_start)
        if peak_force is None:
            push = (
                default_push
                if push_duration is None
                else positive(push_duration, "push_duration", "s")
            )
            plateau = push - time_to_peak - _RELEASE_TIME
            peak = (need + w * (time_to_peak / 2 + plateau + _RELEASE_TIME)) / (
                time_to_peak / 2 + plateau + 2 * _RELEASE_TIME / math.pi
            )
        elif push_duration is None:
            peak = positive(peak_force, "peak_force", "N")
            if peak <= w:
                raise ValueError(
                    f"peak_force must exceed body weight ({w:.0f} N) to jump; got {peak:.0f} N."
                )
            plateau = (need - (2 * peak / math.pi - w) * _RELEASE_TIME) / (
                peak - w
            ) - time_to_peak / 2
            push = plateau + time_to_peak + _RELEASE_TIME
        else:
            raise ValueError(
                "height, peak_force and push_duration are over-determined; leave peak_force or "
                "push_duration as None so the generator can solve for it."
            )
    plateau = push - time_to_peak - _RELEASE_TIME
    if plateau < -1e-12:
        raise ValueError(
            f"the push is too short: push_duration {push:.3f} s must be at least time_to_peak "
            f"({time_to_peak:.3f} s) + {_RELEASE_TIME} s release. Lower time_to_peak, raise "
            "peak_force, or ask for a lower height."
        )
    if peak <= w:
        raise ValueError(
            f"this jump needs a peak force above body weight ({w:.0f} N); the solution was "
            f"{peak:.0f} N. Ask for a higher jump or a shorter push_duration."
        )
    return peak, push


def finish_jump(
    kind: str,
    *,
    pre: FloatArray,
    mass: float,
    v_to: float,
    landing_offset: float,
    after: float,
    fs: float,
    noise_sd: float,
    seed: int,
    events: dict[str, float],
    params: dict[str, float],
    quiet_window: tuple[float, float] | None,
) -> SimulatedJump:
    """Append flight and landing to ``pre`` (forces up to take-off), add noise, package."""
    if v_to <= 0:
        raise ValueError(
            f"the push does not leave the ground (take-off velocity {v_to:.3f} m/s); raise "
            "peak_force or push_duration."
        )
    w = mass * G
    t_to = events["takeoff"]
    t_f = _flight_time(v_to, landing_offset)
    t_land = t_to + t_f
    v_land = math.sqrt(v_to**2 + 2 * G * landing_offset)
    n = math.floor((t_land + _LANDING_RISE + _LANDING_DECAY + after) * fs) + 1
    t = np.arange(n) / fs
    force = np.zeros(n)
    force[: pre.size] = pre
    land = t >= t_land
    force[land] = _landing_force(t[land] - t_land, w, _landing_peak(mass, v_land))
    if noise_sd < 0 or not math.isfinite(noise_sd):
        raise ValueError(f"noise_sd must be a finite number >= 0 in N; got {noise_sd!r}.")
    force = force + np.random.default_rng(seed).normal(0.0, noise_sd, n)
    events["landing"] = t_land
    if quiet_window is None:
        quiet_window = (float(t[-1]) - after + 0.1, float(t[-1]))
    params.update(mass=mass, fs=fs, noise_sd=noise_sd, seed=seed, landing_offset=landing_offset)
    return SimulatedJump(
        t=t,
        force=force,
        fs=fs,
        mass=mass,
        true_height=v_to**2 / (2 * G),
        true_takeoff_velocity=v_to,
        true_events=events,
        kind=kind,
        true_flight_time=t_f,
        quiet_window=quiet_window,
        parameters=params,
    )


def standing_jump(
    kind: str,
    *,
    mass: float,
    height: float | None,
    peak_force: float | None,
    time_to_peak: float,
    push_duration: float | None,
    depth: float,
    unweighting_time: float,
    quiet_time: float,
    landing_offset: float,
    fs: float,
    noise_sd: float,
    seed: int,
) -> SimulatedJump:
    """CMJ (``depth`` > 0: unweighting dip first) or SJ (``depth`` = 0) from quiet standing."""
    mass = positive(mass, "mass", "kg")
    fs = positive(fs, "fs", "Hz")
    if not 0 <= depth < 1:
        raise ValueError(f"unweighting_depth must be in [0, 1) body weights; got {depth}.")
    t_u = positive(unweighting_time, "unweighting_time", "s") if kind == "cmj" else 0.0
    t_q = positive(quiet_time, "quiet_time", "s")
    ttp = positive(time_to_peak, "time_to_peak", "s")
    w = mass * G
    dip = depth * w
    v1 = -dip * t_u / 2 / mass
    peak, push = _solve_push(
        mass=mass,
        v_start=v1,
        height=height,
        peak_force=peak_force,
        time_to_peak=ttp,
        push_duration=push_duration,
        default_peak_bw=2.2 if kind == "cmj" else 2.0,
        default_push=0.40 if kind == "cmj" else 0.38,
    )
    plateau = push - ttp - _RELEASE_TIME
    v_to = v1 + _push_impulse(w, peak, ttp, plateau) / mass
    t_to = t_q + t_u + push
    t = np.arange(math.ceil(t_to * fs)) / fs
    pre = np.full(t.size, w)
    if t_u > 0:
        u = (t >= t_q) & (t < t_q + t_u)
        pre[u] = w - dip * np.sin(np.pi * (t[u] - t_q) / t_u) ** 2
    p = t >= t_q + t_u
    pre[p] = _push_force(t[p] - t_q - t_u, w, peak, ttp, plateau)
    params = {"peak_force": peak, "time_to_peak": ttp, "push_duration": push, "quiet_time": t_q}
    if kind == "cmj":
        params.update(unweighting_depth=depth, unweighting_time=t_u)
    return finish_jump(
        kind,
        pre=pre,
        mass=mass,
        v_to=v_to,
        landing_offset=landing_offset,
        after=1.0,
        fs=fs,
        noise_sd=noise_sd,
        seed=seed,
        events={"onset": t_q, "takeoff": t_to},
        params=params,
        quiet_window=(0.0, t_q),
    )
